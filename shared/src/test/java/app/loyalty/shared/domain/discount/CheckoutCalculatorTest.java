package app.loyalty.shared.domain.discount;

import app.loyalty.shared.domain.discount.Quote.Kind;
import app.loyalty.shared.domain.discount.Quote.Reason;
import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.BasketLine;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.program.ProgramRules.Discount;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The worked examples of docs/discounts.md, one nested class per scheme, with the same numbers. */
class CheckoutCalculatorTest {

    static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    static final BasketLine COFFEE = new BasketLine("coffee", "drinks", 2, 350);
    static final BasketLine CAKE = new BasketLine("cake", "food", 1, 499);

    /** Rules with only the given engine parts; everything else as a program created with defaults. */
    static ProgramRules rules(Discount discount, Cashback cashback, List<Promotion> promotions, List<RewardPool> pools,
                              StaffDiscount staff, Stacking stacking) {
        return new ProgramRules(null, null, 0, null, discount, null, cashback, promotions, pools, staff, stacking);
    }

    static ProgramRules plain() {
        return rules(null, null, null, null, null, null);
    }

    static Program program(ProgramRules rules) {
        return new Program("prog-1", "Club", "EUR", rules, NOW, NOW, 1);
    }

    static Quote quote(ProgramRules rules, MemberFacts member, BasketLine... lines) {
        return CheckoutCalculator.quote(new Checkout(program(rules), "order-1", List.of(lines), List.of(), member, null,
                null, Map.of(), NOW));
    }

    static long[] discounts(Quote quote) {
        return quote.lines().stream().mapToLong(Quote.LineQuote::discount).toArray();
    }

    @Nested
    class DiscountCards {
        @Test
        void fixedCard_takesTenPercentOnce_andSpreadsItByLargestRemainder() {
            Quote quote = quote(plain(), MemberFacts.customer(1000, 0), COFFEE, CAKE);

            assertThat(quote.totalDiscount()).isEqualTo(119);
            assertThat(discounts(quote)).containsExactly(69, 50);
            assertThat(quote.amountDue()).isEqualTo(1080);
            assertThat(quote.amountToPay()).isEqualTo(1080);
            assertThat(quote.pointsEarned()).isEqualTo(10);
            assertThat(quote.applied()).extracting(Quote.Applied::kind, Quote.Applied::amount).containsExactly(tuple(Kind.CARD, 119L));
        }

        @Test
        void cumulativeCard_atTheFifteenPercentLevel_takesItsPercentage() {
            Quote quote = quote(plain(), MemberFacts.customer(1500, 0), new BasketLine("tv", "electronics", 1, 20_000));

            assertThat(quote.totalDiscount()).isEqualTo(3000);
            assertThat(quote.amountToPay()).isEqualTo(17_000);
            assertThat(quote.pointsEarned()).isEqualTo(170);
        }

        @Test
        void noCard_noDiscount_existingProgramsChargeTheBasket() {
            Quote quote = quote(ProgramRules.DEFAULT, MemberFacts.customer(0, 0), COFFEE, CAKE);

            assertThat(quote.totalDiscount()).isZero();
            assertThat(quote.amountToPay()).isEqualTo(1199);
            assertThat(quote.pointsEarned()).isEqualTo(11);
            assertThat(quote.applied()).isEmpty();
            assertThat(quote.notApplied()).isEmpty();
        }
    }

    @Nested
    class PointsAsPayment {
        final ProgramRules twoPointsPerCent = rules(new Discount(Discount.Scheme.NONE, null, null, null, 5000,
                new Discount.PointValue(2, 1)), null, null, null, null, null);
        final BasketLine jacket = new BasketLine("jacket", "clothing", 1, 3000);

        Quote spending(long points) {
            return CheckoutCalculator.quote(new Checkout(program(twoPointsPerCent), "order-1", List.of(jacket), List.of(),
                    MemberFacts.customer(0, 5000), null, points, Map.of(), NOW));
        }

        @Test
        void halfTheBillAtMost_twoPointsPerCent() {
            Quote quote = spending(2001);

            assertThat(quote.points()).isEqualTo(new Quote.Points(3000, 1500, 2001, 2000, 1000));
            assertThat(quote.amountToPay()).isEqualTo(2000);
            assertThat(quote.pointsEarned()).as("the part paid with points earns nothing").isEqualTo(20);
            assertThat(quote.notApplied()).extracting(Quote.NotApplied::reason).containsExactly(Reason.POINTS_LIMITED);
        }

