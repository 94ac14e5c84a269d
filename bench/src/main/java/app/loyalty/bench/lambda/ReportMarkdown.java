package app.loyalty.bench.lambda;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * report.md from LambdaReport's result: the figures per function beside the targets of issue 7 / DESIGN section 9,
 * and the cost of a million purchases on AWS computed from the measured durations and capacity units.
 */
final class ReportMarkdown {
    /** AWS list prices, us-east-1, as published in 2025 (DynamoDB on-demand after its November 2024 reduction). */
    static final String PRICES_AS_OF = "AWS list prices for us-east-1 as published in 2025 (DynamoDB on-demand after the November 2024 reduction)";
    static final double LAMBDA_REQUEST = 0.20 / 1e6;
    static final double LAMBDA_GB_SECOND_ARM = 0.0000133334;
    static final double LAMBDA_GB_SECOND_X86 = 0.0000166667;
    static final double DYNAMODB_WRITE_UNIT = 0.625 / 1e6;
    static final double DYNAMODB_READ_UNIT = 0.125 / 1e6;
    static final double EVENTBRIDGE_EVENT = 1.00 / 1e6;
    static final double HTTP_API_REQUEST = 1.00 / 1e6;
    static final double MEMORY_GB = 1.0;   // template.yaml: MemorySize 1024

    static final double TARGET_COLD_RATIO = 2.2;
    static final long TARGET_CLASSES = 4_000;
    static final long TARGET_JAR_BYTES = 8L * 1024 * 1024;
    static final double TARGET_FIRST_VS_WARM = 2.0;

