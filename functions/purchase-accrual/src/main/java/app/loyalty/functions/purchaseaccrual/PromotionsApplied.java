package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.domain.discount.Quote;
import app.loyalty.shared.events.DomainEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PromotionApplied events of a purchase (docs/events.md): one per promotion, promo code or blind reward the engine
 * applied, with ids and amounts only. The card, staff discount, cashback and points payment are not promotions: the
 * purchase's own events (PurchaseRecorded, PointsAccrued, PointsRedeemed) carry them.
 */
final class PromotionsApplied {
    static final Set<Quote.Kind> PROMOTIONS = EnumSet.of(Quote.Kind.INSTANT_REWARD, Quote.Kind.BIRTHDAY,
            Quote.Kind.MULTIPLIER, Quote.Kind.PROMO_CODE, Quote.Kind.BLIND_REWARD);

    private PromotionsApplied() {
    }

    static List<DomainEvent> events(Quote quote, String programId, String merchantId, String memberId, String orderId,
                                    Instant now) {
        List<DomainEvent> events = new ArrayList<>();
        for (Quote.Applied applied : quote.applied()) {
            if (!PROMOTIONS.contains(applied.kind())) {
                continue;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("memberId", memberId);
            data.put("merchantId", merchantId);
            data.put("orderId", orderId);
            data.put("kind", applied.kind().name());
            data.put("promotionId", applied.id());
            data.put("amount", applied.amount());
            data.put("points", applied.points());
            data.put("currency", quote.currency());
            events.add(Answers.event("PromotionApplied", now, programId, data));
        }
        return events;
    }
}
