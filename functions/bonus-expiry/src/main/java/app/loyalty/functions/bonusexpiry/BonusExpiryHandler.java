package app.loyalty.functions.bonusexpiry;

import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.runtime.PrimingStep;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import org.crac.Core;
import org.crac.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The daily bonus-expiry job (EventBridge Scheduler, template.yaml's DailyExpiry schedule): activates due pending
 * points, writes off due lots and sends expiry reminders ({@link ExpiryJob}). The scheduled event only triggers the
 * run; the instant it works at is the injected clock's (on Lambda the system clock), so a retried or late delivery
 * does the same as a punctual one. The answer (and a log line) is the run's {@link ExpiryJob.Summary}. A run that
 * fails throws: the Scheduler retries it, then sends it to the dead-letter queue; any rerun is safe.
 */
public final class BonusExpiryHandler implements RequestStreamHandler, Resource {
    /** Stop starting new members this long before the function's timeout; the next run carries on. */
    static final long SAFETY_MARGIN_MS = 30_000;

    private final AppContext context;
    private final RequestLog log;

    public BonusExpiryHandler() {
        this(AppContext.fromEnvironment());
    }

    public BonusExpiryHandler(AppContext context) {
        this(context, RequestLog.STDOUT);
    }

    BonusExpiryHandler(AppContext context, RequestLog log) {
        this.context = context;
        this.log = log;
        Core.getGlobalContext().register(this);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context lambdaContext) throws IOException {
        JsonNode event = LambdaJson.MAPPER.readTree(input);
        LambdaJson.write(output, run(event, lambdaContext));
    }

    /** One run for a Scheduler event already parsed (what tests call). */
    public ExpiryJob.Summary run(JsonNode event, Context lambdaContext) {
        ExpiryJob job = new ExpiryJob(context.dynamo(), context.tableName(), context.clock());
        ExpiryJob.Summary summary = job.run(() -> lambdaContext == null
                || lambdaContext.getRemainingTimeInMillis() > SAFETY_MARGIN_MS);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", summary.complete() ? "INFO" : "WARN");
        line.put("job", ExpiryJob.JOB_NAME);
        line.put("schedule", event == null ? null : event.path("resources").path(0).asText(null));
        line.put("summary", summary);
        log.write(line);
        return summary;
    }

    /**
     * SnapStart priming: a whole run at an instant long ago (1970), which reads the date indexes' empty partitions
     * of those days (and the progress item), so the query path, the SDK and the JSON are loaded, and writes nothing.
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> checkpoint) {
        PrimingStep.run(log, "expiry run over the empty index partitions of 1970", () -> {
            ExpiryJob job = new ExpiryJob(context.dynamo(), context.tableName(),
                    Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
            return job.run(() -> true, false);
        });
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> restore) {
        // Nothing to refresh: the clients hold no per-instance state.
    }
}
