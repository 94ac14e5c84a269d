package app.loyalty.shared.runtime;

import app.loyalty.shared.http.RequestLog;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A SnapStart priming step and its log line. Apart from {@link Priming} on purpose: that one references the DynamoDB
 * client, and the event relay's minimized jar must not keep the DynamoDB SDK for the sake of a log line.
 */
public final class PrimingStep {
    private PrimingStep() {
    }

    /**
     * Runs one priming step and writes one log line saying how it ended, so a priming that stopped doing its work
     * shows (tests check the outcomes). A failure is logged with its cause and the next step runs: priming only saves
     * time, and must not stop a version from being published.
     */
    public static Object run(RequestLog log, String step, Supplier<?> action) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("priming", step);
        Object outcome;
        try {
            outcome = action.get();
            line.put("level", "INFO");
            line.put("outcome", outcome);
        } catch (RuntimeException failed) {
            outcome = "failed: " + failed.getClass().getSimpleName();
            line.put("level", "WARN");
            line.put("outcome", outcome);
            line.put("error", failed.getClass().getName());
            line.put("message", failed.getMessage());
        }
        log.write(line);
        return outcome;
    }
}
