package app.loyalty.shared.domain.settlement;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A program's settlement for a period [from, to): per merchant its figures and net position against each partner,
 * and the pairwise positions (docs/settlement.md). Computed by {@link SettlementCalculator} from ledger entries only,
 * so recomputing from the same entries and terms gives an equal settlement.
 *
 * @param terms the agreement's terms the money was computed with (kept, so a later change of rates cannot change a
 *              closed settlement's meaning)
 */
public record Settlement(String programId, String period, Instant from, Instant to, String currency, long entryCount,
                         Map<String, MerchantTerms> terms, List<MerchantLine> merchants, List<Position> positions) {

    public Settlement {
        terms = Map.copyOf(terms);
        merchants = List.copyOf(merchants);
        positions = List.copyOf(positions);
    }

    /**
     * One merchant's figures. Points: issued (ACCRUE into its lots), reversed (taken back from its lots by returns),
     * expired (breakage of its lots), adjusted (operator corrections of its lots), redeemedAt (spent at it, any
     * issuer), refundedAt (spent points given back by its returns), outstandingChange (the signed change of its lots'
     * points: what its liability moved by). Money, minor units: feesOwed (to the operator), reimbursementsDue (from
     * partners whose points were redeemed here), reimbursementsPayable (to partners where its points were redeemed),
     * netPosition = due - payable (what partners owe it, net; negative: it owes).
     */
    public record MerchantLine(String merchantId, long issued, long reversed, long expired, long adjusted,
                               long redeemedAt, long refundedAt, long outstandingChange, long feesOwed,
                               long reimbursementsDue, long reimbursementsPayable, long netPosition,
                               List<PartnerNet> partners) {
        public MerchantLine {
            partners = List.copyOf(partners);
        }
    }

    /** The merchant's net position against one partner: positive, the partner owes it; negative, it owes the partner. */
    public record PartnerNet(String partnerId, long amount) {
    }

    /**
     * Points issued by {@code debtorId} and redeemed at {@code creditorId} in the period (net of refunds), and what
     * the debtor owes the creditor for them at the creditor's reimbursement rate. Always {@code points >= 0}: a pair
     * whose refunds outweigh its redemptions is listed the other way round.
     */
    public record Position(String debtorId, String creditorId, long points, long amount) {
    }

    public MerchantLine line(String merchantId) {
        return merchants.stream().filter(m -> m.merchantId().equals(merchantId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no line for merchant " + merchantId));
    }
}