        @Test
        void askingMoreThanUsable_spendsTheUsablePoints() {
            Quote quote = spending(4000);

            assertThat(quote.points()).isEqualTo(new Quote.Points(3000, 1500, 4000, 3000, 1500));
            assertThat(quote.amountToPay()).isEqualTo(1500);
            assertThat(quote.pointsEarned()).isEqualTo(15);
        }

        @Test
        void availablePointsLimitTheUsablePoints() {
            Quote quote = CheckoutCalculator.quote(new Checkout(program(twoPointsPerCent), "order-1", List.of(jacket),
                    List.of(), MemberFacts.customer(0, 700), null, 700L, Map.of(), NOW));

            assertThat(quote.points()).isEqualTo(new Quote.Points(700, 350, 700, 700, 350));
            assertThat(quote.amountToPay()).isEqualTo(2650);
        }
    }

    @Nested
    class Cashback_ {
        @Test
        void categoryThenCardLevelThenProgramPercent_creditedAsPoints() {
            ProgramRules rules = rules(null, new Cashback(200, Map.of("books", 500), Map.of(1000, 300)), null, null, null, null);

            Quote quote = quote(rules, MemberFacts.customer(1000, 0), new BasketLine("novel", "books", 1, 2000),
                    new BasketLine("pen", "office", 1, 1000));

            assertThat(discounts(quote)).containsExactly(200, 100);
            assertThat(quote.cashbackPoints()).isEqualTo(117);
            assertThat(quote.pointsEarned()).isEqualTo(27);
        }

        @Test
        void belowTheFirstLevel_theProgramPercentApplies() {
            ProgramRules rules = rules(null, new Cashback(200, Map.of("books", 500), Map.of(1000, 300)), null, null, null, null);

            Quote quote = quote(rules, MemberFacts.customer(500, 0), new BasketLine("pen", "office", 1, 1000));

            assertThat(quote.cashbackPoints()).as("2 % of 950").isEqualTo(19);
        }
    }

    @Nested
    class Multipliers {
        final Promotion weekend = new Promotion("double-weekend", Promotion.Kind.MULTIPLIER,
                Instant.parse("2026-03-14T00:00:00Z"), Instant.parse("2026-03-16T00:00:00Z"), null, 20_000,
                null, null, null, null, null, null, null);
        final Promotion coffeeTriple = new Promotion("coffee-x3", Promotion.Kind.MULTIPLIER, null, null,
                Set.of("coffee"), 30_000, null, null, null, null, null, null, null);

        Quote at(String instant) {
            return CheckoutCalculator.quote(new Checkout(program(rules(null, null, List.of(weekend, coffeeTriple), null, null, null)),
                    "order-1", List.of(new BasketLine("beans", "coffee", 1, 1200), new BasketLine("mug", "home", 1, 800)),
                    List.of(), MemberFacts.customer(0, 0), null, null, Map.of(), Instant.parse(instant)));
        }

        @Test
        void onSaturday_theBestMultiplierPerLine() {
            Quote quote = at("2026-03-14T10:00:00Z");

            assertThat(quote.pointsEarned()).isEqualTo(20);
            assertThat(quote.bonusPoints()).isEqualTo(32);
            assertThat(quote.applied()).extracting(Quote.Applied::id, Quote.Applied::points)
                    .containsExactly(tuple("double-weekend", 8L), tuple("coffee-x3", 24L));
        }

        @Test
        void onMonday_theWeekendIsOver() {
            Quote quote = at("2026-03-16T00:00:00Z");

            assertThat(quote.bonusPoints()).isEqualTo(24);
        }
    }

    @Nested
    class InstantRewards {
        final Promotion threeForTwo = new Promotion("latte-3-for-2", Promotion.Kind.INSTANT_REWARD, null, null, null, null,
                new Promotion.ItemMatch("latte", null, 2), new Promotion.ItemMatch("latte", null, 1), 10_000, 2, null, null, null);
        final Promotion cakeThenHalfCoffee = new Promotion("cake-coffee-half", Promotion.Kind.INSTANT_REWARD, null, null, null,
                null, new Promotion.ItemMatch(null, "food", 1), new Promotion.ItemMatch(null, "coffee", 1), 5000, null, null, null, null);

        @Test
        void buyTwoGetOneFree_twiceAtMost() {
            Quote quote = quote(rules(null, null, List.of(threeForTwo), null, null, null), MemberFacts.customer(0, 0),
                    new BasketLine("latte", "coffee", 7, 350));

            assertThat(quote.totalDiscount()).isEqualTo(700);
        }

