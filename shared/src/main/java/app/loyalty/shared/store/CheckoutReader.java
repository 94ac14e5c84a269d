package app.loyalty.shared.store;

import app.loyalty.shared.domain.discount.Checkout;
import app.loyalty.shared.domain.discount.CheckoutCalculator;
import app.loyalty.shared.domain.discount.MemberFacts;
import app.loyalty.shared.domain.discount.PromoCode;
import app.loyalty.shared.domain.discount.Quote;
import app.loyalty.shared.domain.discount.RewardPool;
import app.loyalty.shared.domain.discount.card.DiscountCard;
import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.redeem.Spendable;
import app.loyalty.shared.store.PromoCodeRepository.StoredPromoCode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a checkout is computed from, read once and turned into the engine's inputs in one place, so the quote
 * (discount-calculation) and the purchase (purchase-accrual) build the same {@link Checkout} from the same items and
 * the quote is what the purchase applies (docs/discounts.md, "Quote and purchase").
 * <p>
 * The read is ONE consistent BatchGetItem of the member's PROFILE, the promo code's definition, the member's use
 * counter of it and each reward pool's budget item (the program comes from the caller's cache). A purchase paying
 * with points needs the member's open lots too: it reads the profile with them in one Query and the other items in
 * the BatchGetItem (none when there is no code and no pool).
 * <p>
 * The profile attributes the checkout keeps (besides the points figures and rolling spend others own):
 * {@code staffDiscountMonth} / {@code staffDiscountUsed} (staff discount given in that UTC month, minor units) and
 * {@code birthdayBonusFor} (the birthday whose bonus points were credited, yyyy-mm-dd); {@code tags} (string set,
 * optional) are the member's segments.
 */
public final class CheckoutReader {
    public static final String STAFF_DISCOUNT_MONTH = "staffDiscountMonth";
    public static final String STAFF_DISCOUNT_USED = "staffDiscountUsed";
    public static final String BIRTHDAY_BONUS_FOR = "birthdayBonusFor";
    public static final String TAGS = "tags";
    private static final int MAX_BATCH_ROUNDS = 10;

    private final DynamoDbClient dynamo;
    private final String table;
    private final MemberRepository members;

    public CheckoutReader(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.members = new MemberRepository(dynamo, table);
    }

    /**
     * The items as read.
     *
     * @param code        the promo code as stored, null when none was entered or the program has no such code
     * @param memberUses  the member's uses of that code so far
     * @param poolSpent   per reward pool of the rules, what its budget item says was spent
     * @param lotItems    the member's open lots, read only when asked for (a purchase paying with points)
     */
    public record Read(Map<String, AttributeValue> profile, StoredPromoCode code, long memberUses,
                       Map<String, Long> poolSpent, List<Map<String, AttributeValue>> lotItems) {
        /** The member the profile describes. */
        public app.loyalty.shared.domain.member.Member member() {
            return MemberRepository.memberFromItem(profile);
        }
    }

    /**
     * Reads the checkout's items; empty when the member has no profile.
     *
     * @param promoCode the code as entered (any case), null for none
     */
    public Optional<Read> read(String memberId, Program program, String promoCode, boolean withOpenLots) {
        String code = normalizedCode(promoCode);
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        if (code != null) {
            keys.add(PromoCodeRepository.codeKey(program.programId(), code));
            keys.add(PromoCodeRepository.memberUseKey(program.programId(), code, memberId));
        }
        for (RewardPool pool : program.rules().rewardPools()) {
            keys.add(RewardPoolBudgets.key(program.programId(), pool.id()));
        }
        Map<String, AttributeValue> profile;
        List<Map<String, AttributeValue>> lots = List.of();
        Map<String, Map<String, AttributeValue>> items;
        if (withOpenLots) {
            Optional<MemberRepository.MemberState> state = members.loadWithOpenLots(memberId);
            if (state.isEmpty()) {
                return Optional.empty();
            }
            profile = state.get().profileItem();
            lots = state.get().lotItems();
            items = batchGet(keys);
        } else {
            keys.addFirst(MemberRepository.profileKey(memberId));
            items = batchGet(keys);
            profile = items.get(keyText(MemberRepository.profileKey(memberId)));
            if (profile == null) {
                return Optional.empty();
            }
        }
        StoredPromoCode stored = null;
        long memberUses = 0;
        if (code != null) {
            Map<String, AttributeValue> definition = items.get(keyText(PromoCodeRepository.codeKey(program.programId(), code)));
            stored = definition == null ? null : PromoCodeRepository.fromItem(definition);
            memberUses = PromoCodeRepository.memberUses(
                    items.get(keyText(PromoCodeRepository.memberUseKey(program.programId(), code, memberId))));
        }
        Map<String, Long> spent = new LinkedHashMap<>();
        for (RewardPool pool : program.rules().rewardPools()) {
            spent.put(pool.id(), RewardPoolBudgets.spent(items.get(keyText(RewardPoolBudgets.key(program.programId(), pool.id())))));
        }
        return Optional.of(new Read(profile, stored, memberUses, spent, lots));
    }

