package app.loyalty.shared.domain.settlement;

import app.loyalty.shared.domain.ledger.EntryType;
import app.loyalty.shared.domain.program.ProgramRules.Discount.PointValue;
import app.loyalty.shared.domain.settlement.SettlementEntry.IssuerShare;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

/** The settlement arithmetic of docs/settlement.md: clearing per pair, fees, breakage, net positions. */
class SettlementCalculatorTest {
    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant MID = Instant.parse("2026-11-15T12:00:00Z");
    /** A: fee 20 per 1,000 points issued; B: reimbursed 500 per 1,000 points redeemed at it (half a cent a point). */
    private static final PartnerAgreement AGREEMENT = new PartnerAgreement(Map.of(
            "mch_a", new MerchantTerms(true, true, 20, 400, null, null),
            "mch_b", new MerchantTerms(true, true, 30, 500, null, null)));

    private static int ids;

    private static SettlementEntry entry(EntryType type, long points, String at, String reason, Instant when,
                                         IssuerShare... shares) {
        return new SettlementEntry("ent_" + ++ids, type, points, when, at, reason, List.of(shares));
    }

    private static IssuerShare share(String issuer, long points) {
        return new IssuerShare(issuer, points);
    }

    private static Settlement settle(List<SettlementEntry> entries) {
        return SettlementCalculator.settle("prg_1", "2026-11", FROM, TO, "EUR", AGREEMENT, entries);
    }

    @Test
    void workedExample_ofDocsSettlement_aOwesBTheAgreedAmount() {
        Settlement settlement = settle(List.of(
                entry(EntryType.ACCRUE, 1_000, "mch_a", "purchase", MID, share("mch_a", 1_000)),
                entry(EntryType.REDEEM, -400, "mch_b", "redemption", MID, share("mch_a", 400)),
                entry(EntryType.ADJUST, 100, "mch_b", "return-refund", MID, share("mch_a", 100)),
                entry(EntryType.REVERSE, -100, "mch_a", "return", MID, share("mch_a", 100)),
                entry(EntryType.EXPIRE, -200, null, "expiry", MID, share("mch_a", 200))));

        // 400 redeemed at B, 100 of them refunded: 300 points x 500 / 1,000 = 150 cents, A to B.
        assertThat(settlement.positions()).containsExactly(new Settlement.Position("mch_a", "mch_b", 300, 150));
        Settlement.MerchantLine a = settlement.line("mch_a");
        assertThat(a.issued()).isEqualTo(1_000);
        assertThat(a.reversed()).isEqualTo(100);
        assertThat(a.expired()).isEqualTo(200);
        assertThat(a.outstandingChange()).isEqualTo(1_000 - 400 + 100 - 100 - 200);
        assertThat(a.feesOwed()).isEqualTo(18); // (1,000 - 100) x 20 / 1,000
        assertThat(a.reimbursementsPayable()).isEqualTo(150);
        assertThat(a.netPosition()).isEqualTo(-150);
        assertThat(a.partners()).containsExactly(new Settlement.PartnerNet("mch_b", -150));
        Settlement.MerchantLine b = settlement.line("mch_b");
        assertThat(b.redeemedAt()).isEqualTo(400);
        assertThat(b.refundedAt()).isEqualTo(100);
        assertThat(b.reimbursementsDue()).isEqualTo(150);
        assertThat(b.netPosition()).isEqualTo(150);
        assertThat(b.feesOwed()).isZero();
        assertThat(settlement.entryCount()).isEqualTo(5);
    }

    @Test
    void ownPointsRedeemedAtTheIssuer_clearNothing() {
        Settlement settlement = settle(List.of(
                entry(EntryType.ACCRUE, 500, "mch_b", "purchase", MID, share("mch_b", 500)),
                entry(EntryType.REDEEM, -500, "mch_b", "redemption", MID, share("mch_b", 500))));
        assertThat(settlement.positions()).isEmpty();
        assertThat(settlement.line("mch_b").redeemedAt()).isEqualTo(500);
        assertThat(settlement.line("mch_b").netPosition()).isZero();
    }

    @Test
    void refundsOutweighingRedemptions_turnThePairAround() {
        Settlement settlement = settle(List.of(
                entry(EntryType.ADJUST, 300, "mch_b", "return-refund", MID, share("mch_a", 300))));
        assertThat(settlement.positions()).containsExactly(new Settlement.Position("mch_b", "mch_a", 300, 150));
        assertThat(settlement.line("mch_b").netPosition()).isEqualTo(-150);
    }