        @Test
        void buyTwoGetOneFree_needsThreeUnits() {
            Quote quote = quote(rules(null, null, List.of(threeForTwo), null, null, null), MemberFacts.customer(0, 0),
                    new BasketLine("latte", "coffee", 2, 350));

            assertThat(quote.totalDiscount()).isZero();
            assertThat(quote.notApplied()).extracting(Quote.NotApplied::reason).containsExactly(Reason.CONDITION_NOT_MET);
        }

        @Test
        void buyACake_getTheCheapestCoffeeHalfPrice() {
            Quote quote = quote(rules(null, null, List.of(cakeThenHalfCoffee), null, null, null), MemberFacts.customer(0, 0),
                    new BasketLine("brownie", "food", 1, 300), new BasketLine("flatwhite", "coffee", 1, 400),
                    new BasketLine("latte", "coffee", 1, 350));

            assertThat(discounts(quote)).containsExactly(0, 0, 175);
        }
    }

    @Nested
    class Birthday {
        final Promotion birthday = new Promotion("birthday", Promotion.Kind.BIRTHDAY, null, null, null, null, null, null,
                null, null, 3, 500L, 1000);

        Quote on(LocalDate birthDate, String now) {
            MemberFacts member = new MemberFacts(MemberKind.CUSTOMER, 0, null, Set.of(), birthDate, 0, 0, 0);
            return CheckoutCalculator.quote(new Checkout(program(rules(null, null, List.of(birthday), null, null, null)),
                    "order-1", List.of(new BasketLine("cake", "food", 1, 5000)), List.of(), member, null, null, Map.of(),
                    Instant.parse(now)));
        }

        @Test
        void twoDaysBefore_tenPercentOffAndFiveHundredPoints() {
            Quote quote = on(LocalDate.parse("1990-03-12"), "2026-03-10T12:00:00Z");

            assertThat(quote.totalDiscount()).isEqualTo(500);
            assertThat(quote.birthdayPoints()).isEqualTo(500);
            assertThat(quote.pointsCredited()).isEqualTo(45 + 500);
        }

        @ParameterizedTest
        @CsvSource({"1990-03-12, 2026-03-16T00:00:00Z, false", "1990-01-01, 2025-12-30T08:00:00Z, true",
                "1992-02-29, 2026-03-03T08:00:00Z, true", "1992-02-29, 2026-03-04T08:00:00Z, false"})
        void theWindow_crossesTheYear_andLeapDaysFallOnTheTwentyEighth(String birthDate, String now, boolean applies) {
            Quote quote = on(LocalDate.parse(birthDate), now);

            assertThat(quote.birthdayPoints()).isEqualTo(applies ? 500 : 0);
            if (!applies) {
                assertThat(quote.notApplied()).extracting(Quote.NotApplied::reason).containsExactly(Reason.OUTSIDE_BIRTHDAY_WINDOW);
            }
        }
    }

