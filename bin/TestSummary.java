import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * bin/test's closing lines, read from the surefire and failsafe XML reports under the working directory: one line
 * per module with its test counts, then "N passed, N failed, N skipped". For each failed test it prints where its
 * output is and the end of that output (the logs a quiet run kept out of the console), since Maven's own report
 * of a failure shows the assertion but not what the code logged before it.
 * Run as a source file: java bin/TestSummary.java
 */
public final class TestSummary {
    private static final int OUTPUT_TAIL_LINES = 60;

    record Counts(int tests, int failed, int skipped) {
        Counts plus(Counts other) {
            return new Counts(tests + other.tests, failed + other.failed, skipped + other.skipped);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, Counts> unit = new TreeMap<>();
        Map<String, Counts> integration = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Counts total = new Counts(0, 0, 0);
        for (Path report : reports()) {
            Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile()).getDocumentElement();
            Counts counts = new Counts(number(suite, "tests"), number(suite, "failures") + number(suite, "errors"),
                    number(suite, "skipped"));
            String module = Path.of("").toAbsolutePath().relativize(report.toAbsolutePath()).toString()
                    .replaceFirst("/target/.*", "");
            boolean failsafe = report.getParent().getFileName().toString().equals("failsafe-reports");
            (failsafe ? integration : unit).merge(module, counts, Counts::plus);
            unit.putIfAbsent(module, new Counts(0, 0, 0));
            total = total.plus(counts);
            if (counts.failed() > 0) {
                failures.add(describeFailure(report, suite));
            }
        }
        for (Map.Entry<String, Counts> module : unit.entrySet()) {
            Counts it = integration.getOrDefault(module.getKey(), new Counts(0, 0, 0));
            int failed = module.getValue().failed() + it.failed();
            System.out.printf("  %-30s %4d tests%s%s%n", module.getKey(), module.getValue().tests(),
                    it.tests() > 0 ? String.format(", %3d integration", it.tests()) : "",
                    failed > 0 ? "   " + failed + " FAILED" : "");
        }
        failures.forEach(System.out::print);
        System.out.printf("%d passed, %d failed, %d skipped%n", total.tests() - total.failed() - total.skipped(),
                total.failed(), total.skipped());
    }

    private static List<Path> reports() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("."))) {
            return files.filter(path -> path.getFileName().toString().matches("TEST-.*\\.xml"))
                    .filter(path -> path.getParent().getFileName().toString().matches("(surefire|failsafe)-reports"))
                    .filter(path -> !path.startsWith("./.venv"))
                    .sorted().toList();
        }
    }

    private static int number(Element element, String attribute) {
        String value = element.getAttribute(attribute);
        return value.isEmpty() ? 0 : Integer.parseInt(value);
    }

    /** The failed tests of one class, and the end of what the class printed while it ran. */
    private static String describeFailure(Path report, Element suite) throws IOException {
        String testClass = suite.getAttribute("name");
        StringBuilder out = new StringBuilder("\nFAILED in ").append(testClass).append(":\n");
        NodeList cases = suite.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element testCase = (Element) cases.item(i);
            if (testCase.getElementsByTagName("failure").getLength() + testCase.getElementsByTagName("error").getLength() > 0) {
                out.append("  ").append(testCase.getAttribute("name")).append('\n');
            }
        }
        Path output = report.resolveSibling(testClass + "-output.txt");
        if (Files.isRegularFile(output)) {
            List<String> lines = Files.readAllLines(output);
            out.append("--- last ").append(Math.min(lines.size(), OUTPUT_TAIL_LINES)).append(" of ").append(lines.size())
                    .append(" lines of its output, all in ").append(output.normalize()).append('\n');
            lines.subList(Math.max(0, lines.size() - OUTPUT_TAIL_LINES), lines.size())
                    .forEach(line -> out.append(line).append('\n'));
            out.append("---\n");
        }
        return out.toString();
    }
}
