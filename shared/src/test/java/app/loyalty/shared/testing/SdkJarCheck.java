package app.loyalty.shared.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Proves a shaded function jar still does what it is for after functions/unused-sdk-classes.txt took classes out of
 * it (functions/pom.xml; the list's making is in bench/sdk-trim/unused-sdk-classes.py):
 * <ul>
 *   <li>{@link #callThroughJar}: a probe class (test code, loaded by the jar's own class loader so that every SDK class
 *   it touches is the jar's) calls the operations the functions call against a fake AWS endpoint and reads each
 *   answer, errors included; a class the SDK needs for them and that the list removed fails it;</li>
 *   <li>{@link #classesThatDoNotInitialize}: every AWS service class left in the jar is initialized (static
 *   initializers, bytecode verification), except the request classes of operations no function calls, which are only
 *   loaded, as the client and its endpoint interceptor load them; a class left in the jar that needs a removed one
 *   fails it;</li>
 *   <li>{@link #responsesOurCodeNamesButTheJarLacks}: every AWS operation our code calls names its response class in
 *   the caller's bytecode; a call of an operation the list dropped (a new {@code deleteItem} or {@code scan}, say,
 *   before the list's generator knows it) fails it, where every test on the ordinary class path would pass.</li>
 * </ul>
 */
public final class SdkJarCheck {
    private SdkJarCheck() {
    }

    /** A fake AWS endpoint: answers each request with what {@code answer} makes of it. */
    public record Exchange(String method, String path, String target, String body) {
    }

    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer json(int status, String body) {
            return new Answer(status, Map.of("Content-Type", "application/x-amz-json-1.0"), body);
        }
    }

    /**
     * Loads {@code probeClass} (a {@code Function<String, String>} in the test classes at {@code probeLocation})
     * with the jar's classes first, and applies it to the URL of a fake endpoint answering with {@code answer}.
     * Returns what the probe returned.
     */
    public static String callThroughJar(Path jar, URL probeLocation, String probeClass,
                                        Function<Exchange, Answer> answer) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", http -> {
            try (http) {
                String body = new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Answer reply = answer.apply(new Exchange(http.getRequestMethod(), http.getRequestURI().toString(),
                        http.getRequestHeaders().getFirst("X-Amz-Target"), body));
                reply.headers().forEach((name, value) -> http.getResponseHeaders().add(name, value));
                byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
                http.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
                if (bytes.length > 0) {
                    http.getResponseBody().write(bytes);
                }
            }
        });
        server.start();
        // Credentials for AwsClients' chain, as the local runtime passes them; only if nothing set them before.
        System.getProperties().putIfAbsent("aws.accessKeyId", "jar-check");
        System.getProperties().putIfAbsent("aws.secretAccessKey", "jar-check");
        try (URLClassLoader function = new URLClassLoader(new URL[]{jar.toUri().toURL(), probeLocation},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> probe = function.loadClass(probeClass);
            if (probe.getClassLoader() != function) {
                throw new IllegalStateException(probeClass + " was not loaded with the jar's classes");
            }
            @SuppressWarnings("unchecked")
            Function<String, String> call = (Function<String, String>) probe.getDeclaredConstructor().newInstance();
            return call.apply("http://127.0.0.1:" + server.getAddress().getPort());
        } finally {
            server.stop(0);
        }
    }

    /** Runs the DynamoDB operations every function calls ({@link DynamoDbJarProbe}) through {@code jar}. */
    public static String callDynamoDbThroughJar(Path jar) throws Exception {
        return callThroughJar(jar, SdkJarCheck.class.getProtectionDomain().getCodeSource().getLocation(),
                DynamoDbJarProbe.class.getName(), DynamoDbJarProbe::answer);
    }

    /**
     * The AWS service classes in {@code jar} that cannot be initialized (or, for an unused operation's request, loaded)
     * with the jar's classes alone, each with its error: empty when nothing the jar keeps needs a class it lost.
     */
    public static List<String> classesThatDoNotInitialize(Path jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().map(entry -> entry.getName())
                    .filter(name -> name.startsWith("software/amazon/awssdk/services/") && name.endsWith(".class"))
                    .forEach(name -> names.add(name.substring(0, name.length() - ".class".length())));
        }
        Collections.sort(names);
        List<String> failures = new ArrayList<>();
        try (URLClassLoader function = new URLClassLoader(new URL[]{jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String name : names) {
                // An operation's request whose builder is gone belongs to an operation no function calls: the client's
                // verifier and the endpoint interceptor's instanceof load it, nothing initializes it.
                boolean loadedOnly = name.matches(".*/model/[A-Za-z0-9]+Request") && !names.contains(name + "$Builder");
                try {
                    Class.forName(name.replace('/', '.'), !loadedOnly, function);
                } catch (LinkageError | ClassNotFoundException e) {
                    failures.add(name + ": " + e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return failures;
    }

    private static final Pattern RESPONSE = Pattern.compile("software/amazon/awssdk/services/[a-z0-9]+/model/[A-Za-z0-9]+Response");

    /**
     * The AWS response classes named by our classes in {@code jar} (the return type of each operation they call, in
     * their constant pools) that the jar does not hold: empty when every operation our code calls survived the trim.
     */
    public static List<String> responsesOurCodeNamesButTheJarLacks(Path jar) throws IOException {
        Set<String> named = new TreeSet<>();
        Set<String> entries = new HashSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                entries.add(entry.getName());
                if (entry.getName().startsWith("app/loyalty/") && entry.getName().endsWith(".class")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        Matcher matcher = RESPONSE.matcher(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                        while (matcher.find()) {
                            named.add(matcher.group());
                        }
                    }
                }
            }
        }
        if (named.isEmpty() && entries.stream().anyMatch(name -> name.startsWith("software/amazon/awssdk/services/"))) {
            throw new IllegalStateException("No AWS response class named by our code in " + jar + ": the scan is broken");
        }
        return named.stream().filter(name -> !entries.contains(name + ".class")).toList();
    }
}