    @Test
    void periodIncludesItsStart_andExcludesItsEnd() {
        Settlement settlement = settle(List.of(
                entry(EntryType.ACCRUE, 1, "mch_a", "purchase", FROM, share("mch_a", 1)),
                entry(EntryType.ACCRUE, 2, "mch_a", "purchase", TO, share("mch_a", 2)),
                entry(EntryType.ACCRUE, 4, "mch_a", "purchase", FROM.minusNanos(1), share("mch_a", 4))));
        assertThat(settlement.line("mch_a").issued()).isEqualTo(1);
        assertThat(settlement.entryCount()).isEqualTo(1);
    }

    @Test
    void moneyPerThousandPoints_roundsHalfUp_onThePairsTotal() {
        assertThat(SettlementCalculator.perThousand(1, 500)).isEqualTo(1);
        assertThat(SettlementCalculator.perThousand(1, 499)).isZero();
        assertThat(SettlementCalculator.perThousand(1_000_000_000_000L, 1_000_000L)).isEqualTo(1_000_000_000_000_000L);
        // Three redemptions of 1 point at 0.4 cents: 1.2 cents on the total, rounded once, not 0 three times.
        Settlement settlement = settle(List.of(
                entry(EntryType.REDEEM, -1, "mch_a", "redemption", MID, share("mch_b", 1)),
                entry(EntryType.REDEEM, -1, "mch_a", "redemption", MID, share("mch_b", 1)),
                entry(EntryType.REDEEM, -1, "mch_a", "redemption", MID, share("mch_b", 1))));
        assertThat(settlement.positions()).containsExactly(new Settlement.Position("mch_b", "mch_a", 3, 1));
    }

    @Test
    void liability_isOutstandingPointsAtThePointValue_roundedHalfUp() {
        assertThat(SettlementCalculator.liability(401, new PointValue(2, 1))).isEqualTo(201);
        assertThat(SettlementCalculator.liability(399, new PointValue(2, 1))).isEqualTo(200);
        assertThat(SettlementCalculator.liability(-3, new PointValue(2, 1))).isEqualTo(-2);
        assertThat(SettlementCalculator.liability(7, PointValue.ONE_TO_ONE)).isEqualTo(7);
    }

    @Test
    void agreement_refusesMerchantsItLeavesOut_andNoAgreementAllowsEveryone() {
        PartnerAgreement agreement = new PartnerAgreement(Map.of(
                "mch_issuer", new MerchantTerms(true, false, 0, 0, null, null)));
        assertThat(agreement.mayIssue("mch_issuer")).isTrue();
        assertThat(agreement.mayRedeem("mch_issuer")).isFalse();
        assertThat(agreement.mayIssue("mch_other")).isFalse();
        assertThat(agreement.mayRedeem("mch_other")).isFalse();
        assertThat(PartnerAgreement.NONE.mayIssue("mch_any")).isTrue();
        assertThat(PartnerAgreement.NONE.mayRedeem("mch_any")).isTrue();
    }

