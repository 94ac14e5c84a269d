package app.loyalty.functions.settlement;

import app.loyalty.shared.domain.settlement.MerchantTerms;
import app.loyalty.shared.domain.settlement.Settlement;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A closed settlement as stored and answered: the {@link Settlement} computed from the ledger, when it was closed and
 * its totals. Everything but {@code closedAt} is reproducible from the ledger entries of the period.
 */
record SettlementView(String programId, String period, String status, Instant from, Instant to, String currency,
                      Instant closedAt, long entryCount, Totals totals, Map<String, MerchantTerms> terms,
                      List<Settlement.MerchantLine> merchants, List<Settlement.Position> positions,
                      String merchantId) {
    static final String CLOSED = "closed";

    /** Sums over the merchants: points issued and redeemed, fees owed to the operator, money cleared between partners. */
    record Totals(long issued, long redeemed, long reversed, long expired, long feesOwed, long cleared) {
    }

    static SettlementView of(Settlement settlement, Instant closedAt) {
        return new SettlementView(settlement.programId(), settlement.period(), CLOSED, settlement.from(), settlement.to(),
                settlement.currency(), closedAt, settlement.entryCount(),
                totals(settlement.merchants(), settlement.positions()), settlement.terms(),
                settlement.merchants(), settlement.positions(), null);
    }

    /**
     * What one merchant of the program may see (docs/settlement.md, "A merchant's own settlement"): its own line (with
     * its net position against each partner), the positions it is a party to, its own terms, and totals over those;
     * other merchants' lines and terms, and positions between others, are left out. {@code merchantId} says whose view
     * it is. A merchant with no activity in the period gets empty lists.
     */
    SettlementView forMerchant(String merchantId) {
        List<Settlement.MerchantLine> own = merchants.stream().filter(line -> line.merchantId().equals(merchantId))
                .toList();
        List<Settlement.Position> involving = positions.stream()
                .filter(p -> p.debtorId().equals(merchantId) || p.creditorId().equals(merchantId)).toList();
        Map<String, MerchantTerms> ownTerms = terms.containsKey(merchantId) ? Map.of(merchantId, terms.get(merchantId))
                : Map.of();
        return new SettlementView(programId, period, status, from, to, currency, closedAt, entryCount,
                totals(own, involving), ownTerms, own, involving, merchantId);
    }

    private static Totals totals(List<Settlement.MerchantLine> lines, List<Settlement.Position> positions) {
        long issued = 0, redeemed = 0, reversed = 0, expired = 0, fees = 0, cleared = 0;
        for (Settlement.MerchantLine line : lines) {
            issued += line.issued();
            redeemed += line.redeemedAt();
            reversed += line.reversed();
            expired += line.expired();
            fees += line.feesOwed();
        }
        for (Settlement.Position position : positions) {
            cleared += position.amount();
        }
        return new Totals(issued, redeemed, reversed, expired, fees, cleared);
    }

    /** The computed part, to compare with a recompute from the ledger. */
    Settlement settlement() {
        return new Settlement(programId, period, from, to, currency, entryCount, terms, merchants, positions);
    }
}
