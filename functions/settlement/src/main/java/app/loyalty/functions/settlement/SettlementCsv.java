package app.loyalty.functions.settlement;

import app.loyalty.shared.domain.settlement.Settlement;

import java.util.List;

/**
 * A settlement as CSV (RFC 4180, CRLF line ends, docs/settlement.md "CSV"): one row per merchant with its figures and
 * an empty partnerId, followed by one row per partner with only netPosition filled (what the partner owes the
 * merchant, negative when the merchant owes). Amounts in minor units of {@code currency}; ids are
 * {@code [A-Za-z0-9_]} so nothing needs quoting.
 */
final class SettlementCsv {
    static final List<String> COLUMNS = List.of("period", "merchantId", "partnerId", "issued", "reversed", "expired",
            "adjusted", "redeemedAt", "refundedAt", "outstandingChange", "feesOwed", "reimbursementsDue",
            "reimbursementsPayable", "netPosition", "currency");

    private SettlementCsv() {
    }

    static String write(SettlementView view) {
        StringBuilder csv = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
        for (Settlement.MerchantLine line : view.merchants()) {
            row(csv, view.period(), line.merchantId(), "", line.issued(), line.reversed(), line.expired(),
                    line.adjusted(), line.redeemedAt(), line.refundedAt(), line.outstandingChange(), line.feesOwed(),
                    line.reimbursementsDue(), line.reimbursementsPayable(), line.netPosition(), view.currency());
            for (Settlement.PartnerNet partner : line.partners()) {
                csv.append(view.period()).append(',').append(line.merchantId()).append(',').append(partner.partnerId())
                        .append(",,,,,,,,,,,").append(partner.amount()).append(',').append(view.currency()).append("\r\n");
            }
        }
        return csv.toString();
    }

    private static void row(StringBuilder csv, String period, String merchantId, String partnerId, Object... rest) {
        csv.append(period).append(',').append(merchantId).append(',').append(partnerId);
        for (Object value : rest) {
            csv.append(',').append(value);
        }
        csv.append("\r\n");
    }
}