    @Test
    void terms_validateRatesAndBudget() {
        assertThat(new MerchantTerms(true, true, 0, 0, 1_000L, 100L).lowMark()).isEqualTo(900);
        assertThatThrownBy(() -> new MerchantTerms(true, true, -1, 0, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MerchantTerms(true, true, 0, MerchantTerms.MAX_RATE + 1, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MerchantTerms(true, true, 0, 0, null, 10L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MerchantTerms(true, true, 0, 0, 10L, 11L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MerchantTerms(true, true, 0, 0, 0L, null)).isInstanceOf(IllegalArgumentException.class);
    }

    // ----- properties over random ledgers -----

    private static final List<String> MERCHANTS = List.of("mch_a", "mch_b", "mch_c", "mch_d");

    /** A random ledger's entries from a seed: accruals, redemptions, refunds, reversals, expiries at random merchants. */
    private static List<SettlementEntry> randomEntries(long seed, int count) {
        Random random = new Random(seed);
        List<SettlementEntry> entries = new ArrayList<>();
        EntryType[] types = {EntryType.ACCRUE, EntryType.REDEEM, EntryType.REDEEM, EntryType.ADJUST, EntryType.REVERSE,
                EntryType.EXPIRE, EntryType.ACTIVATE};
        for (int i = 0; i < count; i++) {
            EntryType type = types[random.nextInt(types.length)];
            String at = MERCHANTS.get(random.nextInt(MERCHANTS.size()));
            Instant when = FROM.plusSeconds(random.nextInt(40 * 86_400) - 5 * 86_400);
            List<IssuerShare> shares = new ArrayList<>();
            long total = 0;
            int issuers = type == EntryType.ACCRUE ? 1 : 1 + random.nextInt(3);
            for (int s = 0; s < issuers; s++) {
                long points = 1 + random.nextInt(random.nextBoolean() ? 10 : 1_000_000);
                shares.add(new IssuerShare(type == EntryType.ACCRUE ? at : MERCHANTS.get(random.nextInt(MERCHANTS.size())), points));
                total += points;
            }
            long signed = switch (type) {
                case ACCRUE, ADJUST -> total;
                case ACTIVATE -> 0;
                default -> -total;
            };
            String reason = type == EntryType.ADJUST ? (random.nextBoolean() ? "return-refund" : "goodwill") : "r";
            entries.add(new SettlementEntry("ent_" + i, type, signed, when, type == EntryType.EXPIRE ? null : at, reason,
                    type == EntryType.ACTIVATE ? List.of() : shares));
        }
        return entries;
    }

    private static PartnerAgreement randomAgreement(long seed) {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        java.util.Map<String, MerchantTerms> terms = new java.util.HashMap<>();
        for (String merchant : MERCHANTS) {
            terms.put(merchant, new MerchantTerms(true, true, random.nextInt(100_000), random.nextInt(100_000), null, null));
        }
        return new PartnerAgreement(terms);
    }

    private static final Gen<Long> SEEDS = longs().all();

    @Test
    void netPositions_overAllMerchants_addUpToZero_andDueEqualsPayable() {
        qt().withExamples(300).forAll(SEEDS, integers().between(0, 60)).checkAssert((seed, count) -> {
            Settlement settlement = SettlementCalculator.settle("prg_1", "2026-11", FROM, TO, "EUR",
                    randomAgreement(seed), randomEntries(seed, count));
            long net = 0, due = 0, payable = 0;
            for (Settlement.MerchantLine line : settlement.merchants()) {
                net += line.netPosition();
                due += line.reimbursementsDue();
                payable += line.reimbursementsPayable();
                assertThat(line.partners().stream().mapToLong(Settlement.PartnerNet::amount).sum())
                        .isEqualTo(line.netPosition());
            }
            assertThat(net).isZero();
            assertThat(due).isEqualTo(payable);
            // What M's line says P owes it is exactly what P's line says it owes M.
            for (Settlement.MerchantLine line : settlement.merchants()) {
                for (Settlement.PartnerNet partner : line.partners()) {
                    assertThat(settlement.line(partner.partnerId()).partners())
                            .contains(new Settlement.PartnerNet(line.merchantId(), -partner.amount()));
                }
            }
        });
    }

    @Test
    void recompute_fromTheSameEntriesInAnyOrder_equalsTheSettlement() {
        qt().withExamples(200).forAll(SEEDS, integers().between(0, 60)).checkAssert((seed, count) -> {
            PartnerAgreement agreement = randomAgreement(seed);
            List<SettlementEntry> entries = randomEntries(seed, count);
            Settlement closed = SettlementCalculator.settle("prg_1", "2026-11", FROM, TO, "EUR", agreement, entries);
            List<SettlementEntry> shuffled = new ArrayList<>(entries);
            Collections.shuffle(shuffled, new Random(seed + 1));
            assertThat(SettlementCalculator.settle("prg_1", "2026-11", FROM, TO, "EUR", agreement, shuffled))
                    .isEqualTo(closed);
        });
    }

    @Test
    void outstandingChange_isTheSignedSumOfEachIssuersShares_inThePeriod() {
        qt().withExamples(200).forAll(SEEDS, lists().of(integers().between(0, 3)).ofSizeBetween(0, 1))
                .checkAssert((seed, ignored) -> {
                    List<SettlementEntry> entries = randomEntries(seed, 40);
                    Settlement settlement = SettlementCalculator.settle("prg_1", "2026-11", FROM, TO, "EUR",
                            randomAgreement(seed), entries);
                    for (String merchant : MERCHANTS) {
                        long expected = entries.stream().filter(e -> !e.at().isBefore(FROM) && e.at().isBefore(TO))
                                .flatMap(e -> e.shares().stream().filter(s -> s.issuerId().equals(merchant))
                                        .map(s -> e.sign() * s.points()))
                                .mapToLong(Long::longValue).sum();
                        assertThat(settlement.line(merchant).outstandingChange()).as(merchant).isEqualTo(expected);
                    }
                });
    }
}
