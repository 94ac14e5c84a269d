package app.loyalty.functions.settlement;

import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.settlement.Settlement;
import app.loyalty.shared.domain.settlement.SettlementCalculator;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.PartnerAccess;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.SettlementItems;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Routes of the settlement (docs/settlement.md): close a month (operator; POST, Idempotency-Key; a closed month is
 * immutable), read a closed settlement as JSON or CSV ({@code ?format=csv} or {@code Accept: text/csv}; the operator
 * reads it whole, a merchant of the program its own line and positions only), and the points liability per merchant
 * (operator).
 */
public final class SettlementApiHandler extends ApiFunction {
    static final String CLOSE = "POST /v1/programs/{programId}/settlements";
    static final String READ = "GET /v1/programs/{programId}/settlements/{period}";
    static final String LIABILITY = "GET /v1/programs/{programId}/liability";

    public SettlementApiHandler() {
        this(AppContext.fromEnvironment());
    }

    public SettlementApiHandler(AppContext context) {
        this(new Operations(context));
    }

    private SettlementApiHandler(Operations operations) {
        super(Map.of(
                CLOSE, Route.operator(operations::close),
                // The operator reads the whole settlement; a merchant of the program only its own part (forMerchant).
                READ, new Route(Route.Access.ANY_CALLER, operations::read),
                LIABILITY, Route.operator(operations::liability)));
    }

    /**
     * SnapStart priming: the read of a closed settlement of a program that does not exist (one GetItem, a miss, 404),
     * so the snapshot holds the routing, the DynamoDB client's read path and the problem rendering; writes nothing.
     */
    @Override
    protected List<APIGatewayV2HTTPEvent> primingRequests() {
        return List.of(primingGet(READ, Map.of("programId", "prg_priming", "period", "2026-01"), Caller.operator()));
    }

    record CloseRequest(String period) {
    }

    record MerchantLiability(String merchantId, long outstandingPoints, long liability) {
    }

    /**
     * Outstanding points per issuing merchant (its lots' points not yet redeemed, reversed or expired) and their
     * value at the program's point value; {@code closedThrough}: the latest closed month, the rest counted live.
     */
    record LiabilityView(String programId, String currency, Instant asOf, long pointValuePoints,
                         long pointValueMinorUnits, String closedThrough, long totalOutstandingPoints,
                         long totalLiability, List<MerchantLiability> merchants) {
    }

    private static final class Operations {
        private final Settlements settlements;
        private final ProgramRepository programs;
        private final IdempotentWriter writer;
        private final Clock clock;

        Operations(AppContext context) {
            this.settlements = new Settlements(context.dynamo(), context.tableName());
            this.programs = new ProgramRepository(context.dynamo(), context.tableName());
            this.clock = context.clock();
            this.writer = new IdempotentWriter(context.dynamo(), context.tableName(), clock);
        }

        ApiResponse close(ApiRequest request) {
            String programId = request.pathParameter("programId");
            CloseRequest body = request.body(CloseRequest.class);
            YearMonth period = period(body.period());
            IdempotentWriter.Marker closedAlready = new IdempotentWriter.Marker(
                    SettlementItems.settlementKey(programId, period.toString()), item -> {
                        throw new ApiException(ProblemType.CONFLICT, "The settlement of " + period + " is closed "
                                + "already (closed settlements never change); read it with GET", Map.of(
                                "period", period.toString(), "closedAt", item.get("closedAt").s()));
                    });
            return writer.execute(request, closedAlready, () -> {
                Program program = program(programId);
                Instant now = clock.instant();
                Instant end = Settlements.end(period);
                if (now.isBefore(end.plus(Settlements.INDEX_GRACE))) {
                    throw ApiException.validation("period " + period + " can be closed from "
                            + end.plus(Settlements.INDEX_GRACE) + ", " + Settlements.INDEX_GRACE.toMinutes()
                            + " minutes after it ends");
                }
                Settlement settlement = settlements.compute(program, period, Settlements.start(period), end);
                SettlementView view = SettlementView.of(settlement, now);
                return new IdempotentWriter.Write(201, view, view,
                        List.of(settlements.close(view, Settlements.closedEvent(view))), List.of(),
                        SettlementItems.settlementKey(programId, period.toString()));
            });
        }

