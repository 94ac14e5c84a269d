package app.loyalty.shared.domain.settlement;

import app.loyalty.shared.domain.program.ProgramRules.Discount.PointValue;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settlement arithmetic (docs/settlement.md, "Formulas"). Pure and deterministic: the same entries (in any
 * order) and terms give the same settlement.
 *
 * <ul>
 *   <li>Clearing: a REDEEM at merchant B of points from lots issued by A adds them to the pair A -&gt; B; an ADJUST
 *       {@code return-refund} at B giving points back to A's lots takes them off. A pair's money is
 *       {@code round(points x reimbursementPer1000(B) / 1000)}, half up, once per pair and period (not per entry), so
 *       the recompute from the ledger is exact. A merchant's own points redeemed at itself clear nothing.</li>
 *   <li>Fees: {@code round((issued - reversed) x issueFeePer1000 / 1000)} per merchant: returns give the fee back.</li>
 *   <li>Breakage (EXPIRE) and adjustments move no money between partners; they lower the issuer's liability.</li>
 * </ul>
 * Positions are antisymmetric by construction, so the merchants' net positions always add up to 0.
 */
public final class SettlementCalculator {
    private SettlementCalculator() {
    }

    private static final class Figures {
        long issued;
        long reversed;
        long expired;
        long adjusted;
        long redeemedAt;
        long refundedAt;
        long outstandingChange;
    }

    private record Pair(String debtorId, String creditorId) implements Comparable<Pair> {
        @Override
        public int compareTo(Pair other) {
            int byDebtor = debtorId.compareTo(other.debtorId);
            return byDebtor != 0 ? byDebtor : creditorId.compareTo(other.creditorId);
        }
    }

