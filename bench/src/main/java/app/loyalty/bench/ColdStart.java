package app.loyalty.bench;

import app.loyalty.functions.cardissuance.CardIssuanceHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cold-start proxy, run by bench/cold-start.sh in a fresh JVM whose class path is the deployable
 * functions/card-issuance/target/card-issuance.jar plus this class only (nothing of JMH, the test fixtures or
 * DynamoDB Local is loaded here). It does what Lambda does on a cold start, minus the runtime client: builds the
 * handler with its no-argument constructor (configuration from the environment, SDK client at init), then serves
 * requests against the DynamoDB Local that ColdStartServer runs in another process.
 * <p>
 * Prints one line, {@code COLDSTART key=millis ...}, with times since the launch timestamp the script passes
 * (-Dcoldstart.launchedAtEpochNanos, taken just before exec) and since the JVM's own start instant as the OS
 * reports it:
 * <ul>
 *   <li>{@code main}: JVM boot until main runs;</li>
 *   <li>{@code init}: handler constructed (Lambda's init phase);</li>
 *   <li>{@code first}: first response, POST /v1/members (the write path: 2 GetItem + TransactWriteItems);</li>
 *   <li>{@code second}: a GET /v1/members/{id} of that member, the first call of that route;</li>
 *   <li>{@code third}: another enrolment, the write path's second call;</li>
 *   <li>{@code firstRequest}, {@code secondRequest}, {@code thirdRequest}: each request's own duration.</li>
 * </ul>
 * The OS-reported start instant ({@code jvmStartVsLaunch}, its offset from the launch timestamp) is printed as a
 * cross-check only: it has a 10 ms tick and, on some VMs, a boot-time offset of its own.
 * With {@code --prime}, ApiFunction.beforeCheckpoint (the SnapStart priming) runs between init and the first
 * request, and {@code prime} is how long it took: then {@code first} minus {@code prime} is roughly what the first
 * request costs after a restore (restore itself is not measurable here).
 */
public final class ColdStart {
    // BenchData's constants used here (ENROL_BODY, PROGRAM_ID, MERCHANT_ID) are compile-time constants, inlined by
    // javac: BenchData itself is never loaded, so nothing but the function jar's classes is on the measured path.
    private static final Pattern MEMBER_ID = Pattern.compile("\"memberId\":\"([^\"]+)\"");

    private ColdStart() {
    }

    public static void main(String[] args) {
        Instant mainEntered = Instant.now();
        boolean prime = args.length > 0 && args[0].equals("--prime");
        String launched = System.getProperty("coldstart.launchedAtEpochNanos");
        Instant launchedAt = launched == null ? null : Instant.EPOCH.plusNanos(Long.parseLong(launched));
        Instant jvmStarted = ProcessHandle.current().info().startInstant().orElseThrow();

        CardIssuanceHandler handler = new CardIssuanceHandler();
        Instant constructed = Instant.now();
        Instant primed = constructed;
        if (prime) {
            handler.beforeCheckpoint(null);
            primed = Instant.now();
        }

        APIGatewayV2HTTPResponse enrolled = handler.handleRequest(enrol("cold-start-enrol-1"), null);
        Instant first = Instant.now();
        require(enrolled, 201);
        Matcher memberId = MEMBER_ID.matcher(enrolled.getBody());
        if (!memberId.find()) {
            throw new IllegalStateException("No memberId in " + enrolled.getBody());
        }
        APIGatewayV2HTTPResponse member = handler.handleRequest(getMember(memberId.group(1)), null);
        Instant second = Instant.now();
        require(member, 200);
        APIGatewayV2HTTPResponse again = handler.handleRequest(enrol("cold-start-enrol-2"), null);
        Instant third = Instant.now();
        require(again, 201);

        Instant origin = launchedAt != null ? launchedAt : jvmStarted;
        System.out.printf("COLDSTART origin=%s main=%.1f init=%.1f prime=%.1f first=%.1f second=%.1f third=%.1f"
                        + " firstRequest=%.1f secondRequest=%.1f thirdRequest=%.1f jvmStartVsLaunch=%.1f%n",
                launchedAt != null ? "launch" : "jvmStartInstant",
                ms(origin, mainEntered), ms(origin, constructed), ms(constructed, primed), ms(origin, first),
                ms(origin, second), ms(origin, third), ms(primed, first), ms(first, second), ms(second, third),
                launchedAt == null ? Double.NaN : ms(launchedAt, jvmStarted));
        System.out.flush();
        // Nothing here keeps the JVM alive, but the SDK's idle-connection reaper is not worth waiting for.
        System.exit(0);
    }

    private static double ms(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private static void require(APIGatewayV2HTTPResponse response, int status) {
        if (response.getStatusCode() != status) {
            throw new IllegalStateException("Expected " + status + ", got " + response.getStatusCode() + " "
                    + response.getBody());
        }
    }

    private static APIGatewayV2HTTPEvent enrol(String idempotencyKey) {
        APIGatewayV2HTTPEvent event = event("POST /v1/members", "/v1/members", Map.of());
        event.setHeaders(Map.of("content-type", "application/json", "idempotency-key", idempotencyKey));
        event.setBody(BenchData.ENROL_BODY);
        return event;
    }

    private static APIGatewayV2HTTPEvent getMember(String memberId) {
        return event("GET /v1/members/{memberId}", "/v1/members/" + memberId, Map.of("memberId", memberId));
    }

    /** An API Gateway HTTP API (2.0) event with the authorizer context of the bench merchant. */
    private static APIGatewayV2HTTPEvent event(String routeKey, String path, Map<String, String> pathParameters) {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(path)
                .withPathParameters(pathParameters)
                .withHeaders(Map.of("user-agent", "cold-start"))
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("cold-start")
                        .withRouteKey(routeKey)
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withLambda(new HashMap<>(Map.of("role", "MERCHANT",
                                        "merchantId", BenchData.MERCHANT_ID, "programId", BenchData.PROGRAM_ID)))
                                .build())
                        .build())
                .build();
    }
}
