package app.loyalty.functions.programadmin;

import app.loyalty.shared.domain.discount.PromoCode;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.PromoCodeRepository;
import app.loyalty.shared.store.PromoCodeRepository.StoredPromoCode;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static app.loyalty.functions.programadmin.ProgramAdminHandler.validated;

/**
 * The operator's promo-code routes: create (unique per program), read (with uses so far and what is left), list
 * (paged), and edit what may change once a code is out: the active flag, the end of its window, and its limits
 * upwards. The discount itself never changes (checkouts may already have used it): create a new code instead.
 */
final class PromoCodeAdmin {
    private final AppContext context;
    private final Clock clock;
    private final ProgramRepository programs;
    private final PromoCodeRepository codes;
    private final IdempotentWriter writer;

    PromoCodeAdmin(AppContext context, ProgramRepository programs, IdempotentWriter writer) {
        this.context = context;
        this.clock = context.clock();
        this.programs = programs;
        this.codes = new PromoCodeRepository(context.dynamo(), context.tableName());
        this.writer = writer;
    }

    record CreatePromoCodeRequest(String code, Integer percentBp, Long amountOff, Instant validFrom, Instant validUntil,
                                  Long maxUses, Long maxUsesPerMember, Long minimumBasket, Set<String> tiers,
                                  Set<String> tags, Set<String> categories, Boolean active) {
    }

    /** What an edit may change; a field left out (or null) stays as it is. */
    record UpdatePromoCodeRequest(Boolean active, Instant validUntil, Long maxUses, Long maxUsesPerMember) {
    }

    record PromoCodeView(String code, Integer percentBp, Long amountOff, Instant validFrom, Instant validUntil,
                         Long maxUses, Long maxUsesPerMember, long minimumBasket, Set<String> tiers, Set<String> tags,
                         Set<String> categories, boolean active, long uses, Long remaining, Instant createdAt,
                         Instant updatedAt, long version) {
        static PromoCodeView of(StoredPromoCode stored) {
            PromoCode c = stored.code();
            return new PromoCodeView(c.code(), c.percentBp(), c.amountOff(), c.validFrom(), c.validUntil(), c.maxUses(),
                    c.maxUsesPerMember(), c.minimumBasket(), new TreeSet<>(c.tiers()), new TreeSet<>(c.tags()),
                    new TreeSet<>(c.categories()), stored.active(), stored.uses(), stored.remaining(),
                    stored.createdAt(), stored.updatedAt(), stored.version());
        }
    }

    record PromoCodePage(List<PromoCodeView> items, String nextCursor) {
    }

    /**
     * Write first: the put's own condition keeps codes unique, and a taken code answers 409 from the cancellation
     * (the idempotency marker). The program is read only when the transaction failed on something else, i.e. when
     * its existence check may have been what failed.
     */
    ApiResponse create(ApiRequest request) {
        String programId = request.pathParameter("programId");
        CreatePromoCodeRequest body = request.body(CreatePromoCodeRequest.class);
        PromoCode code = validated(() -> new PromoCode(body.code(), body.percentBp(), body.amountOff(), body.validFrom(),
                body.validUntil(), body.maxUses(), body.maxUsesPerMember(), body.minimumBasket(), body.tiers(),
                body.tags(), body.categories()));
        boolean active = body.active() == null || body.active();
        IdempotentWriter.Marker taken = new IdempotentWriter.Marker(PromoCodeRepository.codeKey(programId, code.code()),
                existing -> {
                    throw new ApiException(ProblemType.CONFLICT, "The promo code " + code.code()
                            + " already exists in program " + programId + "; codes are unique per program");
                });
        AtomicInteger attempts = new AtomicInteger();
        return writer.execute(request, taken, () -> {
            if (attempts.incrementAndGet() > 1) {
                existingProgram(programId);
            }
            Instant now = clock.instant();
            StoredPromoCode created = new StoredPromoCode(code, 0, active, now, now, 1);
            return new IdempotentWriter.Write(201, PromoCodeView.of(created),
                    List.of(programs.requireExists(programId), codes.create(programId, code, active, now)), List.of());
        });
    }

