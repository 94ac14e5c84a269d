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
                      List<Settlement.MerchantLine> merchants, List<Settlement.Position> positions) {
    static final String CLOSED = "closed";

    /** Sums over the merchants: points issued and redeemed, fees owed to the operator, money cleared between partners. */
    record Totals(long issued, long redeemed, long reversed, long expired, long feesOwed, long cleared) {
    }

    static SettlementView of(Settlement settlement, Instant closedAt) {
        long issued = 0, redeemed = 0, reversed = 0, expired = 0, fees = 0, cleared = 0;
        for (Settlement.MerchantLine line : settlement.merchants()) {
            issued += line.issued();
            redeemed += line.redeemedAt();
            reversed += line.reversed();
            expired += line.expired();
            fees += line.feesOwed();
        }
        for (Settlement.Position position : settlement.positions()) {
            cleared += position.amount();
        }
        return new SettlementView(settlement.programId(), settlement.period(), CLOSED, settlement.from(), settlement.to(),
                settlement.currency(), closedAt, settlement.entryCount(),
                new Totals(issued, redeemed, reversed, expired, fees, cleared), settlement.terms(),
                settlement.merchants(), settlement.positions());
    }

    /** The computed part, to compare with a recompute from the ledger. */
    Settlement settlement() {
        return new Settlement(programId, period, from, to, currency, entryCount, terms, merchants, positions);
    }
}
