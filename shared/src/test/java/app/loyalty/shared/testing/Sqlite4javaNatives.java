package app.loyalty.shared.testing;

import com.almworks.sqlite4java.SQLite;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Points sqlite4java (DynamoDB Local's storage engine) at its native library.
 * <p>
 * DynamoDB Local's POM brings the natives as {@code so}/{@code dylib}/{@code dll} artifacts, which Maven downloads
 * into the local repository but never puts on a test classpath. Rather than copying them in every module's build
 * (every function module consumes this fixture through shared's test-jar), the library is found at runtime next
 * to the sqlite4java jar that is on the classpath: the natives are sibling artifacts of the same group and version.
 * An explicit {@code -Dsqlite4java.library.path} always wins.
 */
final class Sqlite4javaNatives {
    static final String LIBRARY_PATH_PROPERTY = "sqlite4java.library.path";
    private static final String GROUP_PATH = "com/almworks/sqlite4java";

    private Sqlite4javaNatives() {
    }

    static synchronized void ensureLibraryPath() {
        if (System.getProperty(LIBRARY_PATH_PROPERTY) != null) {
            return;
        }
        NativeArtifact artifact = NativeArtifact.forThisPlatform();
        String version = sqlite4javaVersion().orElse(null);
        List<Path> candidates = candidates(artifact, version);
        Path library = candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() ->
                new IllegalStateException("DynamoDB Local needs sqlite4java's native library " + artifact.fileName(version)
                        + " (" + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + "), but it is in none of "
                        + candidates + ". Declare com.amazonaws:DynamoDBLocal as a test dependency of this module (it brings"
                        + " the natives into the local Maven repository) or point -D" + LIBRARY_PATH_PROPERTY
                        + " at a directory holding the library."));
        // sqlite4java looks in this directory for lib<name>-<version>.<ext> and lib<name>.<ext>, so the file
        // can stay where Maven put it.
        System.setProperty(LIBRARY_PATH_PROPERTY, library.getParent().toAbsolutePath().toString());
    }

    private static List<Path> candidates(NativeArtifact artifact, String version) {
        Set<Path> candidates = new LinkedHashSet<>();
        // 1. A build that does put the native on the classpath (or a copy of it) names it directly.
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            if (name.startsWith(artifact.artifactId()) && name.endsWith("." + artifact.extension())) {
                candidates.add(path);
            }
        }
        if (version != null) {
            // 2. The local repository the sqlite4java jar was resolved from (honours -Dmaven.repo.local).
            sqlite4javaJar().map(jar -> jar.getParent().getParent().getParent())
                    .ifPresent(groupDir -> candidates.add(artifact.in(groupDir, version)));
            // 3. The default local repository.
            Path defaultRepository = Path.of(System.getProperty("user.home"), ".m2", "repository");
            candidates.add(artifact.in(defaultRepository.resolve(GROUP_PATH), version));
        }
        return new ArrayList<>(candidates);
    }

    /** .../com/almworks/sqlite4java/sqlite4java/1.0.392/sqlite4java-1.0.392.jar when resolved by Maven. */
    private static Optional<Path> sqlite4javaJar() {
        try {
            var source = SQLite.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path jar = Path.of(source.getLocation().toURI());
            return jar.getParent() != null && jar.getParent().getParent() != null
                    && jar.getParent().getParent().getParent() != null ? Optional.of(jar) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The Maven version directory of the sqlite4java jar; the natives are released with the same version. */
    private static Optional<String> sqlite4javaVersion() {
        return sqlite4javaJar().map(jar -> jar.getParent().getFileName().toString());
    }

    /** The native artifacts DynamoDB Local declares, one per platform sqlite4java ships a library for. */
    private record NativeArtifact(String artifactId, String extension) {
        static NativeArtifact forThisPlatform() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
            boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
            boolean x86 = arch.equals("x86") || arch.equals("i386") || arch.equals("i686");
            if (os.contains("linux") && x64) {
                return new NativeArtifact("libsqlite4java-linux-amd64", "so");
            }
            if (os.contains("linux") && x86) {
                return new NativeArtifact("libsqlite4java-linux-i386", "so");
            }
            if (os.contains("mac") || os.contains("darwin")) {
                return new NativeArtifact("libsqlite4java-osx", "dylib");
            }
            if (os.contains("windows") && x64) {
                return new NativeArtifact("sqlite4java-win32-x64", "dll");
            }
            if (os.contains("windows") && x86) {
                return new NativeArtifact("sqlite4java-win32-x86", "dll");
            }
            throw new IllegalStateException("sqlite4java (DynamoDB Local's storage) ships no native library for "
                    + os + "/" + arch + "; run DynamoDB-backed tests against an emulator instead (see Emulator), or set -D"
                    + LIBRARY_PATH_PROPERTY + " to a directory with a self-built library");
        }

        Path in(Path groupDir, String version) {
            return groupDir.resolve(artifactId).resolve(version).resolve(fileName(version));
        }

        String fileName(String version) {
            return artifactId + (version == null ? "" : "-" + version) + "." + extension;
        }
    }
}
