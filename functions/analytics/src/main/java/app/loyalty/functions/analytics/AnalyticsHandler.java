package app.loyalty.functions.analytics;

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
import java.util.Map;

/**
 * The analytics function's event side: the EventBridge rule of the loyalty bus (template.yaml, AnalyticsFunction)
 * hands it each countable event, which {@link AnalyticsStore#record} adds to the program's aggregates once.
 * Answers {@code {"outcome": "counted" | "duplicate"}}; a DynamoDB failure fails the invocation, so Lambda retries
 * (the event marker makes the retry safe) and then dead-letters it.
 */
public final class AnalyticsHandler implements RequestStreamHandler, Resource {
    private final AnalyticsStore store;
    private final RequestLog log;

    public AnalyticsHandler() {
        this(AppContext.fromEnvironment());
    }

    public AnalyticsHandler(AppContext context) {
        this(context, RequestLog.STDOUT);
    }

    public AnalyticsHandler(AppContext context, RequestLog log) {
        this.store = new AnalyticsStore(context.dynamo(), context.tableName(), context.clock());
        this.log = log;
        Core.getGlobalContext().register(this);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = LambdaJson.MAPPER.readTree(input);
        if (!event.has("detail-type")) {
            throw new IllegalArgumentException("Not an EventBridge event: no detail-type");
        }
        Contribution contribution = Contribution.of(event.path("detail-type").asText(), event.path("detail"));
        AnalyticsStore.Outcome outcome = store.record(contribution);
        LambdaJson.write(output, Map.of("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)));
    }

    /** SnapStart priming: reads a program's total that does not exist (a GetItem miss), writes nothing. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        PrimingStep.run(log, "analytics total read (miss)", () -> store.total("prg_priming"));
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing to refresh: clients re-resolve credentials on use
    }
}