    /**
     * The quote of an order for a member at {@code now}: the read, the facts, the checkout and the engine, as
     * POST /v1/discounts/quote answers it. Empty when the member does not exist in {@code program}.
     */
    public Optional<Quote> quoteFor(Program program, String memberId, String merchantId, String orderId,
                                    List<BasketLine> lines, List<Adjustment> adjustments, String promoCode,
                                    Long pointsToSpend, Instant now) {
        return read(memberId, program, promoCode, false)
                .filter(read -> Attr.string(read.profile(), "programId").equals(program.programId()))
                .map(read -> {
                    Facts facts = facts(read, program, promoCode, merchantId, orderId, now, now);
                    return quote(checkout(facts, program, orderId, lines, adjustments, pointsToSpend, now), facts);
                });
    }

    /** The code as stored (upper case), or null when none was entered or it cannot be a code. */
    public static String normalizedCode(String promoCode) {
        if (promoCode == null) {
            return null;
        }
        String upper = promoCode.toUpperCase(Locale.ROOT);
        return PromoCodeRepository.isCode(upper) ? upper : null;
    }

    /** One consistent BatchGetItem (re-asked for unprocessed keys, which DynamoDB may leave under load). */
    private Map<String, Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        List<Map<String, AttributeValue>> pending = keys;
        for (int round = 0; !pending.isEmpty(); round++) {
            if (round == MAX_BATCH_ROUNDS) {
                throw new IllegalStateException("BatchGetItem left keys unprocessed " + MAX_BATCH_ROUNDS + " times");
            }
            BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(Map.of(table,
                    KeysAndAttributes.builder().keys(pending).consistentRead(true).build())).build());
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                found.put(keyText(item), item);
            }
            KeysAndAttributes left = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(table) : null;
            pending = left == null || !left.hasKeys() ? List.of() : left.keys();
        }
        return found;
    }

    private static String keyText(Map<String, AttributeValue> item) {
        return Attr.string(item, TableSchema.PK) + "\u0000" + Attr.string(item, TableSchema.SK);
    }

    /**
     * The engine's inputs from what was read.
     *
     * @param promoRefusal   why the entered code is not even looked at by the engine (unknown or switched off); null
     *                       when the code was found or none was entered
     */
    public record Facts(MemberFacts member, Checkout.PromoCodeUse promoCode, Quote.NotApplied promoRefusal,
                        Map<String, Long> poolBudgetsLeft, String birthdayOccurrence) {
        /** The same facts with the member's available points replaced (see {@link MemberFacts#withAvailablePoints}). */
        public Facts withAvailablePoints(long points) {
            return new Facts(member.withAvailablePoints(points), promoCode, promoRefusal, poolBudgetsLeft, birthdayOccurrence);
        }
    }

    /**
     * The member's facts at {@code now}: the card's percent and tier by {@link DiscountCard} at now (with grace), tags,
     * birth date, points spendable now less live holds (a hold of this merchant for this very order is not counted:
     * its points are the ones the order may spend), staff discount used this UTC month, and points earned on the day
     * of {@code earnDay} (the daily cap's day: the purchase's day).
     */
    public static Facts facts(Read read, Program program, String promoCodeAsEntered, String merchantId, String orderId,
                              Instant now, Instant earnDay) {
        Map<String, AttributeValue> profile = read.profile();
        ProgramRules rules = program.rules();
        DiscountCard.Evaluation card = CardLevels.evaluate(profile, rules, now);
        LocalDate birthDate = Attr.optionalString(profile, "birthDate").map(LocalDate::parse).orElse(null);
        String occurrence = birthDate == null ? null : nearestBirthday(birthDate, LocalDate.ofInstant(now, ZoneOffset.UTC)).toString();
        boolean birthdayHad = occurrence != null
                && occurrence.equals(Attr.optionalString(profile, BIRTHDAY_BONUS_FOR).orElse(null));
        List<Spendable.Reservation> others = new ArrayList<>();
        AttributeValue holds = profile.get(RedemptionStore.HOLDS);
        if (holds != null && holds.hasM()) {
            holds.m().forEach((id, value) -> {
                Map<String, AttributeValue> hold = value.m();
                boolean thisOrder = hold.containsKey("o") && hold.containsKey("m")
                        && orderId.equals(hold.get("o").s()) && merchantId.equals(hold.get("m").s());
                if (!thisOrder) {
                    others.add(new Spendable.Reservation(id, Long.parseLong(hold.get("p").n()), Instant.parse(hold.get("e").s())));
                }
            });
        }
        long available = Spendable.pointsFor(MemberFigures.read(profile), others, now, now);
        Set<String> tags = profile.containsKey(TAGS) && profile.get(TAGS).hasSs() ? Set.copyOf(profile.get(TAGS).ss()) : Set.of();
        MemberFacts member = new MemberFacts(MemberKind.valueOf(Attr.string(profile, "kind")), card.discountBp(),
                card.state().tier(), tags, birthDate, available, staffDiscountUsed(profile, now),
                MemberStats.pointsOnDay(profile, MemberStats.dayOf(earnDay)), birthdayHad);

        Checkout.PromoCodeUse use = null;
        Quote.NotApplied refusal = null;
        if (promoCodeAsEntered != null) {
            StoredPromoCode stored = read.code();
            if (stored == null) {
                refusal = new Quote.NotApplied(Quote.Kind.PROMO_CODE, promoCodeAsEntered, Quote.Reason.UNKNOWN,
                        "this program has no promo code " + promoCodeAsEntered);
            } else if (!stored.active()) {
                refusal = new Quote.NotApplied(Quote.Kind.PROMO_CODE, stored.code().code(), Quote.Reason.UNKNOWN,
                        "the promo code " + stored.code().code() + " is switched off");
            } else {
                use = new Checkout.PromoCodeUse(stored.code(), stored.uses(),
                        Math.min(read.memberUses(), stored.uses()));
            }
        }
        Map<String, Long> left = new LinkedHashMap<>();
        for (RewardPool pool : rules.rewardPools()) {
            left.put(pool.id(), Math.max(0, pool.budget() - read.poolSpent().getOrDefault(pool.id(), 0L)));
        }
        return new Facts(member, use, refusal, left, occurrence);
    }

    /** The checkout of an order from the facts: what both the quote and the purchase hand the engine. */
    public static Checkout checkout(Facts facts, Program program, String orderId, List<BasketLine> lines,
                                    List<Adjustment> adjustments, Long pointsToSpend, Instant now) {
        return new Checkout(program, orderId, lines, adjustments, facts.member(), facts.promoCode(), pointsToSpend,
                facts.poolBudgetsLeft(), now);
    }

    /** The engine's quote, with the code the engine never saw (unknown, switched off) listed as not applied. */
    public static Quote quote(Checkout checkout, Facts facts) {
        Quote quote = CheckoutCalculator.quote(checkout);
        return facts.promoRefusal() == null ? quote : quote.withNotApplied(facts.promoRefusal());
    }

    /** Staff discount given in now's UTC month: the profile's figure when it is this month's, else none yet. */
    public static long staffDiscountUsed(Map<String, AttributeValue> profile, Instant now) {
        boolean thisMonth = MemberStats.monthOf(now).equals(Attr.optionalString(profile, STAFF_DISCOUNT_MONTH).orElse(null));
        return thisMonth ? Attr.optionalNumber(profile, STAFF_DISCOUNT_USED).orElse(0L) : 0;
    }

    /**
     * Counts {@code amount} of staff discount given now into the profile update, under a condition that keeps the
     * month's figure within {@code monthlyCap} (null: no cap) whatever concurrent purchases did since the read: the
     * same month adds to the stored figure only if it is still at most cap - amount; a new month starts the figure,
     * only if no other purchase started it meanwhile. A purchase that loses the race is prepared again and the engine
     * cuts its staff discount to what is left.
     */
    public static void recordStaffDiscount(UpdateExpression update, Map<String, AttributeValue> profile, Instant now,
                                           long amount, Long monthlyCap) {
        String month = MemberStats.monthOf(now);
        String monthName = update.name(STAFF_DISCOUNT_MONTH);
        String usedName = update.name(STAFF_DISCOUNT_USED);
        if (month.equals(Attr.optionalString(profile, STAFF_DISCOUNT_MONTH).orElse(null))) {
            update.condition(monthName + " = " + update.value(Attr.s(month)));
            if (monthlyCap != null) {
                update.condition(usedName + " <= " + update.value(monthlyCap - amount));
            }
            update.set(usedName + " = " + usedName + " + " + update.value(amount));
        } else {
            Optional<String> before = Attr.optionalString(profile, STAFF_DISCOUNT_MONTH);
            update.condition(before.isPresent() ? monthName + " = " + update.value(Attr.s(before.get()))
                    : "attribute_not_exists(" + monthName + ")");
            update.set(monthName + " = " + update.value(Attr.s(month)));
            update.set(usedName + " = " + update.value(amount));
        }
    }

    /**
     * Marks the birthday {@code occurrence} (yyyy-mm-dd) as having had its bonus points, under the condition that it
     * had not: two purchases in the birthday window cannot both credit them.
     */
    public static void recordBirthdayBonus(UpdateExpression update, String occurrence) {
        String marker = update.name(BIRTHDAY_BONUS_FOR);
        String value = update.value(Attr.s(occurrence));
        update.condition("(attribute_not_exists(" + marker + ") OR " + marker + " <> " + value + ")");
        update.set(marker + " = " + value);
    }

    /** The occurrence of the birthday nearest {@code today} (a 29 February birthday is 28 February in other years). */
    static LocalDate nearestBirthday(LocalDate birthDate, LocalDate today) {
        LocalDate best = null;
        for (int year = today.getYear() - 1; year <= today.getYear() + 1; year++) {
            LocalDate occurrence = birthDate.withYear(year);
            if (best == null || Math.abs(ChronoUnit.DAYS.between(occurrence, today)) < Math.abs(ChronoUnit.DAYS.between(best, today))) {
                best = occurrence;
            }
        }
        return best;
    }
}
