package app.loyalty.shared.domain.program;

import app.loyalty.shared.domain.Text;
import app.loyalty.shared.domain.discount.Cashback;
import app.loyalty.shared.domain.discount.Promotion;
import app.loyalty.shared.domain.discount.RewardPool;
import app.loyalty.shared.domain.discount.StaffDiscount;
import app.loyalty.shared.domain.discount.Stacking;
import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.EarnRules;
import app.loyalty.shared.domain.ledger.PointsLimits;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A program's rules, as the operator sets them. Every part has a sensible default, so a program can be created
 * with a name and a currency alone. Amounts are minor units of the program currency; percentages are whole
 * basis points (1 % = 100 bp) so no rule ever needs a double.
 */
public record ProgramRules(Earn earn, Earn staffEarn, Integer pendingDays, Expiry expiry, Discount discount, List<Tier> tiers,
                           Cashback cashback, List<Promotion> promotions, List<RewardPool> rewardPools,
                           StaffDiscount staff, Stacking stacking, Redemption redemption, String timeZone,
                           Velocity velocity) {

    /** Fields left out of a JSON body take these defaults (openapi.yaml lists them). */
    public static final int DEFAULT_PENDING_DAYS = 14;

    public static final ProgramRules DEFAULT = new ProgramRules(Earn.DEFAULT, null, DEFAULT_PENDING_DAYS, Expiry.DEFAULT, Discount.NONE,
            List.of(new Tier("base", 0)));

    /** The most promotions and reward pools one program holds: the rules are one item, read on every checkout. */
    public static final int MAX_PROMOTIONS = 50;
    public static final int MAX_REWARD_POOLS = 10;

    /**
     * Rules without the discount engine's parts (docs/discounts.md) or a redemption part: they take their defaults,
     * i.e. no discount and holds of {@link Redemption#DEFAULT_HOLD_MINUTES}.
     */
    public ProgramRules(Earn earn, Earn staffEarn, Integer pendingDays, Expiry expiry, Discount discount, List<Tier> tiers) {
        this(earn, staffEarn, pendingDays, expiry, discount, tiers, null, null, null, null, null, null);
    }

    /** The program's time zone when none is set. */
    public static final String DEFAULT_TIME_ZONE = "UTC";

    /** Rules in the default time zone (UTC) with the default velocity limits ({@link Velocity#DEFAULT}). */
    public ProgramRules(Earn earn, Earn staffEarn, Integer pendingDays, Expiry expiry, Discount discount, List<Tier> tiers,
                        Cashback cashback, List<Promotion> promotions, List<RewardPool> rewardPools,
                        StaffDiscount staff, Stacking stacking, Redemption redemption) {
        this(earn, staffEarn, pendingDays, expiry, discount, tiers, cashback, promotions, rewardPools, staff, stacking,
                redemption, null, null);
    }

    /** The same rules with other velocity limits. */
    public ProgramRules withVelocity(Velocity limits) {
        return new ProgramRules(earn, staffEarn, pendingDays, expiry, discount, tiers, cashback, promotions, rewardPools,
                staff, stacking, redemption, timeZone, limits);
    }

    public ProgramRules {
        timeZone = timeZone == null ? DEFAULT_TIME_ZONE : timeZone;
        try {
            java.time.ZoneId.of(timeZone);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("rules.timeZone must be an IANA time zone such as Europe/Chisinau");
        }
        cashback = cashback == null ? Cashback.NONE : cashback;
        staff = staff == null ? StaffDiscount.NONE : staff;
        stacking = stacking == null ? Stacking.DEFAULT : stacking;
        promotions = boundedUniqueIds("promotions", promotions, MAX_PROMOTIONS, Promotion::id);
        rewardPools = boundedUniqueIds("rewardPools", rewardPools, MAX_REWARD_POOLS, RewardPool::id);
        redemption = redemption == null ? Redemption.DEFAULT : redemption;
        velocity = velocity == null ? Velocity.DEFAULT : velocity;
        earn = earn == null ? Earn.DEFAULT : earn;
        pendingDays = pendingDays == null ? DEFAULT_PENDING_DAYS : pendingDays;
        expiry = expiry == null ? Expiry.DEFAULT : expiry;
        discount = discount == null ? Discount.NONE : discount;
        tiers = tiers == null || tiers.isEmpty() ? List.of(new Tier("base", 0))
                : tiers.stream().sorted(Comparator.comparingLong(Tier::minSpend)).toList();
        if (pendingDays < 0 || pendingDays > 365) {
            throw new IllegalArgumentException("rules.pendingDays must be between 0 and 365");
        }
        if (tiers.getFirst().minSpend() != 0) {
            throw new IllegalArgumentException("rules.tiers needs an entry tier with minSpend 0");
        }
        if (tiers.stream().map(Tier::name).distinct().count() != tiers.size()) {
            throw new IllegalArgumentException("rules.tiers names must be unique");
        }
    }

    private static <T> List<T> boundedUniqueIds(String field, List<T> values, int max, java.util.function.Function<T, String> id) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > max || values.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("rules." + field + " must hold at most " + max + " entries, none null");
        }
        if (values.stream().map(id).distinct().count() != values.size()) {
            throw new IllegalArgumentException("rules." + field + " ids must be unique");
        }
        return List.copyOf(values);
    }

    /**
     * The program's time zone (IANA, default UTC): the one source of truth for the program's calendar. Expiry dates
     * (DAYS_AFTER_EARNING, END_OF_MONTH, END_OF_YEAR, INACTIVITY) fall on local midnights, the daily job's reminders
     * count local days, and notifications show dates and keep quiet hours in it (docs/operations.md).
     */
    public java.time.ZoneId zone() {
        return java.time.ZoneId.of(timeZone);
    }

    /** These rules in another time zone. */
    public ProgramRules withTimeZone(String zone) {
        return new ProgramRules(earn, staffEarn, pendingDays, expiry, discount, tiers, cashback, promotions, rewardPools,
                staff, stacking, redemption, zone, velocity);
    }

    /** The rules for a member of this kind: staff earn under staffEarn when the program sets it. */
    public Earn earnFor(boolean staff) {
        return staff && staffEarn != null ? staffEarn : earn;
    }

    /** The tier a rolling spend reaches: the highest whose threshold it meets. */
    public Tier tierFor(long rollingSpend) {
        Tier reached = tiers.getFirst();
        for (Tier tier : tiers) {
            if (rollingSpend >= tier.minSpend()) {
                reached = tier;
            }
        }
        return reached;
    }

    /**
     * Earning: {@code points} per {@code perAmount} minor units of eligible spend, rounded down to whole points.
     * Categories and SKUs can be excluded or multiplied; a basket under {@code minimumBasket} earns nothing;
     * caps limit one purchase and one member's day (null = no cap).
     *
     * <p>Bounds (400 when passed): points 0..10^6 per perAmount 1..10^8 minor units, multipliers 0..100000 bp,
     * minimumBasket 0..{@value #MAX_MINIMUM_BASKET}, maxPointsPerPurchase 0..{@link PointsLimits#MAX_POINTS_PER_PURCHASE},
     * maxPointsPerDay 0..{@link PointsLimits#MAX_BALANCE}. Rules within them can still ask more of one purchase than
     * {@link PointsLimits} allow (10^10 minor units at 10^6 points each): such a purchase is refused, not cut.
     * {@code adjustmentKinds} says which order-level adjustments of a basket count towards the eligible spend
     * (EarnRules.countedAdjustments).
     */
    public record Earn(Long points, Long perAmount, Set<String> excludedCategories, Set<String> excludedSkus,
                       Map<String, Integer> categoryMultiplierBp, Long minimumBasket, Long maxPointsPerPurchase,
                       Long maxPointsPerDay, List<String> adjustmentKinds) {
        public static final Earn DEFAULT = new Earn(1, 100, Set.of(), Set.of(), Map.of(), 0, null, null);
        /** The largest purchase the API takes (10^10 minor units): a higher minimum could never be met. */
        public static final long MAX_MINIMUM_BASKET = 10_000_000_000L;

        /** SKUs and categories are matched against purchase lines (at most 64 characters each there too). */
        private static Set<String> texts(String field, Set<String> values) {
            if (values == null) {
                return Set.of();
            }
            if (values.stream().anyMatch(java.util.Objects::isNull)) {
                throw new IllegalArgumentException(field + " must not contain null");
            }
            return values.stream().map(value -> Text.required(field + "[]", value, 64)).collect(Collectors.toUnmodifiableSet());
        }

        /**
         * The adjustment kinds that count towards the eligible spend, by their wire names, distinct, kept in the
         * kinds' own order (coupon, shipping, tax, fee) so the stored and answered rules read the same every time.
         * Absent or null: coupons count, shipping, tax and fees do not.
         */
        private static List<String> adjustmentKinds(List<String> kinds) {
            if (kinds == null) {
                return EarnRules.DEFAULT_COUNTED_ADJUSTMENTS.stream().map(Adjustment.Kind::wireName).toList();
            }
            if (kinds.stream().anyMatch(java.util.Objects::isNull)) {
                throw new IllegalArgumentException("earn.adjustmentKinds must not contain null");
            }
            Set<Adjustment.Kind> parsed = java.util.EnumSet.noneOf(Adjustment.Kind.class);
            for (String kind : kinds) {
                if (!parsed.add(Adjustment.Kind.fromWireName("earn.adjustmentKinds[]", kind))) {
                    throw new IllegalArgumentException("earn.adjustmentKinds must name each kind at most once");
                }
            }
            return parsed.stream().map(Adjustment.Kind::wireName).toList();
        }

        /** For code, as before adjustments existed: the default adjustment kinds count. */
        public Earn(Long points, Long perAmount, Set<String> excludedCategories, Set<String> excludedSkus,
                    Map<String, Integer> categoryMultiplierBp, Long minimumBasket, Long maxPointsPerPurchase,
                    Long maxPointsPerDay) {
            this(points, perAmount, excludedCategories, excludedSkus, categoryMultiplierBp, minimumBasket,
                    maxPointsPerPurchase, maxPointsPerDay, null);
        }

        /** For code: whole numbers in, so call sites can write plain literals. */
        public Earn(long points, long perAmount, Set<String> excludedCategories, Set<String> excludedSkus,
                    Map<String, Integer> categoryMultiplierBp, long minimumBasket, Long maxPointsPerPurchase,
                    Long maxPointsPerDay) {
            this(Long.valueOf(points), Long.valueOf(perAmount), excludedCategories, excludedSkus, categoryMultiplierBp,
                    Long.valueOf(minimumBasket), maxPointsPerPurchase, maxPointsPerDay, null);
        }

        /** These rules with other counted adjustment kinds (wire names). */
        public Earn withAdjustmentKinds(List<String> kinds) {
            return new Earn(points, perAmount, excludedCategories, excludedSkus, categoryMultiplierBp, minimumBasket,
                    maxPointsPerPurchase, maxPointsPerDay, kinds);
        }

        /** {@link #adjustmentKinds} as the earn domain's kinds. */
        public Set<Adjustment.Kind> countedAdjustmentKinds() {
            Set<Adjustment.Kind> kinds = java.util.EnumSet.noneOf(Adjustment.Kind.class);
            adjustmentKinds.forEach(kind -> kinds.add(Adjustment.Kind.fromWireName("earn.adjustmentKinds[]", kind)));
            return kinds;
        }

        public Earn {
            points = points == null ? 1L : points;
            perAmount = perAmount == null ? 100L : perAmount;
            minimumBasket = minimumBasket == null ? 0L : minimumBasket;
            adjustmentKinds = adjustmentKinds(adjustmentKinds);
            excludedCategories = texts("earn.excludedCategories", excludedCategories);
            excludedSkus = texts("earn.excludedSkus", excludedSkus);
            categoryMultiplierBp = categoryMultiplierBp == null ? Map.of() : Map.copyOf(categoryMultiplierBp);
            categoryMultiplierBp.keySet().forEach(category -> Text.required("earn.categoryMultiplierBp keys", category, 64));
            if (points < 0 || points > 1_000_000 || perAmount < 1 || perAmount > 100_000_000) {
                throw new IllegalArgumentException("earn.points must be 0..1000000 and earn.perAmount 1..100000000");
            }
            if (minimumBasket < 0 || minimumBasket > MAX_MINIMUM_BASKET) {
                throw new IllegalArgumentException("earn.minimumBasket must be 0.." + MAX_MINIMUM_BASKET);
            }
            if (categoryMultiplierBp.values().stream().anyMatch(bp -> bp == null || bp < 0 || bp > 100_000)) {
                throw new IllegalArgumentException("earn.categoryMultiplierBp values must be 0..100000 (10000 = x1)");
            }
            if (maxPointsPerPurchase != null && (maxPointsPerPurchase < 0 || maxPointsPerPurchase > PointsLimits.MAX_POINTS_PER_PURCHASE)) {
                throw new IllegalArgumentException("earn.maxPointsPerPurchase must be 0.." + PointsLimits.MAX_POINTS_PER_PURCHASE);
            }
            if (maxPointsPerDay != null && (maxPointsPerDay < 0 || maxPointsPerDay > PointsLimits.MAX_BALANCE)) {
                throw new IllegalArgumentException("earn.maxPointsPerDay must be 0.." + PointsLimits.MAX_BALANCE);
            }
        }
    }

    /**
     * When earned points burn, and how many days before members are reminded ({@code noticeDays}, 1..
     * {@value #MAX_NOTICE_DAYS}; absent means {@value #DEFAULT_NOTICE_DAYS}): the daily bonus-expiry job emits one
     * PointsExpiringSoon per member and expiry date once that date is within the notice period.
     */
    public record Expiry(Policy policy, Integer days, Integer noticeDays) {
        /**
         * INACTIVITY: all of a member's points burn {@code days} days after their last purchase (whole UTC days, as
         * DAYS_AFTER_EARNING); lots carry no expiry date of their own, the member's profile does (InactivityIndex).
         */
        public enum Policy { DAYS_AFTER_EARNING, END_OF_MONTH, END_OF_YEAR, NEVER, INACTIVITY }

        public static final int DEFAULT_NOTICE_DAYS = 7;
        /** The reminder reads this many days of the expiry index ahead of today, so the notice period is bounded. */
        public static final int MAX_NOTICE_DAYS = 14;
        public static final Expiry DEFAULT = new Expiry(Policy.DAYS_AFTER_EARNING, 365);

        public Expiry {
            if (policy == null) {
                throw new IllegalArgumentException("expiry.policy is required");
            }
            boolean counted = policy == Policy.DAYS_AFTER_EARNING || policy == Policy.INACTIVITY;
            if (counted && (days == null || days < 1 || days > 3650)) {
                throw new IllegalArgumentException("expiry.days must be 1..3650 for " + policy);
            }
            if (!counted && days != null) {
                throw new IllegalArgumentException("expiry.days applies only to DAYS_AFTER_EARNING and INACTIVITY");
            }
            if (noticeDays != null && (noticeDays < 1 || noticeDays > MAX_NOTICE_DAYS)) {
                throw new IllegalArgumentException("expiry.noticeDays must be 1.." + MAX_NOTICE_DAYS);
            }
        }

        public Expiry(Policy policy, Integer days) {
            this(policy, days, null);
        }

        /** The notice period in days: as set, else {@value #DEFAULT_NOTICE_DAYS}. */
        public int noticeDaysOrDefault() {
            return noticeDays == null ? DEFAULT_NOTICE_DAYS : noticeDays;
        }
    }

    /**
     * The discount card: NONE, FIXED (one percentage for every card, {@code fixedBpByCardKind} overriding it per card
     * kind) or CUMULATIVE (levels: the highest step the member's net spend over the last {@code windowDays} days
     * reaches, held {@code graceDays} past the day the window stops supporting it, then falling to what the window
     * supports; see {@code app.loyalty.shared.domain.discount.card.DiscountCard} and docs/discount-cards.md). Under
     * CUMULATIVE a card kind listed in {@code fixedBpByCardKind} gets that fixed percent instead of its level. Also
     * how much of a bill points may pay ({@code maxPointsPaymentBp}) and what a point is worth when it pays
     * ({@code pointValue}).
     *
     * <p>windowDays is at most {@value #MAX_WINDOW_DAYS}: the spend is kept per day on the member's profile item,
     * one entry per day with spend inside the window, and the bound keeps that item small (at most ~400 entries).
     */
    public record Discount(Scheme scheme, Integer fixedBp, List<Step> steps, Integer windowDays, Integer maxPointsPaymentBp,
                           PointValue pointValue, Map<String, Integer> fixedBpByCardKind, Integer graceDays,
                           Integer levelNoticeDays) {
        public static final int MAX_WINDOW_DAYS = 400;
        public static final int MAX_GRACE_DAYS = 365;
        public static final int MAX_CARD_KINDS = 20;
        /**
         * The daily job warns a member this many days before their level or tier falls (DiscountLevelFalling: what to
         * spend by when to keep it), once per member and fall date; 1..{@value #MAX_LEVEL_NOTICE_DAYS}.
         */
        public static final int DEFAULT_LEVEL_NOTICE_DAYS = 7;
        public static final int MAX_LEVEL_NOTICE_DAYS = 30;

        public enum Scheme { NONE, FIXED, CUMULATIVE }

        public record Step(long minSpend, int discountBp) {
        }

        /**
         * {@code points} points pay {@code minorUnits} minor units (default 1 point = 1 minor unit); an exact ratio,
         * so 100 points per 1.00 EUR is (100, 100) and 1 point per 0.05 EUR is (1, 5). Both 1..1000000.
         */
        public record PointValue(long points, long minorUnits) {
            public static final PointValue ONE_TO_ONE = new PointValue(1, 1);

            public PointValue {
                if (points < 1 || points > 1_000_000 || minorUnits < 1 || minorUnits > 1_000_000) {
                    throw new IllegalArgumentException("discount.pointValue points and minorUnits must be 1..1000000");
                }
            }

            /** The points that pay {@code amount} minor units, rounded up: points never pay more than they are worth. */
            public long pointsFor(long amount) {
                return Math.ceilDiv(Math.multiplyExact(amount, points), minorUnits);
            }
        }

        public static final Discount NONE = new Discount(Scheme.NONE, 0, List.of(), 365, 5000, PointValue.ONE_TO_ONE);

        public Discount(Scheme scheme, Integer fixedBp, List<Step> steps, Integer windowDays, Integer maxPointsPaymentBp) {
            this(scheme, fixedBp, steps, windowDays, maxPointsPaymentBp, null);
        }

        public Discount(Scheme scheme, Integer fixedBp, List<Step> steps, Integer windowDays, Integer maxPointsPaymentBp,
                        PointValue pointValue) {
            this(scheme, fixedBp, steps, windowDays, maxPointsPaymentBp, pointValue, null, null);
        }

        /** Without a level notice period of its own: {@value #DEFAULT_LEVEL_NOTICE_DAYS} days. */
        public Discount(Scheme scheme, Integer fixedBp, List<Step> steps, Integer windowDays, Integer maxPointsPaymentBp,
                        PointValue pointValue, Map<String, Integer> fixedBpByCardKind, Integer graceDays) {
            this(scheme, fixedBp, steps, windowDays, maxPointsPaymentBp, pointValue, fixedBpByCardKind, graceDays, null);
        }

        public Discount {
            if (scheme == null) {
                throw new IllegalArgumentException("discount.scheme is required");
            }
            fixedBp = fixedBp == null ? 0 : fixedBp;
            windowDays = windowDays == null ? 365 : windowDays;
            maxPointsPaymentBp = maxPointsPaymentBp == null ? 5000 : maxPointsPaymentBp;
            pointValue = pointValue == null ? PointValue.ONE_TO_ONE : pointValue;
            graceDays = graceDays == null ? 0 : graceDays;
            levelNoticeDays = levelNoticeDays == null ? DEFAULT_LEVEL_NOTICE_DAYS : levelNoticeDays;
            if (levelNoticeDays < 1 || levelNoticeDays > MAX_LEVEL_NOTICE_DAYS) {
                throw new IllegalArgumentException("discount.levelNoticeDays must be 1.." + MAX_LEVEL_NOTICE_DAYS);
            }
            fixedBpByCardKind = fixedBpByCardKind == null ? Map.of() : Map.copyOf(fixedBpByCardKind);
            if (fixedBpByCardKind.size() > MAX_CARD_KINDS) {
                throw new IllegalArgumentException("discount.fixedBpByCardKind has at most " + MAX_CARD_KINDS + " kinds");
            }
            if (fixedBpByCardKind.keySet().stream().anyMatch(kind -> !kind.matches("[a-z][a-z0-9-]{0,31}"))) {
                throw new IllegalArgumentException("discount.fixedBpByCardKind keys are card kinds: lowercase, max 32");
            }
            if (fixedBpByCardKind.values().stream().anyMatch(bp -> bp == null || bp < 0 || bp > 10_000)) {
                throw new IllegalArgumentException("discount.fixedBpByCardKind values are basis points 0..10000");
            }
            if (graceDays < 0 || graceDays > MAX_GRACE_DAYS) {
                throw new IllegalArgumentException("discount.graceDays must be 0.." + MAX_GRACE_DAYS);
            }
            steps = steps == null ? List.of() : steps.stream().sorted(Comparator.comparingLong(Step::minSpend)).toList();
            if (fixedBp < 0 || fixedBp > 10_000 || maxPointsPaymentBp < 0 || maxPointsPaymentBp > 10_000) {
                throw new IllegalArgumentException("discount percentages are basis points 0..10000");
            }
            if (scheme == Scheme.CUMULATIVE && steps.isEmpty()) {
                throw new IllegalArgumentException("discount.steps are required for CUMULATIVE");
            }
            if (steps.stream().anyMatch(s -> s.minSpend() < 0 || s.discountBp() < 0 || s.discountBp() > 10_000)) {
                throw new IllegalArgumentException("discount.steps need minSpend >= 0 and discountBp 0..10000");
            }
            if (windowDays < 1 || windowDays > MAX_WINDOW_DAYS) {
                throw new IllegalArgumentException("discount.windowDays must be 1.." + MAX_WINDOW_DAYS);
            }
        }

        /**
         * The percent the window's spend alone supports, in basis points, for a standard card: no grace, no card kind.
         * The card's actual percent is {@code DiscountCard.evaluate}'s.
         */
        public int discountBpFor(long rollingSpend) {
            return switch (scheme) {
                case NONE -> 0;
                case FIXED -> fixedBp;
                case CUMULATIVE -> steps.stream().filter(s -> rollingSpend >= s.minSpend())
                        .mapToInt(Step::discountBp).reduce((first, second) -> second).orElse(0);
            };
        }
    }

    public record Tier(String name, long minSpend) {
        public Tier {
            if (name == null || !name.matches("[a-z][a-z0-9-]{0,31}") || minSpend < 0) {
                throw new IllegalArgumentException("tiers need a lowercase name (max 32) and minSpend >= 0");
            }
        }
    }

    /**
     * Spending points: a hold (POST /v1/redemptions) reserves points for {@code holdMinutes} (1..1440, default 15),
     * then lapses by itself unless it was captured or cancelled.
     */
    public record Redemption(Integer holdMinutes) {
        public static final int DEFAULT_HOLD_MINUTES = 15;
        public static final int MAX_HOLD_MINUTES = 1440;
        public static final Redemption DEFAULT = new Redemption(DEFAULT_HOLD_MINUTES);

        public Redemption {
            holdMinutes = holdMinutes == null ? DEFAULT_HOLD_MINUTES : holdMinutes;
            if (holdMinutes < 1 || holdMinutes > MAX_HOLD_MINUTES) {
                throw new IllegalArgumentException("redemption.holdMinutes must be 1.." + MAX_HOLD_MINUTES);
            }
        }

        public java.time.Duration holdDuration() {
            return java.time.Duration.ofMinutes(holdMinutes);
        }
    }

    /**
     * Velocity limits (docs/security.md, OWASP API4/API6), each per UTC clock window, each a 429 with Retry-After (the
     * start of the next window) and nothing written when reached:
     * <ul>
     *   <li>{@code maxPurchasesPerMemberPerHour}: purchases one member may record per hour, 1..{@value
     *   #MAX_PURCHASES_PER_MEMBER_PER_HOUR}, default {@value #DEFAULT_PURCHASES_PER_MEMBER_PER_HOUR};</li>
     *   <li>{@code maxRedemptionsPerMemberPerHour}: holds plus purchases paying with points without a hold, per member
     *   and hour, 1..{@value #MAX_PER_WINDOW}, default {@value #DEFAULT_REDEMPTIONS_PER_MEMBER_PER_HOUR};</li>
     *   <li>{@code maxPointsRedeemedPerMemberPerDay}: points one member may spend (captures, purchases paying with
     *   points) per day, 1..{@value #MAX_POINTS_PER_DAY}; absent = no limit (the scale of points is the program's);</li>
     *   <li>{@code maxPurchasesPerMerchantPerMinute}: purchases one merchant may record per minute, 1..{@value
     *   #MAX_PER_WINDOW}; absent = no limit;</li>
     *   <li>{@code maxPointsRedeemedPerMerchantPerDay}: points spent at one merchant per day, 1..{@value
     *   #MAX_POINTS_PER_DAY}; absent = no limit.</li>
     * </ul>
     * Member counts are profile figures, merchant counts sharded counter items; both are updated under a condition in
     * the request's own transaction, so concurrent requests cannot pass a limit together. The merchant limits are off
     * by default because each adds an item to every transaction of the merchant and the right figure depends on the
     * merchant's size.
     */
    public record Velocity(Integer maxPurchasesPerMemberPerHour, Integer maxRedemptionsPerMemberPerHour,
                           Long maxPointsRedeemedPerMemberPerDay, Integer maxPurchasesPerMerchantPerMinute,
                           Long maxPointsRedeemedPerMerchantPerDay) {
        public static final int DEFAULT_PURCHASES_PER_MEMBER_PER_HOUR = 120;
        public static final int MAX_PURCHASES_PER_MEMBER_PER_HOUR = 1_000_000;
        public static final int DEFAULT_REDEMPTIONS_PER_MEMBER_PER_HOUR = 120;
        public static final int MAX_PER_WINDOW = 1_000_000;
        /** The balance cap (PointsLimits): no member or merchant can spend more in a day. */
        public static final long MAX_POINTS_PER_DAY = 1_000_000_000_000_000L;
        public static final Velocity DEFAULT = new Velocity(DEFAULT_PURCHASES_PER_MEMBER_PER_HOUR);

        public Velocity {
            maxPurchasesPerMemberPerHour = maxPurchasesPerMemberPerHour == null
                    ? DEFAULT_PURCHASES_PER_MEMBER_PER_HOUR : maxPurchasesPerMemberPerHour;
            maxRedemptionsPerMemberPerHour = maxRedemptionsPerMemberPerHour == null
                    ? DEFAULT_REDEMPTIONS_PER_MEMBER_PER_HOUR : maxRedemptionsPerMemberPerHour;
            requireWithin("maxPurchasesPerMemberPerHour", maxPurchasesPerMemberPerHour, MAX_PURCHASES_PER_MEMBER_PER_HOUR);
            requireWithin("maxRedemptionsPerMemberPerHour", maxRedemptionsPerMemberPerHour, MAX_PER_WINDOW);
            requireWithin("maxPointsRedeemedPerMemberPerDay", maxPointsRedeemedPerMemberPerDay, MAX_POINTS_PER_DAY);
            requireWithin("maxPurchasesPerMerchantPerMinute", maxPurchasesPerMerchantPerMinute, MAX_PER_WINDOW);
            requireWithin("maxPointsRedeemedPerMerchantPerDay", maxPointsRedeemedPerMerchantPerDay, MAX_POINTS_PER_DAY);
        }

        /** Only the per-member purchase limit set; the others at their defaults. */
        public Velocity(Integer maxPurchasesPerMemberPerHour) {
            this(maxPurchasesPerMemberPerHour, null, null, null, null);
        }

        private static void requireWithin(String field, Number value, long maximum) {
            if (value != null && (value.longValue() < 1 || value.longValue() > maximum)) {
                throw new IllegalArgumentException("velocity." + field + " must be 1.." + maximum);
            }
        }
    }
}
