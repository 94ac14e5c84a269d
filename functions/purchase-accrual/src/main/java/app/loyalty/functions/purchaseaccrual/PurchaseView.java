package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.earn.Adjustment;
import app.loyalty.shared.domain.earn.Earning;
import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.discount.Quote;
import app.loyalty.shared.http.QuoteViews;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/**
 * The answer of POST /v1/purchases (openapi.yaml: PurchaseRecorded), stored once on the order marker for replays.
 * {@code adjustments} and {@code metadata} are there only when the purchase had them.
 */
record PurchaseView(String orderId, String memberId, Amount total, long pointsEarned, Breakdown breakdown,
                    String status, Instant availableAt, Instant expiresAt, BalanceView balance, String promoCode,
                    Instant purchasedAt, List<AdjustmentView> adjustments, JsonNode metadata, PointsPaid pointsPayment,
                    Checkout checkout) {

    /**
     * What the discount engine applied (openapi.yaml: PurchaseRecorded.checkout), the same figures the quote of this
     * order gave; absent for a purchase without lines (no basket to discount).
     */
    record Checkout(long discount, long amountDue, long pointsSpent, long amountToPay, List<QuoteViews.LineView> lines,
                    Credits credits, List<QuoteViews.AppliedView> applied, List<QuoteViews.NotAppliedView> notApplied) {
        static Checkout of(Quote quote) {
            if (quote == null) {
                return null;
            }
            return new Checkout(quote.totalDiscount(), quote.amountDue(), quote.points().applied(), quote.amountToPay(),
                    QuoteViews.QuoteView.of("", "", quote).lines(),
                    new Credits(quote.pointsEarned(), quote.bonusPoints(), quote.birthdayPoints(), quote.cashbackPoints(),
                            quote.blindRewards().stream().mapToLong(Quote.BlindReward::points).sum()),
                    QuoteViews.applied(quote), QuoteViews.notApplied(quote));
        }
    }

    /** The points of the purchase's lot by where they come from; they add up to pointsEarned. */
    record Credits(long earned, long bonus, long birthday, long cashback, long blind) {
    }

    /** An adjustment as recorded (openapi.yaml: BasketAdjustment; the label normalized, absent when none). */
    record AdjustmentView(String kind, long amount, String label) {
        static List<AdjustmentView> of(List<Adjustment> adjustments) {
            return adjustments.isEmpty() ? null : adjustments.stream()
                    .map(a -> new AdjustmentView(a.kind().wireName(), a.amount(), a.label())).toList();
        }
    }

    /** What the points paid (absent when none did): the REDEEM entry, and the hold it captured if there was one. */
    record PointsPaid(long points, Amount value, String redemptionId, String entryId) {
        static PointsPaid of(app.loyalty.shared.store.PointsPayments.Payment payment, String currency) {
            return payment.isNone() ? null : new PointsPaid(payment.points(), new Amount(payment.value(), currency),
                    payment.redemptionId(), payment.entryId());
        }
    }

    record Rate(long points, long perAmount) {
    }

    /**
     * The response's view of the shared {@link Earning.Breakdown} (openapi.yaml: cappedBy absent when no cap; the
     * adjustment sums only for a purchase with adjustments).
     */
    record Breakdown(long eligibleAmount, long excludedAmount, long paidWithPoints, long earningAmount, Rate rate,
                     boolean minimumBasketMet, long pointsBeforeCaps, String cappedBy, Long countedAdjustments,
                     Long uncountedAdjustments) {
        static Breakdown of(Earning.Breakdown b, boolean withAdjustments) {
            String cappedBy = switch (b.cappedBy()) {
                case NONE -> null;
                case PURCHASE -> "purchase";
                case DAY -> "day";
            };
            return new Breakdown(b.eligibleAmount(), b.excludedAmount(), b.paidWithPoints(), b.earningAmount(),
                    new Rate(b.rate().points(), b.rate().perMinorUnits()), b.minimumBasketMet(), b.pointsBeforeCaps(),
                    cappedBy, withAdjustments ? b.countedAdjustments() : null,
                    withAdjustments ? b.uncountedAdjustments() : null);
        }
    }

    /** The member's points after the write, from the profile's figures (no lot is read). */
    record BalanceView(long available, long pending) {
        static BalanceView of(Balance balance) {
            return new BalanceView(balance.available(), balance.pending());
        }
    }

    record Amount(long amount, String currency) {
    }
}