    ApiResponse read(ApiRequest request) {
        return ApiResponse.json(200, PromoCodeView.of(existingCode(request.pathParameter("programId"),
                request.pathParameter("code"))));
    }

    ApiResponse list(ApiRequest request) {
        String programId = request.pathParameter("programId");
        int limit = request.query("limit").map(PromoCodeAdmin::limit).orElse(PromoCodeRepository.DEFAULT_PAGE);
        String cursor = request.query("cursor").orElse(null);
        PromoCodeRepository.Page page = validated(() -> codes.list(programId, cursor, limit));
        if (page.codes().isEmpty() && cursor == null) {
            existingProgram(programId); // an empty first page: a program without codes, or no program at all
        }
        return ApiResponse.json(200, new PromoCodePage(page.codes().stream().map(PromoCodeView::of).toList(),
                page.nextCursor()));
    }

    /**
     * A PATCH sets absolute values, so it is idempotent by nature (no Idempotency-Key); the version condition makes
     * a concurrent edit a 409, never a lost update. Uses during the edit do not conflict with it.
     */
    ApiResponse update(ApiRequest request) {
        String programId = request.pathParameter("programId");
        UpdatePromoCodeRequest body = request.body(UpdatePromoCodeRequest.class);
        if (body.active() == null && body.validUntil() == null && body.maxUses() == null && body.maxUsesPerMember() == null) {
            throw ApiException.validation("Send at least one of active, validUntil, maxUses, maxUsesPerMember");
        }
        StoredPromoCode current = existingCode(programId, request.pathParameter("code"));
        PromoCode was = current.code();
        requireRaised("maxUses", was.maxUses(), body.maxUses());
        requireRaised("maxUsesPerMember", was.maxUsesPerMember(), body.maxUsesPerMember());
        PromoCode next = validated(() -> new PromoCode(was.code(), was.percentBp(), was.amountOff(), was.validFrom(),
                body.validUntil() == null ? was.validUntil() : body.validUntil(),
                body.maxUses() == null ? was.maxUses() : body.maxUses(),
                body.maxUsesPerMember() == null ? was.maxUsesPerMember() : body.maxUsesPerMember(),
                was.minimumBasket(), was.tiers(), was.tags(), was.categories()));
        boolean active = body.active() == null ? current.active() : body.active();
        Instant now = clock.instant();
        try {
            context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder()
                    .transactItems(codes.update(programId, next, active, current.version(), now)).build());
        } catch (TransactionCanceledException e) {
            throw new ApiException(ProblemType.CONFLICT, "The promo code was changed concurrently; read it again and retry");
        }
        return ApiResponse.json(200, PromoCodeView.of(new StoredPromoCode(next, current.uses(), active,
                current.createdAt(), now, current.version() + 1)));
    }

    /**
     * Limits only go up. A lower overall limit could strand checkouts that already counted on it; a per-member limit
     * on a code that had none cannot be enforced, since uses of such codes are not counted per member.
     */
    private static void requireRaised(String field, Long was, Long asked) {
        if (asked == null) {
            return;
        }
        if (was == null) {
            throw new ApiException(ProblemType.CONFLICT, field + " cannot be set on a code created without it: limits can only be raised");
        }
        if (asked < was) {
            throw new ApiException(ProblemType.CONFLICT, field + " is " + was + " and can only be raised, not set to " + asked);
        }
    }

    private static int limit(String text) {
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= PromoCodeRepository.MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException notANumber) {
            // refused below, with the rule the client needs
        }
        throw ApiException.validation("limit must be an integer 1.." + PromoCodeRepository.MAX_PAGE);
    }

    /** A code spelled as none can be (lower-case, too long) is simply not there: 404 like any other missing code. */
    private StoredPromoCode existingCode(String programId, String code) {
        if (!PromoCodeRepository.isCode(code)) {
            throw ApiException.notFound("Promo code " + code);
        }
        return codes.find(programId, code).orElseThrow(() -> ApiException.notFound("Promo code " + code + " of program " + programId));
    }

    private void existingProgram(String programId) {
        if (programs.find(programId).isEmpty()) {
            throw ApiException.notFound("Program " + programId);
        }
    }
}
