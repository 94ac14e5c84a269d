package app.loyalty.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/** Setup-time sanity checks: a benchmark that measures an error path by mistake must fail, not report. */
final class Checks {
    private Checks() {
    }

    static void status(APIGatewayV2HTTPResponse response, int expected, String what) {
        if (response.getStatusCode() != expected) {
            throw new IllegalStateException(what + ": expected " + expected + ", got " + response.getStatusCode()
                    + " " + response.getBody());
        }
    }

    static void that(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("Benchmark setup check failed: " + what);
        }
    }
}
