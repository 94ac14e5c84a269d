package app.loyalty.local.template;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * template.yaml is checked by the tools AWS users run: cfn-lint, and the SAM translator that CloudFormation's
 * AWS::Serverless transform is built on. A missing tool fails the test with how to install it: a template
 * nobody linted must not pass as one that was.
 */
class CfnLintTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String TEMPLATE = "template.yaml";

    /**
     * Transforms the template the way CloudFormation would after `sam package`: local CodeUri paths become S3
     * locations, then the SAM translator expands every AWS::Serverless resource. Prints the resulting resource
     * types; exits 1 with SAM's own messages if the template is not valid SAM.
     */
    private static final String SAM_TRANSFORM = """
            import sys
            import boto3
            from samtranslator.model.exceptions import InvalidDocumentException
            from samtranslator.parser.parser import Parser
            from samtranslator.translator.translator import Translator
            from samtranslator.yaml_helper import yaml_parse

            with open(sys.argv[1], encoding="utf-8") as f:
                template = yaml_parse(f.read())
            for resource in (template.get("Resources") or {}).values():
                props = resource.get("Properties") or {}
                code = props.get("CodeUri")
                if resource.get("Type") == "AWS::Serverless::Function" and isinstance(code, str) and not code.startswith("s3://"):
                    props["CodeUri"] = "s3://packaged-by-sam/" + code + ".zip"
            parameters = {name: "0" * 64 for name, spec in (template.get("Parameters") or {}).items()
                          if "Default" not in spec}
            try:
                translator = Translator({}, Parser(), boto_session=boto3.session.Session(region_name="us-east-1"))
                output = translator.translate(template, parameter_values=parameters)
            except InvalidDocumentException as e:
                for cause in e.causes:
                    print("SAM:", cause.message)
                sys.exit(1)
            left = sorted(n for n, r in output["Resources"].items() if r["Type"].startswith("AWS::Serverless::"))
            if left:
                print("SAM left untransformed:", ", ".join(left))
                sys.exit(1)
            for name, resource in sorted(output["Resources"].items()):
                print(resource["Type"], name)
            """;

    @Test
    void template_passesCfnLintWithoutFindings() {
        Path root = repositoryRoot();
        Path cfnLint = onPath("cfn-lint").orElseGet(() -> fail(
                "cfn-lint is not on PATH, so template.yaml cannot be checked. Install it with `pip install cfn-lint` "
                        + "(or `pipx install cfn-lint`) and make sure its bin directory is on PATH."));

        Result lint = run(root, List.of(cfnLint.toString(), TEMPLATE));

        assertThat(lint.exitCode())
                .as("cfn-lint %s must report nothing; it said:%n%s", TEMPLATE, lint.output())
                .isZero();
    }

    @Test
    void template_transformsWithTheSamTranslator() {
        Path root = repositoryRoot();
        Path python = onPath("python3").orElseGet(() -> fail(
                "python3 is not on PATH, so template.yaml cannot be transformed with the SAM translator. Install "
                        + "Python 3, then `pip install aws-sam-translator` (cfn-lint brings it along)."));
        Result probe = run(root, List.of(python.toString(), "-c", "import samtranslator"));
        if (probe.exitCode() != 0) {
            fail("The SAM translator is not importable by %s. Install it with `pip install aws-sam-translator` "
                    + "(cfn-lint depends on it, so `pip install cfn-lint` in the same Python works too).%n%s",
                    python, probe.output());
        }

        Result transform = run(root, List.of(python.toString(), "-c", SAM_TRANSFORM, TEMPLATE));

        assertThat(transform.exitCode())
                .as("the SAM translator must accept %s; it said:%n%s", TEMPLATE, transform.output())
                .isZero();
        assertThat(transform.output()).contains("AWS::Lambda::Function", "AWS::ApiGatewayV2::Api");
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs a command in {@code directory}, printing what it says; fails if it outlives {@link #TIMEOUT}. */
    private static Result run(Path directory, List<String> command) {
        try {
            Path log = Files.createTempFile("cfn-lint-test", ".log");
            try {
                // Output goes to a file, not a pipe, so a chatty tool can never block on a full buffer.
                Process process = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                boolean finished = process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                if (!finished) {
                    process.destroyForcibly();
                    fail("%s did not finish within %s:%n%s", command.getFirst(), TIMEOUT, Files.readString(log));
                }
                String output = Files.readString(log, StandardCharsets.UTF_8);
                System.out.printf("$ %s (exit %d)%n%s%n", String.join(" ", abbreviated(command)), process.exitValue(),
                        output.isBlank() ? "(no output)" : output);
                return new Result(process.exitValue(), output);
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.getFirst(), e);
        }
    }

    /** Inline scripts are long; the log names them instead of repeating them. */
    private static List<String> abbreviated(List<String> command) {
        return command.stream().map(arg -> arg.contains("\n") ? "<script>" : arg).toList();
    }

    private static Optional<Path> onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path candidate = Path.of(entry).resolve(executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The directory holding template.yaml: the working directory or the nearest parent that has it. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(TEMPLATE))) {
                return dir;
            }
        }
        return fail("No %s in %s or any parent directory", TEMPLATE, Path.of("").toAbsolutePath());
    }
}