    @Nested
    class PromoCodes {
        final PromoCode spring = new PromoCode("SPRING10", 1000, null, Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-04-01T00:00:00Z"), 100L, 1L, 2000L, Set.of("gold"), Set.of(), Set.of());

        Quote with(PromoCode code, long usesSoFar, long usesByMember, String tier, String now, BasketLine... lines) {
            MemberFacts member = new MemberFacts(MemberKind.CUSTOMER, 0, tier, Set.of("newsletter"), null, 0, 0, 0);
            return CheckoutCalculator.quote(new Checkout(program(plain()), "order-1", List.of(lines), List.of(), member,
                    new Checkout.PromoCodeUse(code, usesSoFar, usesByMember), null, Map.of(), Instant.parse(now)));
        }

        @Test
        void applies_tenPercentOff() {
            Quote quote = with(spring, 99, 0, "gold", "2026-03-10T12:00:00Z", new BasketLine("shoes", null, 1, 2500));

            assertThat(quote.totalDiscount()).isEqualTo(250);
            assertThat(quote.applied()).extracting(Quote.Applied::kind, Quote.Applied::id)
                    .containsExactly(tuple(Kind.PROMO_CODE, "SPRING10"));
        }

        @ParameterizedTest
        @CsvSource({
                "0,   0, gold,   2026-02-28T23:59:59Z, 2500, NOT_YET_VALID",
                "0,   0, gold,   2026-04-01T00:00:00Z, 2500, EXPIRED",
                "100, 0, gold,   2026-03-10T12:00:00Z, 2500, EXHAUSTED",
                "5,   1, gold,   2026-03-10T12:00:00Z, 2500, MEMBER_LIMIT",
                "0,   0, silver, 2026-03-10T12:00:00Z, 2500, NOT_ELIGIBLE",
                "0,   0, gold,   2026-03-10T12:00:00Z, 1999, BELOW_MINIMUM"})
        void refused_withTheReason_andNothingTakenOff(long usesSoFar, long usesByMember, String tier, String now,
                                                     long price, Reason reason) {
            Quote quote = with(spring, usesSoFar, usesByMember, tier, now, new BasketLine("shoes", null, 1, price));

            assertThat(quote.totalDiscount()).isZero();
            assertThat(quote.notApplied()).extracting(Quote.NotApplied::kind, Quote.NotApplied::id, Quote.NotApplied::reason)
                    .containsExactly(tuple(Kind.PROMO_CODE, "SPRING10", reason));
        }

        @Test
        void refused_forAnotherSegment_andForNoLineInItsCategories() {
            PromoCode vipOnly = new PromoCode("VIP", 1000, null, null, null, null, null, null, Set.of(), Set.of("vip"), Set.of());
            PromoCode booksOnly = new PromoCode("BOOKS", 1000, null, null, null, null, null, null, Set.of(), Set.of(), Set.of("books"));

            assertThat(with(vipOnly, 0, 0, "gold", "2026-03-10T12:00:00Z", COFFEE).notApplied())
                    .extracting(Quote.NotApplied::reason).containsExactly(Reason.NOT_ELIGIBLE);
            assertThat(with(booksOnly, 0, 0, "gold", "2026-03-10T12:00:00Z", COFFEE).notApplied())
                    .extracting(Quote.NotApplied::reason).containsExactly(Reason.NO_ELIGIBLE_LINES);
        }

        @Test
        void fixedAmount_spreadByLargestRemainder() {
            PromoCode fiveOff = new PromoCode("FIVEOFF", null, 500L, null, null, null, null, null, null, null, null);

            Quote quote = with(fiveOff, 0, 0, null, "2026-03-10T12:00:00Z", COFFEE, CAKE);

            assertThat(discounts(quote)).containsExactly(292, 208);
        }

        @Test
        void fixedAmount_neverAboveTheBasket() {
            PromoCode fiveOff = new PromoCode("FIVEOFF", null, 500L, null, null, null, null, null, null, null, null);

            Quote quote = with(fiveOff, 0, 0, null, "2026-03-10T12:00:00Z", new BasketLine("gum", null, 1, 120));

            assertThat(quote.totalDiscount()).isEqualTo(120);
            assertThat(quote.amountToPay()).isZero();
        }
    }

    @Nested
    class Staff {
        final ProgramRules staffRules = rules(null, null, null, null, new StaffDiscount(2000, Map.of("alcohol", 0), 10_000L), null);

        Quote usedSoFar(long used) {
            MemberFacts member = new MemberFacts(MemberKind.STAFF, 0, null, Set.of(), null, 0, used, 0);
            return quote(staffRules, member, new BasketLine("shirt", "clothing", 1, 4000), new BasketLine("wine", "alcohol", 1, 1500));
        }

        @Test
        void twentyPercent_notOnAlcohol() {
            assertThat(discounts(usedSoFar(0))).containsExactly(800, 0);
        }

        @Test
        void cutToWhatIsLeftOfTheMonthlyCap() {
            assertThat(discounts(usedSoFar(9500))).containsExactly(500, 0);
        }

        @Test
        void nothingOnceTheCapIsUsed() {
            Quote quote = usedSoFar(10_000);

            assertThat(quote.totalDiscount()).isZero();
            assertThat(quote.notApplied()).extracting(Quote.NotApplied::reason).containsExactly(Reason.STAFF_CAP_REACHED);
        }

        @Test
        void customersGetNoStaffDiscount() {
            assertThat(quote(staffRules, MemberFacts.customer(0, 0), new BasketLine("shirt", "clothing", 1, 4000)).totalDiscount())
                    .isZero();
        }
    }

    @Nested
    class Stacking_ {
        final PromoCode twenty = new PromoCode("SPRING20", 2000, null, null, null, null, null, null, null, null, null);
        final PromoCode fiveOff = new PromoCode("FIVEOFF", null, 500L, null, null, null, null, null, null, null, null);

