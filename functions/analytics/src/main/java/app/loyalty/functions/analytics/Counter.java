package app.loyalty.functions.analytics;

/**
 * The additive figures an event contributes to its day, its month and the program's all-time total (docs/analytics.md
 * defines each). They are attribute names of the aggregate items, changed only by {@code ADD}, so the order events
 * arrive in never changes a sum.
 */
public enum Counter {
    /** MemberEnrolled: members enrolled. */
    ENROLLED("enrolled"),
    /** PurchaseRecorded: recorded orders. */
    PURCHASES("purchases"),
    /** PurchaseRecorded.amount: order totals in minor units (points-paid part included). */
    REVENUE("revenue"),
    /** PurchaseRecorded.discount: what the discount engine took off at checkout (card, promotions, codes). */
    CHECKOUT_DISCOUNT("checkoutDiscount"),
    /** PointsAccrued.points. */
    POINTS_ISSUED("pointsIssued"),
    /** PointsRedeemed.points. */
    POINTS_REDEEMED("pointsRedeemed"),
    /** PointsRedeemed.value: money the redeemed points paid, at the program's point value. */
    REDEEMED_VALUE("redeemedValue"),
    /** PointsExpired.points. */
    POINTS_EXPIRED("pointsExpired"),
    /** PointsReversed.points: taken back by returns. */
    POINTS_REVERSED("pointsReversed"),
    /** PromotionApplied.amount: the promotions' share of the checkout discount (informative, not added to costs). */
    PROMOTION_DISCOUNT("promotionDiscount"),
    /** PromotionApplied.points: bonus points promotions credited (already inside pointsIssued). */
    PROMOTION_POINTS("promotionPoints"),
    /** PurchaseReturned: returns recorded. */
    RETURNS("returns"),
    /** PurchaseReturned.amount: money returned, minor units (netted off revenue). */
    RETURNED_AMOUNT("returnedAmount"),
    /** PurchaseReturned.pointsRestored: points returns of points-paid orders gave back (ADJUST, reason return-refund). */
    POINTS_RESTORED("pointsRestored"),
    /** PointsAdjusted with positive points: points the operator gave. */
    POINTS_ADJUSTED_IN("pointsAdjustedIn"),
    /** PointsAdjusted with negative points, as a positive number: points the operator took. */
    POINTS_ADJUSTED_OUT("pointsAdjustedOut");

    private final String attribute;

    Counter(String attribute) {
        this.attribute = attribute;
    }

    public String attribute() {
        return attribute;
    }
}
