package app.loyalty.functions.settlement;

import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.settlement.Settlement;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.store.ProgramRepository;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduled settlement run (EventBridge Scheduler, template.yaml's MonthlySettlement, monthly by default and
 * configurable with the SettlementSchedule parameter): closes the last complete calendar month (or the month in the
 * schedule's input {@code {"period":"YYYY-MM"}}) of every program with a partner agreement. A month closed already
 * (by the operator or an earlier delivery) is skipped: its conditional put fails and nothing changes, so a retried or
 * duplicated delivery is harmless. A failure throws: the Scheduler retries, then the dead-letter queue.
 */
public final class SettlementHandler implements RequestStreamHandler {
    private final AppContext context;
    private final RequestLog log;

    public SettlementHandler() {
        this(AppContext.fromEnvironment());
    }

    public SettlementHandler(AppContext context) {
        this(context, RequestLog.STDOUT);
    }

    SettlementHandler(AppContext context, RequestLog log) {
        this.context = context;
        this.log = log;
    }

    record Summary(String period, List<String> closed, List<String> alreadyClosed) {
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context lambdaContext) throws IOException {
        JsonNode event = LambdaJson.MAPPER.readTree(input);
        LambdaJson.write(output, run(event));
    }

    public Summary run(JsonNode event) {
        Instant now = context.clock().instant();
        String requested = event == null ? null : event.path("period").asText(null);
        YearMonth period = requested != null ? Settlements.parsePeriod(requested)
                : YearMonth.from(now.atZone(ZoneOffset.UTC)).minusMonths(1);
        if (now.isBefore(Settlements.end(period).plus(Settlements.INDEX_GRACE))) {
            throw new IllegalArgumentException("period " + period + " is not over yet at " + now);
        }
        Settlements settlements = new Settlements(context.dynamo(), context.tableName());
        ProgramRepository programs = new ProgramRepository(context.dynamo(), context.tableName());
        List<String> closed = new ArrayList<>();
        List<String> already = new ArrayList<>();
        for (String programId : settlements.registeredPrograms()) {
            Program program = programs.find(programId)
                    .orElseThrow(() -> new IllegalStateException("Registered program " + programId + " is missing"));
            if (settlements.find(programId, period.toString()).isPresent()) {
                already.add(programId);
                continue;
            }
            Settlement settlement = settlements.compute(program, period, Settlements.start(period), Settlements.end(period));
            SettlementView view = SettlementView.of(settlement, now);
            try {
                context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder()
                        .transactItems(settlements.close(view, Settlements.closedEvent(view))).build());
                closed.add(programId);
            } catch (TransactionCanceledException e) {
                // Closed meanwhile by the operator's route: the period's put condition failed, nothing was written.
                if (settlements.find(programId, period.toString()).isEmpty()) {
                    throw e;
                }
                already.add(programId);
            }
        }
        Summary summary = new Summary(period.toString(), closed, already);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", "INFO");
        line.put("job", "settlement");
        line.put("summary", summary);
        log.write(line);
        return summary;
    }
}