    public static Settlement settle(String programId, String period, Instant from, Instant to, String currency,
                                    PartnerAgreement agreement, Collection<SettlementEntry> entries) {
        Map<String, Figures> figures = new TreeMap<>();
        Map<Pair, Long> pairPoints = new TreeMap<>();
        agreement.merchantsOrEmpty().keySet().forEach(id -> figures.computeIfAbsent(id, k -> new Figures()));
        long count = 0;
        for (SettlementEntry entry : entries) {
            if (entry.at().isBefore(from) || !entry.at().isBefore(to) || !entry.type().movesPoints()) {
                continue;
            }
            count++;
            String at = entry.merchantId();
            if (at != null) {
                figures.computeIfAbsent(at, k -> new Figures());
            }
            for (SettlementEntry.IssuerShare share : entry.shares()) {
                Figures issuer = figures.computeIfAbsent(share.issuerId(), k -> new Figures());
                long points = share.points();
                issuer.outstandingChange = Math.addExact(issuer.outstandingChange, entry.sign() * points);
                switch (entry.type()) {
                    case ACCRUE -> issuer.issued = Math.addExact(issuer.issued, points);
                    case REVERSE -> issuer.reversed = Math.addExact(issuer.reversed, points);
                    case EXPIRE -> issuer.expired = Math.addExact(issuer.expired, points);
                    case REDEEM -> {
                        Figures redeemer = figures.get(at == null ? share.issuerId() : at);
                        redeemer.redeemedAt = Math.addExact(redeemer.redeemedAt, points);
                        if (at != null && !at.equals(share.issuerId())) {
                            pairPoints.merge(new Pair(share.issuerId(), at), points, Math::addExact);
                        }
                    }
                    case ADJUST, TRANSFER -> {
                        if (entry.sign() > 0 && SettlementEntry.RETURN_REFUND.equals(entry.reason()) && at != null) {
                            Figures refunder = figures.get(at);
                            refunder.refundedAt = Math.addExact(refunder.refundedAt, points);
                            if (!at.equals(share.issuerId())) {
                                pairPoints.merge(new Pair(share.issuerId(), at), -points, Math::addExact);
                            }
                        } else {
                            issuer.adjusted = Math.addExact(issuer.adjusted, entry.sign() * points);
                        }
                    }
                    case ACTIVATE -> {
                    }
                }
            }
        }

        Map<String, MerchantTerms> terms = new TreeMap<>();
        figures.keySet().forEach(id -> terms.put(id, agreement.termsOf(id).orElse(MerchantTerms.OPEN)));
        List<Settlement.Position> positions = new ArrayList<>();
        Map<String, Map<String, Long>> partnerNets = new TreeMap<>();
        Map<String, long[]> dueAndPayable = new TreeMap<>();
        figures.keySet().forEach(id -> {
            partnerNets.put(id, new TreeMap<>());
            dueAndPayable.put(id, new long[2]);
        });
        pairPoints.forEach((pair, points) -> {
            if (points == 0) {
                return;
            }
            // Net refunds turn the pair around: the redeeming merchant pays back what it was paid.
            String debtor = points > 0 ? pair.debtorId() : pair.creditorId();
            String creditor = points > 0 ? pair.creditorId() : pair.debtorId();
            long amount = perThousand(Math.abs(points), terms.get(pair.creditorId()).reimbursementPer1000());
            positions.add(new Settlement.Position(debtor, creditor, Math.abs(points), amount));
            partnerNets.get(creditor).merge(debtor, amount, Math::addExact);
            partnerNets.get(debtor).merge(creditor, -amount, Math::addExact);
            dueAndPayable.get(creditor)[0] = Math.addExact(dueAndPayable.get(creditor)[0], amount);
            dueAndPayable.get(debtor)[1] = Math.addExact(dueAndPayable.get(debtor)[1], amount);
        });
        positions.sort(java.util.Comparator.comparing(Settlement.Position::debtorId)
                .thenComparing(Settlement.Position::creditorId));

        List<Settlement.MerchantLine> lines = new ArrayList<>();
        figures.forEach((id, f) -> {
            long feeBase = Math.subtractExact(f.issued, f.reversed);
            long fee = Long.signum(feeBase) * perThousand(Math.abs(feeBase), terms.get(id).issueFeePer1000());
            long due = dueAndPayable.get(id)[0];
            long payable = dueAndPayable.get(id)[1];
            List<Settlement.PartnerNet> nets = new ArrayList<>();
            partnerNets.get(id).forEach((partner, amount) -> {
                if (amount != 0) {
                    nets.add(new Settlement.PartnerNet(partner, amount));
                }
            });
            lines.add(new Settlement.MerchantLine(id, f.issued, f.reversed, f.expired, f.adjusted, f.redeemedAt,
                    f.refundedAt, f.outstandingChange, fee, due, payable, Math.subtractExact(due, payable), nets));
        });
        return new Settlement(programId, period, from, to, currency, count, terms, lines, positions);
    }

    /** {@code points x ratePer1000 / 1000}, rounded half up, without overflow (10^15 points x 10^9 fits a BigInteger). */
    public static long perThousand(long points, long ratePer1000) {
        return BigInteger.valueOf(points).multiply(BigInteger.valueOf(ratePer1000))
                .add(BigInteger.valueOf(MerchantTerms.PER_POINTS / 2))
                .divide(BigInteger.valueOf(MerchantTerms.PER_POINTS)).longValueExact();
    }

    /** Outstanding points in money at the program's point value (minorUnits per points), rounded half up. */
    public static long liability(long outstandingPoints, PointValue pointValue) {
        BigInteger value = BigInteger.valueOf(Math.abs(outstandingPoints)).multiply(BigInteger.valueOf(pointValue.minorUnits()));
        BigInteger[] qr = value.divideAndRemainder(BigInteger.valueOf(pointValue.points()));
        BigInteger rounded = qr[1].shiftLeft(1).compareTo(BigInteger.valueOf(pointValue.points())) >= 0
                ? qr[0].add(BigInteger.ONE) : qr[0];
        return Long.signum(outstandingPoints) * rounded.longValueExact();
    }
}
