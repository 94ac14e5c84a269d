package app.loyalty.shared.domain.notify;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The texts every program starts with, per event and language; a program overrides any of them in its
 * notification settings (docs/notifications.md). Russian and Romanian avoid number-agreeing nouns after the
 * figure ("Баллы: 120") so one text reads right for every count.
 */
public final class DefaultTemplates {
    public static final String POINTS_ACCRUED = "PointsAccrued";
    public static final String POINTS_REDEEMED = "PointsRedeemed";
    public static final String POINTS_ACTIVATED = "PointsActivated";
    public static final String POINTS_EXPIRING_SOON = "PointsExpiringSoon";
    public static final String POINTS_EXPIRED = "PointsExpired";
    public static final String TIER_CHANGED = "TierChanged";
    /** The bonus-expiry job's downgrade warning: spend {spendNeeded} by {keepBy} to keep the discount. */
    public static final String DISCOUNT_LEVEL_FALLING = "DiscountLevelFalling";
    /** The events that produce messages (the detail-types of the template's notifications rule). */
    public static final Set<String> EVENT_TYPES = Set.of(POINTS_ACCRUED, POINTS_REDEEMED, POINTS_ACTIVATED,
            POINTS_EXPIRING_SOON, POINTS_EXPIRED, TIER_CHANGED, DISCOUNT_LEVEL_FALLING);

    private static final Map<String, Map<String, MessageTemplate>> TEMPLATES = Map.of(
            POINTS_ACCRUED, Map.of(
                    Language.ENGLISH, new MessageTemplate("You earned {points} points",
                            "You earned {points} points with your purchase. Thank you!"),
                    Language.RUSSIAN, new MessageTemplate("Начислены баллы: {points}",
                            "За покупку начислены баллы: {points}. Спасибо!"),
                    Language.ROMANIAN, new MessageTemplate("Puncte primite: {points}",
                            "Pentru cumpărătură ați primit puncte: {points}. Vă mulțumim!")),
            POINTS_REDEEMED, Map.of(
                    Language.ENGLISH, new MessageTemplate("You spent {points} points",
                            "You spent {points} points on your order."),
                    Language.RUSSIAN, new MessageTemplate("Списаны баллы: {points}",
                            "За заказ списаны баллы: {points}."),
                    Language.ROMANIAN, new MessageTemplate("Puncte folosite: {points}",
                            "Pentru comandă ați folosit puncte: {points}.")),
            POINTS_ACTIVATED, Map.of(
                    Language.ENGLISH, new MessageTemplate("{points} points are ready to spend",
                            "{points} points are now available to spend."),
                    Language.RUSSIAN, new MessageTemplate("Доступны баллы: {points}",
                            "Баллы доступны для оплаты: {points}."),
                    Language.ROMANIAN, new MessageTemplate("Puncte disponibile: {points}",
                            "Puncte disponibile pentru plată: {points}.")),
            POINTS_EXPIRING_SOON, Map.of(
                    Language.ENGLISH, new MessageTemplate("{points} points expire on {expiresOn}",
                            "{points} of your points expire on {expiresOn}. Spend them before then!"),
                    Language.RUSSIAN, new MessageTemplate("Баллы сгорят {expiresOn}",
                            "Баллы сгорят {expiresOn}: {points}. Успейте потратить!"),
                    Language.ROMANIAN, new MessageTemplate("Punctele expiră la {expiresOn}",
                            "Puncte care expiră la {expiresOn}: {points}. Folosiți-le până atunci!")),
            POINTS_EXPIRED, Map.of(
                    Language.ENGLISH, new MessageTemplate("{points} points expired",
                            "{points} of your points have expired."),
                    Language.RUSSIAN, new MessageTemplate("Баллы сгорели: {points}",
                            "Сгорели баллы: {points}."),
                    Language.ROMANIAN, new MessageTemplate("Puncte expirate: {points}",
                            "Au expirat puncte: {points}.")),
            TIER_CHANGED, Map.of(
                    Language.ENGLISH, new MessageTemplate("Your discount is now {discountPercent}%",
                            "Your card now gives {discountPercent}% off (level {tier})."),
                    Language.RUSSIAN, new MessageTemplate("Ваша скидка теперь {discountPercent}%",
                            "Ваша карта теперь даёт скидку {discountPercent}% (уровень {tier})."),
                    Language.ROMANIAN, new MessageTemplate("Reducerea dvs. este acum {discountPercent}%",
                            "Cardul dvs. oferă acum {discountPercent}% reducere (nivel {tier}).")),
            DISCOUNT_LEVEL_FALLING, Map.of(
                    Language.ENGLISH, new MessageTemplate("Keep your {discountPercent}% discount",
                            "Spend {spendNeeded} by {keepBy} to keep your {discountPercent}% discount."),
                    Language.RUSSIAN, new MessageTemplate("Сохраните скидку {discountPercent}%",
                            "Чтобы сохранить скидку {discountPercent}%, совершите покупки до {keepBy} на сумму: {spendNeeded}."),
                    Language.ROMANIAN, new MessageTemplate("Păstrați reducerea de {discountPercent}%",
                            "Pentru a păstra reducerea de {discountPercent}%, cumpărați până la {keepBy} în valoare de: {spendNeeded}.")));

    private DefaultTemplates() {
    }

    /** The shipped template of an event in a supported language. */
    public static Optional<MessageTemplate> of(String eventType, String language) {
        return Optional.ofNullable(TEMPLATES.getOrDefault(eventType, Map.of()).get(language));
    }
}
