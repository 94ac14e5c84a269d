package app.loyalty.shared.store;

import app.loyalty.shared.domain.discount.card.CardKind;
import app.loyalty.shared.domain.discount.card.DiscountCard;
import app.loyalty.shared.domain.discount.card.LevelState;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.events.DomainEvent;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The discount card's level state on the PROFILE item: {@code discountCard} = {levelBp, tier, since, graceUntil?,
 * checkedOn, rev} and the current card's kind in {@code cardKind}. Purchases and returns re-evaluate it
 * ({@link DiscountCard#evaluate}) inside their own transaction; the state is written only when it changed, guarded by
 * {@code rev} so two concurrent writers never both report the same change (the loser re-runs against the new state).
 */
public final class CardLevels {
    public static final String DISCOUNT_CARD = "discountCard";
    public static final String CARD_KIND = "cardKind";

    private CardLevels() {
    }

    /** The stored state; null for a member never evaluated. */
    public static LevelState read(Map<String, AttributeValue> profile) {
        AttributeValue value = profile.get(DISCOUNT_CARD);
        if (value == null || !value.hasM()) {
            return null;
        }
        Map<String, AttributeValue> m = value.m();
        return new LevelState(Integer.parseInt(m.get("levelBp").n()), m.get("tier").s(), LocalDate.parse(m.get("since").s()),
                m.containsKey("graceUntil") ? LocalDate.parse(m.get("graceUntil").s()) : null,
                LocalDate.parse(m.get("checkedOn").s()));
    }

    public static String cardKind(Map<String, AttributeValue> profile) {
        return CardKind.orStandard(Attr.optionalString(profile, CARD_KIND).orElse(null));
    }

    /** The card as it stands at {@code now}, nothing written: what GET member and the quote show. */
    public static DiscountCard.Evaluation evaluate(Map<String, AttributeValue> profile, ProgramRules rules, Instant now) {
        return DiscountCard.evaluate(rules, read(profile), MemberStats.spendByDay(profile, now), cardKind(profile), now);
    }

    /**
     * Re-evaluates the card after this write changed the spend to {@code spendByDay}, adding the new state to the
     * profile {@code update} when it changed, and answers the TierChanged event when the level or tier changed.
     * A return always writes the state (checkedOn = today): it took spend off a past day, and a later evaluation
     * must not find that dip before today and start a grace in the past.
     */
    public static Optional<DomainEvent> reevaluate(UpdateExpression update, Map<String, AttributeValue> profile,
                                                   ProgramRules rules, Map<LocalDate, Long> spendByDay, Instant now,
                                                   DiscountCard.Reason cause, String memberId, String programId) {
        LevelState stored = read(profile);
        DiscountCard.Evaluation evaluation = DiscountCard.evaluateWrite(rules, stored, MemberStats.spendByDay(profile, now),
                spendByDay, cardKind(profile), now);
        boolean moved = stored == null || !stored.checkedOn().equals(evaluation.state().checkedOn());
        if (!evaluation.needsWrite() && !(cause == DiscountCard.Reason.RETURN && moved)) {
            return Optional.empty();
        }
        long rev = stored == null ? 0 : Long.parseLong(profile.get(DISCOUNT_CARD).m().get("rev").n());
        if (stored == null) {
            update.condition("attribute_not_exists(" + DISCOUNT_CARD + ")");
        } else {
            update.condition(DISCOUNT_CARD + ".rev = " + update.value(rev));
        }
        update.set(DISCOUNT_CARD + " = " + update.value(AttributeValue.fromM(toAttributes(evaluation.state(), rev + 1))));
        LevelState before = stored != null ? stored
                : LevelState.initial(rules.tiers().getFirst().name(), DiscountCard.dayOf(now));
        if (!evaluation.standingChangedFrom(before)) {
            return Optional.empty();
        }
        LocalDate today = DiscountCard.dayOf(now);
        DiscountCard.Reason reason = evaluation.reason(cause, today);
        Instant at = reason == DiscountCard.Reason.LAPSE ? evaluation.droppedOn().atStartOfDay(ZoneOffset.UTC).toInstant() : now;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("memberId", memberId);
        data.put("fromLevelBp", before.levelBp());
        data.put("toLevelBp", evaluation.state().levelBp());
        data.put("fromTier", before.tier());
        data.put("toTier", evaluation.state().tier());
        data.put("discountBp", evaluation.discountBp());
        data.put("windowSpend", evaluation.windowSpend());
        data.put("reason", reason.name().toLowerCase(Locale.ROOT));
        data.put("at", at.toString());
        return Optional.of(new DomainEvent(UUID.randomUUID().toString(), "TierChanged", now, programId, data));
    }

    static Map<String, AttributeValue> toAttributes(LevelState state, long rev) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("levelBp", Attr.n(state.levelBp()));
        m.put("tier", Attr.s(state.tier()));
        m.put("since", Attr.s(state.since().toString()));
        if (state.graceUntil() != null) {
            m.put("graceUntil", Attr.s(state.graceUntil().toString()));
        }
        m.put("checkedOn", Attr.s(state.checkedOn().toString()));
        m.put("rev", Attr.n(rev));
        return m;
    }
}
