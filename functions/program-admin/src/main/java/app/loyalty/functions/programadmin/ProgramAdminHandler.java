package app.loyalty.functions.programadmin;

import app.loyalty.shared.auth.ApiKeys;
import app.loyalty.shared.domain.Ids;
import app.loyalty.shared.domain.program.Merchant;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Json;
import app.loyalty.shared.http.RequestLog;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.InMemoryDynamoDb;
import app.loyalty.shared.runtime.Priming;
import app.loyalty.shared.runtime.PrimingStep;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.ProgramRepository;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Operator routes: create and read programs, update their rules, add merchants (each gets an API key once), promo
 * codes ({@link PromoCodeAdmin}) and the reward pools' budgets ({@link RewardPoolAdmin}). Also
 * hosts the API's $default route (unknown routes answer a route-not-found problem), the smallest function with
 * its container warm for the operator.
 */
public final class ProgramAdminHandler extends ApiFunction {

    public ProgramAdminHandler() {
        this(AppContext.fromEnvironment());
    }

    private final AppContext context;

    public ProgramAdminHandler(AppContext context) {
        this(context, new ProgramAdmin(context));
    }

    private ProgramAdminHandler(AppContext context, ProgramAdmin admin) {
        super(Map.ofEntries(
                Map.entry("POST /v1/programs", Route.operator(admin::createProgram)),
                Map.entry("GET /v1/programs/{programId}", Route.operator(admin::readProgram)),
                Map.entry("PUT /v1/programs/{programId}/rules", Route.operator(admin::replaceRules)),
                Map.entry("POST /v1/programs/{programId}/merchants", Route.operator(admin::addMerchant)),
                Map.entry("POST /v1/programs/{programId}/promo-codes", Route.operator(admin.promoCodes::create)),
                Map.entry("GET /v1/programs/{programId}/promo-codes", Route.operator(admin.promoCodes::list)),
                Map.entry("GET /v1/programs/{programId}/promo-codes/{code}", Route.operator(admin.promoCodes::read)),
                Map.entry("PATCH /v1/programs/{programId}/promo-codes/{code}", Route.operator(admin.promoCodes::update)),
                Map.entry("GET /v1/programs/{programId}/reward-pools", Route.operator(admin.rewardPools::list)),
                Map.entry("POST /v1/programs/{programId}/merchants/{merchantId}/keys", Route.operator(admin.keys::rotate)),
                Map.entry("POST /v1/programs/{programId}/merchants/{merchantId}/keys/revoke", Route.operator(admin.keys::revoke)),
                Map.entry("PUT /v1/programs/{programId}/agreement", Route.operator(admin.agreements::replace)),
                Map.entry("GET /v1/programs/{programId}/agreement", Route.operator(admin.agreements::read)),
                Map.entry("POST /v1/programs/{programId}/webhooks", Route.operator(admin.webhooks::create)),
                Map.entry("GET /v1/programs/{programId}/webhooks", Route.operator(admin.webhooks::list)),
                Map.entry("DELETE /v1/programs/{programId}/webhooks/{subscriptionId}", Route.operator(admin.webhooks::delete)),
                Map.entry("POST /v1/programs/{programId}/webhooks/{subscriptionId}/secret", Route.operator(admin.webhooks::rotateSecret)),
                Map.entry("GET /v1/programs/{programId}/webhooks/{subscriptionId}/deliveries", Route.operator(admin.webhooks::deliveries)),
                Map.entry(DEFAULT_ROUTE_KEY, routeNotFound())));
        this.context = context;
    }

    /** After the miss against the real table, the paths that find data and write: {@link #primeFoundPaths}. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> checkpoint) {
        super.beforeCheckpoint(checkpoint);
        primeFoundPaths(context, RequestLog.STDOUT);
    }

    /**
     * SnapStart priming, {@link PrimingStep#JIT_ROUNDS} times, of a program that is found (its item mapped, the rules parsed and checked, the view rendered)
     * and of a program creation that succeeds, against {@link InMemoryDynamoDb}, so nothing is written anywhere; then
     * the creation's transaction goes to the real table, certain to be cancelled ({@link Priming#sendCancelled}).
     * Answers the outcome of each step, in order (also logged).
     */
    static List<Object> primeFoundPaths(AppContext real, RequestLog log) {
        Priming.Data data = Priming.data(real.clock().instant(), Ids.newId("prg"));
        List<Object> outcomes = new ArrayList<>();
        try (InMemoryDynamoDb memory = new InMemoryDynamoDb(data.items())) {
            ProgramAdmin admin = new ProgramAdmin(memory.context(real));
            outcomes.add(PrimingStep.run(log, "GET /v1/programs/{programId}, found, in memory", () -> PrimingStep.repeated(() ->
                    admin.readProgram(ApiRequest.from(primingGet("GET /v1/programs/{programId}",
                            Map.of("programId", data.program().programId()), Caller.operator()), Json.MAPPER)).status())));
            outcomes.add(PrimingStep.run(log, "POST /v1/programs, in memory", () -> admin.createProgram(ApiRequest.from(
                    Priming.post("POST /v1/programs", Map.of(), Caller.operator(),
                            "{\"name\": \"Priming\", \"currency\": \"EUR\", \"rules\": "
                                    + Json.MAPPER.valueToTree(data.program().rules()) + "}"),
                    Json.MAPPER)).status()));
            outcomes.add(PrimingStep.run(log, "program transaction, cancelled by DynamoDB", () -> Priming.sendCancelled(
                    real.dynamo(), real.tableName(), memory.transactions().getFirst())));
        }
        return outcomes;
    }

