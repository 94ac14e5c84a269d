package app.loyalty.functions.analytics;

import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.ProgramRepository;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/programs/{programId}/analytics?from=&to=}: the program's figures over a period of whole UTC days,
 * as JSON, or as CSV with {@code format=csv} or {@code Accept: text/csv}. Reads only the program's aggregate items
 * (patterns A3-A5): a Query of the period's days, one of its months, one of the days after it, and the total.
 */
public final class AnalyticsApiHandler extends ApiFunction {
    static final String ROUTE = "GET /v1/programs/{programId}/analytics";
    static final int MAX_DAYS = 366;

    private final AnalyticsStore store;
    private final ProgramRepository programs;
    private final java.time.Clock clock;

    public AnalyticsApiHandler() {
        this(AppContext.fromEnvironment());
    }

    public AnalyticsApiHandler(AppContext context) {
        this(context, new AnalyticsApiHandler[1]);
    }

    /** The route needs the fields, the super constructor the route: the lambda reaches them through a holder. */
    private AnalyticsApiHandler(AppContext context, AnalyticsApiHandler[] self) {
        super(Map.of(ROUTE, Route.operator(request -> self[0].report(request))));
        this.store = new AnalyticsStore(context.dynamo(), context.tableName(), context.clock());
        this.programs = new ProgramRepository(context.dynamo(), context.tableName());
        this.clock = context.clock();
        self[0] = this;
    }

    @Override
    protected List<APIGatewayV2HTTPEvent> primingRequests() {
        return List.of(primingGet(ROUTE, Map.of("programId", "prg_priming"), Caller.operator()));
    }

    ApiResponse report(ApiRequest request) {
        String programId = request.pathParameter("programId");
        LocalDate today = clock.instant().atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate to = request.query("to").map(value -> date("to", value)).orElse(today);
        LocalDate from = request.query("from").map(value -> date("from", value)).orElse(to.withDayOfMonth(1));
        if (from.isAfter(to)) {
            throw ApiException.validation("from must not be after to");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw ApiException.validation("the period is at most " + MAX_DAYS + " days");
        }
        int marginBp = request.query("marginBp").map(value -> basisPoints("marginBp", value)).orElse(AnalyticsReport.DEFAULT_MARGIN_BP);
        int upliftBp = request.query("upliftBp").map(value -> basisPoints("upliftBp", value)).orElse(AnalyticsReport.DEFAULT_UPLIFT_BP);
        boolean csv = request.query("format").map(format -> switch (format) {
            case "csv" -> true;
            case "json" -> false;
            default -> throw ApiException.validation("format must be json or csv");
        }).orElseGet(() -> request.header("Accept").map(accept -> accept.contains("text/csv")).orElse(false));

        Program program = programs.find(programId).orElseThrow(() -> ApiException.notFound("program " + programId));
        AnalyticsReport.Inputs inputs = new AnalyticsReport.Inputs(store.days(programId, from, to),
                store.months(programId, YearMonth.from(from), YearMonth.from(to)),
                store.total(programId).orElse(null), store.daysAfter(programId, to));
        AnalyticsReport.Report report = AnalyticsReport.build(programId, program.currency(),
                program.rules().discount().pointValue(), from, to, inputs, marginBp, upliftBp);
        if (csv) {
            return new ApiResponse(200, AnalyticsReport.csv(report), Map.of("Content-Type", "text/csv; charset=utf-8",
                    "Content-Disposition", "attachment; filename=\"analytics-" + programId + "-" + from + "-" + to + ".csv\""));
        }
        return ApiResponse.json(200, report);
    }

    private static LocalDate date(String name, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.validation(name + " must be a date yyyy-mm-dd");
        }
    }

    private static int basisPoints(String name, String value) {
        try {
            int bp = Integer.parseInt(value);
            if (bp >= 0 && bp <= 10_000) {
                return bp;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal below
        }
        throw ApiException.validation(name + " must be an integer 0..10000");
    }
}