        ApiResponse read(ApiRequest request) {
            String programId = request.pathParameter("programId");
            String period = request.pathParameter("period");
            Caller caller = request.caller();
            boolean merchant = caller.role() == Caller.Role.MERCHANT;
            if (merchant && !programId.equals(caller.programId())) {
                // Another program's settlement answers exactly like one of the merchant's own program that is not
                // closed (API1), and does not echo the other program's id.
                throw ApiException.notFound("Closed settlement " + period);
            }
            if (merchant) {
                // A merchant the partner agreement leaves out reads no settlement of the program, as it sees none of
                // its members (found by TenantSweepIT: it got an empty view).
                PartnerAccess.requireInAgreement(program(programId), caller.merchantId());
            }
            String format = request.query("format").orElseGet(() ->
                    request.header("Accept").filter(accept -> accept.contains("text/csv")).map(a -> "csv").orElse("json"));
            if (!format.equals("json") && !format.equals("csv")) {
                throw ApiException.validation("format must be json or csv");
            }
            period(period);
            SettlementView stored = settlements.find(programId, period).orElseThrow(() -> ApiException.notFound(
                    merchant ? "Closed settlement " + period : "Closed settlement " + period + " of program " + programId));
            SettlementView view = merchant ? stored.forMerchant(caller.merchantId()) : stored;
            if (format.equals("csv")) {
                return new ApiResponse(200, SettlementCsv.write(view), Map.of("Content-Type", "text/csv; charset=utf-8",
                        "Content-Disposition", "attachment; filename=\"settlement-" + programId + "-" + period
                                + (merchant ? "-" + caller.merchantId() : "") + ".csv\""));
            }
            return ApiResponse.json(200, view);
        }

        /**
         * Sums each merchant's outstandingChange over the closed months and, for the months since the program began
         * that are not closed (normally the current one), over the ledger entries up to now (S2).
         */
        ApiResponse liability(ApiRequest request) {
            Program program = program(request.pathParameter("programId"));
            Instant now = clock.instant();
            Map<String, Long> outstanding = new TreeMap<>();
            Set<String> closedPeriods = new HashSet<>();
            String closedThrough = null;
            for (SettlementView closed : settlements.closed(program.programId())) {
                closedPeriods.add(closed.period());
                closedThrough = closedThrough == null || closed.period().compareTo(closedThrough) > 0 ? closed.period() : closedThrough;
                closed.merchants().forEach(line -> outstanding.merge(line.merchantId(), line.outstandingChange(), Math::addExact));
            }
            for (YearMonth month = YearMonth.from(program.createdAt().atZone(java.time.ZoneOffset.UTC));
                 !Settlements.start(month).isAfter(now); month = month.plusMonths(1)) {
                if (closedPeriods.contains(month.toString())) {
                    continue;
                }
                Instant end = Settlements.end(month).isAfter(now) ? now : Settlements.end(month);
                if (!end.isAfter(Settlements.start(month))) {
                    continue;
                }
                settlements.compute(program, month, Settlements.start(month), end).merchants()
                        .forEach(line -> outstanding.merge(line.merchantId(), line.outstandingChange(), Math::addExact));
            }
            var pointValue = program.rules().discount().pointValue();
            long totalPoints = 0;
            long totalLiability = 0;
            List<MerchantLiability> merchants = new java.util.ArrayList<>();
            for (var entry : outstanding.entrySet()) {
                long value = SettlementCalculator.liability(entry.getValue(), pointValue);
                merchants.add(new MerchantLiability(entry.getKey(), entry.getValue(), value));
                totalPoints = Math.addExact(totalPoints, entry.getValue());
                totalLiability = Math.addExact(totalLiability, value);
            }
            return ApiResponse.json(200, new LiabilityView(program.programId(), program.currency(), now,
                    pointValue.points(), pointValue.minorUnits(), closedThrough, totalPoints, totalLiability, merchants));
        }

        private Program program(String programId) {
            return programs.find(programId).orElseThrow(() -> ApiException.notFound("Program " + programId));
        }

        private static YearMonth period(String period) {
            try {
                return Settlements.parsePeriod(period);
            } catch (IllegalArgumentException e) {
                throw ApiException.validation(e.getMessage());
            }
        }
    }
}