    /** A program lookup that finds nothing: GetItem, Jackson and the problem path, without writing. */
    @Override
    protected List<APIGatewayV2HTTPEvent> primingRequests() {
        return List.of(primingGet("GET /v1/programs/{programId}", Map.of("programId", "prg_priming"), Caller.operator()));
    }

    record CreateProgramRequest(String name, String currency, ProgramRules rules) {
    }

    record AddMerchantRequest(String name) {
    }

    /** The merchant as answered at creation: the only time the API key is shown. */
    record MerchantCreated(String merchantId, String programId, String name, Instant createdAt, String apiKey) {
    }

    private static final class ProgramAdmin {
        private final ProgramRepository programs;
        private final IdempotentWriter writer;
        private final AppContext context;
        private final Clock clock;
        final PromoCodeAdmin promoCodes;
        final RewardPoolAdmin rewardPools;
        final MerchantKeys keys;
        final AgreementAdmin agreements;
        final WebhookAdmin webhooks;

        ProgramAdmin(AppContext context) {
            this.context = context;
            this.clock = context.clock();
            this.programs = new ProgramRepository(context.dynamo(), context.tableName());
            this.writer = new IdempotentWriter(context.dynamo(), context.tableName(), clock);
            this.promoCodes = new PromoCodeAdmin(context, programs, writer);
            this.rewardPools = new RewardPoolAdmin(context, programs);
            this.keys = new MerchantKeys(context, programs, writer);
            this.agreements = new AgreementAdmin(context, programs, writer);
            this.webhooks = new WebhookAdmin(context, programs, writer);
        }

        ApiResponse createProgram(ApiRequest request) {
            CreateProgramRequest body = request.body(CreateProgramRequest.class);
            return writer.execute(request, () -> {
                Instant now = clock.instant();
                Program program = validated(() -> new Program(Ids.newId("prg"), body.name(), body.currency(),
                        body.rules(), now, now, 1));
                return new IdempotentWriter.Write(201, ProgramView.of(program), List.of(programs.create(program)), List.of());
            });
        }

        ApiResponse readProgram(ApiRequest request) {
            return ApiResponse.json(200, ProgramView.of(existing(request.pathParameter("programId"))));
        }

        /** A PUT is idempotent by nature; the version condition makes a concurrent edit a 409, never a lost update. */
        ApiResponse replaceRules(ApiRequest request) {
            ProgramRules rules = request.body(ProgramRules.class);
            Program current = existing(request.pathParameter("programId"));
            Instant now = clock.instant();
            try {
                context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder()
                        .transactItems(programs.updateRules(current.programId(), rules, current.version(), now)).build());
            } catch (TransactionCanceledException e) {
                throw new ApiException(ProblemType.CONFLICT, "The rules were changed concurrently; read them again and retry");
            }
            return ApiResponse.json(200, ProgramView.of(new Program(current.programId(), current.name(), current.currency(),
                    rules, current.createdAt(), now, current.version() + 1)));
        }

        ApiResponse addMerchant(ApiRequest request) {
            String programId = request.pathParameter("programId");
            AddMerchantRequest body = request.body(AddMerchantRequest.class);
            return writer.execute(request, () -> {
                existing(programId);
                Instant now = clock.instant();
                Merchant merchant = validated(() -> new Merchant(Ids.newId("mch"), programId, body.name(), now));
                String apiKey = ApiKeys.generate();
                MerchantCreated created = new MerchantCreated(merchant.merchantId(), programId, merchant.name(), now, apiKey);
                // A replay must not reveal the key again: the stored answer omits it.
                MerchantCreated replay = new MerchantCreated(merchant.merchantId(), programId, merchant.name(), now, null);
                return new IdempotentWriter.Write(201, created, replay, List.of(
                        programs.requireExists(programId),
                        programs.addMerchant(merchant, ApiKeys.hash(apiKey)),
                        ApiKeys.put(context.tableName(), ApiKeys.hash(apiKey), merchant.merchantId(), programId, now)),
                        List.of());
            });
        }

        private Program existing(String programId) {
            return programs.find(programId).orElseThrow(() -> ApiException.notFound("Program " + programId));
        }
    }

    /** Domain constructors validate; their refusals are the client's 400s. */
    static <T> T validated(java.util.function.Supplier<T> construction) {
        try {
            return construction.get();
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(e.getMessage());
        }
    }

    record ProgramView(String programId, String name, String currency, ProgramRules rules, Instant createdAt,
                       Instant updatedAt, long version) {
        static ProgramView of(Program program) {
            return new ProgramView(program.programId(), program.name(), program.currency(), program.rules(),
                    program.createdAt(), program.updatedAt(), program.version());
        }
    }
}