    private ReportMarkdown() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> result) {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) result.get("functions");
        StringBuilder md = new StringBuilder();
        md.append("# Lambda report\n\n");
        md.append("Measured ").append(result.get("measuredAt")).append(" at `").append(result.get("commit")).append("` by `bench/run-report.sh`")
                .append(" on ").append(((Map<?, ?>) result.get("machine")).get("cores")).append(" cores (")
                .append(((Map<?, ?>) result.get("machine")).get("cpu")).append("), load ")
                .append(((Map<?, ?>) result.get("machine")).get("loadBefore")).append(" before, ").append(result.get("loadAfter"))
                .append(" after; JVM ").append(result.get("jvm")).append(", JAVA_TOOL_OPTIONS `").append(result.get("javaToolOptions"))
                .append("`; runtime interface client ").append(result.get("ric")).append("; settings ").append(result.get("settings"))
                .append(".\n\n");

        md.append("## Cold start, jar, classes (fresh JVM under the runtime interface client, medians)\n\n");
        md.append("| function | jar | classes in jar | classes loaded to 1st response | init | 1st response | vs echo | vs echo-pojo | 1st request |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Map<String, Object> row : rows) {
            Map<String, Object> cold = (Map<String, Object>) row.get("cold");
            long jar = ((Number) row.get("jarBytes")).longValue();
            long classes = ((Number) cold.get("classesLoaded")).longValue();
            boolean floor = row.get("function").toString().startsWith("echo");
            md.append("| ").append(row.get("function"))
                    .append(" | ").append(floor ? mib(jar) : mark(mib(jar), jar <= TARGET_JAR_BYTES))
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", ((Number) row.get("jarClasses")).longValue()))
                    .append(" | ").append(floor ? count(classes) : mark(count(classes), classes <= TARGET_CLASSES))
                    .append(" | ").append(ms(cold.get("initMs")))
                    .append(" | ").append(ms(cold.get("firstResponseMs")))
                    .append(" | ").append(ratio(cold.get("firstResponseVsEcho")))
                    .append(" | ").append(floor ? ratio(cold.get("firstResponseVsEchoPojo"))
                            : mark(ratio(cold.get("firstResponseVsEchoPojo")), (double) cold.get("firstResponseVsEchoPojo") <= TARGET_COLD_RATIO))
                    .append(" | ").append(ms(cold.get("firstRequestMs"))).append(" (").append(cold.get("firstRequest")).append(")")
                    .append(" |\n");
        }
        md.append("\nTargets: jar <= 8 MiB, classes <= 4,000, first response <= 2.2x the echo-pojo (aim 1.5x; the issue's echo ")
                .append("was a RequestHandler<Map, Map> of 2,107 classes); ✓ met, ✗ not.\n")
                .append("\"echo\" is a RequestStreamHandler copying its input (the floor: JVM plus runtime client); \"echo-pojo\" ")
                .append("the same as a RequestHandler<Map, Map>, i.e. with the runtime client's own event deserialization.\n\n");

        md.append("## After SnapStart priming, and warm (against DynamoDB Local)\n\n");
        md.append("| function | init + priming | priming: DynamoDB calls | operation | 1st request | warm p50 | warm p99 | 1st / p50 | DynamoDB calls per request | read units | write units | PutEvents |\n");
        md.append("| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n");
        for (Map<String, Object> row : rows) {
            Map<String, Object> primed = (Map<String, Object>) row.get("primed");
            boolean floor = row.get("function").toString().startsWith("echo");
            boolean firstOp = true;
            for (Map<String, Object> op : (List<Map<String, Object>>) primed.get("operations")) {
                Map<String, Object> dynamodb = (Map<String, Object>) op.get("dynamodb");
                double firstVsWarm = (double) op.get("firstVsWarmP50");
                md.append("| ").append(firstOp ? row.get("function") : "")
                        .append(" | ").append(firstOp ? ms(primed.get("initAndPrimingMs")) : "")
                        .append(" | ").append(firstOp ? calls((Map<String, Object>) primed.get("primingCalls"))
                                + putEvents(primed.get("primingPutEventsCalls"), primed.get("primingEventsPublished")) : "")
                        .append(" | ").append(op.get("operation"))
                        .append(" | ").append(ms(op.get("firstMs")))
                        .append(" | ").append(ms(op.get("warmP50Ms")))
                        .append(" | ").append(ms(op.get("warmP99Ms")))
                        .append(" | ").append(floor || !firstOp ? ratio(firstVsWarm) : mark(ratio(firstVsWarm), firstVsWarm <= TARGET_FIRST_VS_WARM))
                        .append(" | ").append(calls(dynamodb))
                        .append(" | ").append(units(dynamodb.get("readUnits")))
                        .append(" | ").append(units(dynamodb.get("writeUnits")))
                        .append(" | ").append(number(op.get("putEventsCallsPerRequest"))).append(" (")
                        .append(number(op.get("eventsPerRequest"))).append(" events)")
                        .append(" |\n");
                firstOp = false;
            }
        }
        md.append("\nTarget: the first request after priming within 2x the warm p50 (first operation of each function, median of report.rounds primed JVMs; the ")
                .append("later operations' first calls follow the first one's warm-up). Read and write units are what DynamoDB ")
                .append("Local reports for ReturnConsumedCapacity TOTAL, per request.\n\n");

        md.append(costModel(rows));
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static String costModel(List<Map<String, Object>> rows) {
        // A report.only subset may leave out a function the cost model needs: say so rather than fail after the run.
        List<String> missing = java.util.stream.Stream.of("purchase-accrual", "authorizer", "event-relay")
                .filter(name -> rows.stream().noneMatch(r -> r.get("function").equals(name))).toList();
        if (!missing.isEmpty()) {
            return "## Cost of one million purchases\n\nNot computed: this run (report.only) left out " + missing + ".\n";
        }
        Map<String, Object> purchase = firstOperation(rows, "purchase-accrual");
        Map<String, Object> authorizer = firstOperation(rows, "authorizer");
        Map<String, Object> relay = firstOperation(rows, "event-relay");
        Map<String, Object> relayRow = rows.stream().filter(r -> r.get("function").equals("event-relay")).findFirst().orElseThrow();
        String relayOperation = relay.get("operation").toString();
        int records = Integer.parseInt(relayOperation.replaceAll("\\D+", " ").trim().split(" ")[0]);

        double purchaseMs = Math.ceil((double) purchase.get("warmP50Ms"));
        double authorizerMs = Math.ceil((double) authorizer.get("warmP50Ms"));
        double relayMsPerPurchase = Math.ceil((double) relay.get("warmP50Ms")) / records;
        double eventsPerPurchase = (double) relay.get("eventsPerRequest") / records;
        Map<String, Object> purchaseUnits = (Map<String, Object>) purchase.get("dynamodb");
        Map<String, Object> authorizerUnits = (Map<String, Object>) authorizer.get("dynamodb");
        double readUnits = (double) purchaseUnits.get("readUnits") + (double) authorizerUnits.get("readUnits");
        double writeUnits = (double) purchaseUnits.get("writeUnits") + (double) authorizerUnits.get("writeUnits");

        double million = 1e6;
        double gbSeconds = (purchaseMs + authorizerMs + relayMsPerPurchase) / 1000 * MEMORY_GB;
        double invocations = 2 + 1.0 / records;
        double lambdaArm = million * (invocations * LAMBDA_REQUEST + gbSeconds * LAMBDA_GB_SECOND_ARM);
        double lambdaX86 = million * (invocations * LAMBDA_REQUEST + gbSeconds * LAMBDA_GB_SECOND_X86);
        double dynamodb = million * (readUnits * DYNAMODB_READ_UNIT + writeUnits * DYNAMODB_WRITE_UNIT);
        double events = million * eventsPerPurchase * EVENTBRIDGE_EVENT;
        double api = million * HTTP_API_REQUEST;

        StringBuilder md = new StringBuilder("## Cost of one million purchases (from the figures above)\n\n");
        md.append("Per purchase: one HTTP API request, one authorizer invocation (no result caching configured), one ")
                .append("purchase-accrual invocation, and 1/").append(records).append(" of an event-relay invocation (the ")
                .append("measured batch holds ").append(records).append(" stream records, one per transaction). Durations are ")
                .append("the warm p50s, rounded up to the millisecond as Lambda bills, at ").append((int) (MEMORY_GB * 1024))
                .append(" MB; DynamoDB units as DynamoDB Local reported them. ").append(PRICES_AS_OF).append(": Lambda $0.20 per ")
                .append("million requests, $0.0000133334 (arm64) / $0.0000166667 (x86) per GB-second; DynamoDB on-demand $0.625 ")
                .append("per million write and $0.125 per million read request units; EventBridge $1.00 per million custom events; ")
                .append("HTTP API $1.00 per million requests. SnapStart adds no charge for Java.\n\n");
        md.append("| item | per purchase | $ per million purchases |\n| --- | --- | ---: |\n");
        md.append(String.format(Locale.ROOT, "| Lambda, arm64 (template.yaml) | %.2f invocations, %.1f ms x 1 GB (purchase %.0f, authorizer %.0f, relay %.1f) | %.2f |%n",
                invocations, purchaseMs + authorizerMs + relayMsPerPurchase, purchaseMs, authorizerMs, relayMsPerPurchase, lambdaArm));
        md.append(String.format(Locale.ROOT, "| Lambda, x86 (for comparison) | same | %.2f |%n", lambdaX86));
        md.append(String.format(Locale.ROOT, "| DynamoDB on-demand | %.2f read units, %.2f write units | %.2f |%n", readUnits, writeUnits, dynamodb));
        md.append(String.format(Locale.ROOT, "| EventBridge PutEvents | %.2f events | %.2f |%n", eventsPerPurchase, events));
        md.append(String.format(Locale.ROOT, "| HTTP API | 1 request | %.2f |%n", api));
        md.append(String.format(Locale.ROOT, "| **total (arm64)** | | **%.2f** |%n", lambdaArm + dynamodb + events + api));
        md.append("\nDuration on DynamoDB Local (about 7 ms per round trip on this machine, slow transactions) is not DynamoDB's; ")
                .append("on AWS expect shorter waits per call. The cost follows the call count: each DynamoDB round trip of a ")
                .append("request is paid in Lambda duration as well as in units. Relay share measured with ")
                .append(relayRow.get("function")).append(".\n");
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstOperation(List<Map<String, Object>> rows, String function) {
        return rows.stream().filter(r -> r.get("function").equals(function))
                .map(r -> ((List<Map<String, Object>>) ((Map<String, Object>) r.get("primed")).get("operations")).get(0))
                .findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static String calls(Map<String, Object> dynamodb) {
        Map<String, Double> byOperation = (Map<String, Double>) dynamodb.get("byOperation");
        if (byOperation.isEmpty()) {
            return "none";
        }
        String list = byOperation.entrySet().stream()
                .map(e -> number(e.getValue()) + " " + e.getKey()).collect(Collectors.joining(" + "));
        double failed = ((Number) dynamodb.get("failedCalls")).doubleValue();
        return list + (failed > 0 ? " (" + number(failed) + " failed)" : "");
    }

    private static String putEvents(Object calls, Object published) {
        long count = ((Number) calls).longValue();
        long events = published == null ? 0 : ((Number) published).longValue();
        return count == 0 ? "" : (" + " + count + " PutEvents (" + events + " events published)");
    }

    private static String mark(String value, boolean met) {
        return value + (met ? " ✓" : " ✗");
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String ms(Object millis) {
        double value = ((Number) millis).doubleValue();
        return String.format(Locale.ROOT, value < 10 ? "%.1f ms" : "%.0f ms", value);
    }

    private static String ratio(Object value) {
        return String.format(Locale.ROOT, "%.2fx", ((Number) value).doubleValue());
    }

    private static String units(Object value) {
        return String.format(Locale.ROOT, "%.2f", ((Number) value).doubleValue());
    }

    private static String number(Object value) {
        double d = ((Number) value).doubleValue();
        return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.2f", d);
    }
}