        Quote with(Stacking stacking, PromoCode code) {
            return CheckoutCalculator.quote(new Checkout(program(rules(null, null, null, null, null, stacking)), "order-1",
                    List.of(new BasketLine("bag", null, 1, 10_000)), List.of(), MemberFacts.customer(1000, 0),
                    new Checkout.PromoCodeUse(code, 0, 0), null, Map.of(), NOW));
        }

        @Test
        void combine_cardThenCode() {
            Quote quote = with(Stacking.DEFAULT, twenty);

            assertThat(quote.applied()).extracting(Quote.Applied::kind, Quote.Applied::amount)
                    .containsExactly(tuple(Kind.CARD, 1000L), tuple(Kind.PROMO_CODE, 1800L));
            assertThat(quote.totalDiscount()).isEqualTo(2800);
        }

        @Test
        void betterWins_theCodeWorthMore() {
            Quote quote = with(new Stacking(null, Stacking.Combination.BETTER_WINS, null, null), twenty);

            assertThat(quote.totalDiscount()).isEqualTo(2000);
            assertThat(quote.notApplied()).extracting(Quote.NotApplied::kind, Quote.NotApplied::reason)
                    .containsExactly(tuple(Kind.CARD, Reason.NOT_COMBINABLE));
        }

        @Test
        void betterWins_theCardOnATieOrWhenWorthMore() {
            Quote quote = with(new Stacking(null, Stacking.Combination.BETTER_WINS, null, null), fiveOff);

            assertThat(quote.totalDiscount()).isEqualTo(1000);
            assertThat(quote.notApplied()).extracting(Quote.NotApplied::kind, Quote.NotApplied::reason)
                    .containsExactly(tuple(Kind.PROMO_CODE, Reason.NOT_COMBINABLE));
        }

        @Test
        void maximumTotalDiscount_cutsTheLaterStep() {
            Quote quote = with(new Stacking(null, null, 2500, null), twenty);

            assertThat(quote.applied()).extracting(Quote.Applied::kind, Quote.Applied::amount)
                    .containsExactly(tuple(Kind.CARD, 1000L), tuple(Kind.PROMO_CODE, 1500L));
        }

        @Test
        void order_codeBeforeCard_takesThePercentOfTheRest() {
            Quote cardFirst = with(Stacking.DEFAULT, fiveOff);
            Quote codeFirst = with(new Stacking(List.of(Stacking.Step.PROMO_CODE, Stacking.Step.CARD), null, null, null), fiveOff);

            assertThat(cardFirst.totalDiscount()).isEqualTo(1500);
            assertThat(codeFirst.totalDiscount()).isEqualTo(1450);
        }

        @Test
        void shippingIsDiscounted_onlyWhenTheProgramSaysSo() {
            List<Adjustment> shipping = List.of(new Adjustment(Adjustment.Kind.SHIPPING, 490, "DHL"),
                    new Adjustment(Adjustment.Kind.COUPON, -1000, "SHOP10"));
            Stacking withShipping = new Stacking(null, null, null, Set.of(Adjustment.Kind.SHIPPING));

            Quote linesOnly = CheckoutCalculator.quote(new Checkout(program(plain()), "order-1",
                    List.of(new BasketLine("bag", null, 1, 5000)), shipping, MemberFacts.customer(1000, 0), null, null, Map.of(), NOW));
            Quote alsoShipping = CheckoutCalculator.quote(new Checkout(program(rules(null, null, null, null, null, withShipping)),
                    "order-1", List.of(new BasketLine("bag", null, 1, 5000)), shipping, MemberFacts.customer(1000, 0), null,
                    null, Map.of(), NOW));

            assertThat(linesOnly.subtotal()).isEqualTo(4490);
            assertThat(discounts(linesOnly)).containsExactly(500);
            assertThat(linesOnly.amountDue()).isEqualTo(3990);
            assertThat(discounts(alsoShipping)).containsExactly(500, 49);
            assertThat(alsoShipping.amountDue()).isEqualTo(3941);
        }
    }

    @Nested
    class Rounding {
        @Test
        void halfOfThreeCents_isOneCent_onTheFirstLineOfEqualOnes() {
            Quote quote = quote(plain(), MemberFacts.customer(5000, 0), new BasketLine("a", null, 1, 1),
                    new BasketLine("b", null, 1, 1), new BasketLine("c", null, 1, 1));

            assertThat(discounts(quote)).containsExactly(1, 0, 0);
        }

