package app.loyalty.shared.http;

import app.loyalty.shared.domain.discount.Quote;

import java.util.List;

/**
 * The wire shape of a {@link Quote}'s parts (openapi.yaml: DiscountQuote, QuoteApplied, QuoteNotApplied), shared by
 * the quote endpoint and the purchase answer so both say the same thing the same way. Absent fields are null (left
 * out by {@link Json#MAPPER}).
 */
public final class QuoteViews {
    private QuoteViews() {
    }

    /** A basket line ({@code adjustment} absent) or a discountable adjustment: amount, discount, net. */
    public record LineView(String sku, String category, String adjustment, long amount, long discount, long net) {
        static LineView of(Quote.LineQuote line) {
            return new LineView(line.adjustment() == null ? line.sku() : null, line.category(),
                    line.adjustment() == null ? null : line.adjustment().wireName(), line.amount(), line.discount(),
                    line.net());
        }
    }

    public record PointsView(long usable, long usableValue, long requested, long applied, long appliedValue) {
        static PointsView of(Quote.Points points) {
            return new PointsView(points.usable(), points.usableValue(), points.requested(), points.applied(),
                    points.appliedValue());
        }
    }

    public record BlindRewardView(String poolId, String kind, long points, long amount, String sku) {
        static BlindRewardView of(Quote.BlindReward reward) {
            return new BlindRewardView(reward.poolId(), reward.kind().name(), reward.points(), reward.amount(), reward.sku());
        }
    }

    public record AppliedView(String kind, String id, long amount, long points, String why) {
        static AppliedView of(Quote.Applied applied) {
            return new AppliedView(applied.kind().name(), applied.id(), applied.amount(), applied.points(), applied.why());
        }
    }

    public record NotAppliedView(String kind, String id, String reason, String message) {
        static NotAppliedView of(Quote.NotApplied notApplied) {
            return new NotAppliedView(notApplied.kind().name(), notApplied.id(), notApplied.reason().name(),
                    notApplied.message());
        }
    }

    /** The answer of POST /v1/discounts/quote (openapi.yaml: DiscountQuote). */
    public record QuoteView(String orderId, String memberId, String currency, List<LineView> lines, long subtotal,
                            long discountable, long totalDiscount, long amountDue, PointsView points, long amountToPay,
                            long pointsEarned, long bonusPoints, long birthdayPoints, long cashbackPoints,
                            List<BlindRewardView> blindRewards, long pointsCredited, List<AppliedView> applied,
                            List<NotAppliedView> notApplied) {
        public static QuoteView of(String orderId, String memberId, Quote quote) {
            return new QuoteView(orderId, memberId, quote.currency(), quote.lines().stream().map(LineView::of).toList(),
                    quote.subtotal(), quote.discountable(), quote.totalDiscount(), quote.amountDue(),
                    PointsView.of(quote.points()), quote.amountToPay(), quote.pointsEarned(), quote.bonusPoints(),
                    quote.birthdayPoints(), quote.cashbackPoints(),
                    quote.blindRewards().stream().map(BlindRewardView::of).toList(), quote.pointsCredited(),
                    QuoteViews.applied(quote), QuoteViews.notApplied(quote));
        }
    }

    public static List<AppliedView> applied(Quote quote) {
        return quote.applied().stream().map(AppliedView::of).toList();
    }

    public static List<NotAppliedView> notApplied(Quote quote) {
        return quote.notApplied().stream().map(NotAppliedView::of).toList();
    }
}
