package app.loyalty.shared.domain.discount.card;

import java.time.LocalDate;
import java.util.Objects;

/**
 * The level a member holds, as stored on the profile: the cumulative discount in basis points, the tier's name,
 * the day it was reached, the day the grace ends (null when the window supports what is held) and the last day
 * the evaluation was written ({@code checkedOn}: days before it were already judged, so a later evaluation looks
 * for a shortfall only from there on).
 */
public record LevelState(int levelBp, String tier, LocalDate since, LocalDate graceUntil, LocalDate checkedOn) {
    public LevelState {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(checkedOn, "checkedOn");
        if (levelBp < 0 || levelBp > 10_000) {
            throw new IllegalArgumentException("levelBp must be 0..10000");
        }
    }

    /** A member never evaluated: the entry level (0 bp) and the entry tier, since enrolment. */
    public static LevelState initial(String entryTier, LocalDate since) {
        return new LevelState(0, entryTier, since, null, since);
    }

    public boolean inGrace() {
        return graceUntil != null;
    }

    /** Same level, tier and grace: what the member sees and events report (checkedOn is bookkeeping). */
    public boolean sameStanding(LevelState other) {
        return levelBp == other.levelBp && tier.equals(other.tier) && Objects.equals(graceUntil, other.graceUntil)
                && since.equals(other.since);
    }
}