        @Test
        void aCentPerLine_isNeverTakenTwice() {
            Quote quote = quote(plain(), MemberFacts.customer(3333, 0), new BasketLine("a", null, 1, 100),
                    new BasketLine("b", null, 1, 100), new BasketLine("c", null, 1, 100));

            assertThat(quote.totalDiscount()).isEqualTo(99);
            assertThat(discounts(quote)).containsExactly(33, 33, 33);
        }
    }

    @Nested
    class BlindRewards {
        RewardPool pool(int chanceBp, RewardPool.Reward... rewards) {
            return new RewardPool("lucky", chanceBp, RewardPool.Reward.Kind.POINTS == rewards[0].kind()
                    ? RewardPool.BudgetUnit.POINTS : RewardPool.BudgetUnit.MINOR_UNITS, 1000L, List.of(rewards));
        }

        Quote draw(RewardPool pool, String orderId, Map<String, Long> budgetsLeft) {
            return CheckoutCalculator.quote(new Checkout(program(rules(null, null, null, List.of(pool), null, null)), orderId,
                    List.of(COFFEE, CAKE), List.of(), MemberFacts.customer(0, 0), null, null, budgetsLeft, NOW));
        }

        @Test
        void aSureDraw_givesItsPoints_withinTheBudgetLeft() {
            RewardPool sure = pool(10_000, new RewardPool.Reward(RewardPool.Reward.Kind.POINTS, 1, 50L, null, null));

            assertThat(draw(sure, "order-1", Map.of()).blindRewards()).extracting(Quote.BlindReward::points).containsExactly(50L);
            assertThat(draw(sure, "order-1", Map.of("lucky", 30L)).blindRewards()).extracting(Quote.BlindReward::points).containsExactly(30L);
            assertThat(draw(sure, "order-1", Map.of("lucky", 0L)).notApplied()).extracting(Quote.NotApplied::reason)
                    .containsExactly(Reason.BUDGET_EXHAUSTED);
        }

        @Test
        void noChance_drawsNothing() {
            RewardPool never = pool(0, new RewardPool.Reward(RewardPool.Reward.Kind.POINTS, 1, 50L, null, null));

            assertThat(draw(never, "order-1", Map.of()).notApplied()).extracting(Quote.NotApplied::reason)
                    .containsExactly(Reason.NOT_DRAWN);
        }

        @Test
        void moneyRewards_aPercentOffTheDearestLine_orAFreeUnit() {
            RewardPool percent = pool(10_000, new RewardPool.Reward(RewardPool.Reward.Kind.LINE_PERCENT, 1, null, 5000, null));
            RewardPool freeCake = pool(10_000, new RewardPool.Reward(RewardPool.Reward.Kind.FREE_SKU, 1, null, null, "cake"));
            RewardPool freeTea = pool(10_000, new RewardPool.Reward(RewardPool.Reward.Kind.FREE_SKU, 1, null, null, "tea"));

            assertThat(discounts(draw(percent, "order-1", Map.of()))).containsExactly(350, 0);
            assertThat(discounts(draw(freeCake, "order-1", Map.of()))).containsExactly(0, 499);
            assertThat(discounts(draw(freeCake, "order-1", Map.of("lucky", 100L)))).containsExactly(0, 100);
            assertThat(draw(freeTea, "order-1", Map.of()).notApplied()).extracting(Quote.NotApplied::reason)
                    .containsExactly(Reason.SKU_NOT_IN_BASKET);
        }

        @Test
        void theDraw_dependsOnTheOrder_andIsTheSameEveryTime() {
            RewardPool half = pool(5000, new RewardPool.Reward(RewardPool.Reward.Kind.POINTS, 3, 10L, null, null),
                    new RewardPool.Reward(RewardPool.Reward.Kind.POINTS, 1, 100L, null, null));
            List<String> firstRun = new java.util.ArrayList<>();
            List<String> secondRun = new java.util.ArrayList<>();
            for (int order = 0; order < 200; order++) {
                firstRun.add(String.valueOf(BlindDraw.draw("prog-1", half, "order-" + order)));
                secondRun.add(String.valueOf(BlindDraw.draw("prog-1", half, "order-" + order)));
            }

            assertThat(secondRun).isEqualTo(firstRun);
            assertThat(firstRun).as("both outcomes and both rewards occur over 200 orders")
                    .contains("null", String.valueOf(half.rewards().get(0)), String.valueOf(half.rewards().get(1)));
        }
    }
}
