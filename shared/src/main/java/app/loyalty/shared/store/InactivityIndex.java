package app.loyalty.shared.store;

import app.loyalty.shared.domain.program.ProgramRules;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The INACTIVITY expiry policy's date: under it all of a member's points burn {@code expiry.days} days after their
 * last purchase. The instant ({@code inactiveAt} on the PROFILE item) is the midnight after the day of
 * {@code lastPurchase + days} in the program's time zone, as for DAYS_AFTER_EARNING, and the profile is in the sharded date index the
 * bonus-expiry job reads (GSI2PK {@code INACTIVE#<date>#<shard>}, shard as {@link LotItems#shardOf}). Every purchase
 * moves it (one call in the purchase's profile update); the job writes the points off guarded by the value it read,
 * so a purchase committing meanwhile wins.
 */
public final class InactivityIndex {
    public static final String INACTIVE_AT = "inactiveAt";

    private InactivityIndex() {
    }

    /** Adds the moved inactivity date to a purchase's profile update; nothing unless the program's policy is INACTIVITY. */
    public static void recordPurchase(UpdateExpression profileUpdate, String memberId, ProgramRules rules, Instant now) {
        if (rules.expiry().policy() != ProgramRules.Expiry.Policy.INACTIVITY) {
            return;
        }
        Instant at = inactiveAt(rules.expiry().days(), now, rules.zone());
        profileUpdate.set(profileUpdate.name(INACTIVE_AT) + " = " + profileUpdate.value(Attr.s(at.toString())));
        profileUpdate.set(profileUpdate.name(TableSchema.GSI2_PK) + " = "
                + profileUpdate.value(Attr.s(partition(LocalDate.ofInstant(at, ZoneOffset.UTC), LotItems.shardOf(memberId)))));
        profileUpdate.set(profileUpdate.name(TableSchema.GSI2_SK) + " = " + profileUpdate.value(Attr.s(at + "#" + memberId)));
    }

    /** The first instant the points are gone after a purchase at {@code lastPurchase}, counting UTC days. */
    public static Instant inactiveAt(int days, Instant lastPurchase) {
        return inactiveAt(days, lastPurchase, ZoneOffset.UTC);
    }

    /**
     * The first instant the points are gone after a purchase at {@code lastPurchase}: the midnight (in the program's
     * {@code zone}) after the local day of lastPurchase + days. The index day is the UTC day of that instant, the
     * day the job reads when it is due.
     */
    public static Instant inactiveAt(int days, Instant lastPurchase, java.time.ZoneId zone) {
        LocalDate lastDay = LocalDate.ofInstant(lastPurchase.plus(Duration.ofDays(days)), zone);
        return lastDay.plusDays(1).atStartOfDay(zone).toInstant();
    }

    public static String partition(LocalDate day, int shard) {
        return "INACTIVE#" + day + "#" + shard;
    }
}
