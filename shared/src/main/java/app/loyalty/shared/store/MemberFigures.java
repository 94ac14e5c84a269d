package app.loyalty.shared.store;

import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLimits;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The member's {@link PointsFigures} on the PROFILE item: {@code pointsTotal}, {@code pointsExpired},
 * {@code pendingUntil.<availableAt>} and {@code expiringAt.<expiresAt>} (map keys are ISO instants). Every write that
 * changes a lot changes them in the same transaction, so a member's balance is one GetItem of the profile, whatever
 * the member's history. Deltas are atomic (ADD, {@code if_not_exists(x, 0) + n}), so concurrent purchases of one
 * member never overwrite each other; the balance cap is a condition on the stored total, not on what was read.
 * Passed entries are tidied by later writes: a passed pending instant is removed (it no longer means anything); a
 * passed expiry entry is folded into {@code pointsExpired}, guarded by its value as read so a concurrent change to it
 * makes this write re-run instead of losing points.
 */
public final class MemberFigures {
    public static final String TOTAL = "pointsTotal";
    public static final String EXPIRED = "pointsExpired";
    public static final String PENDING = "pendingUntil";
    public static final String EXPIRING = "expiringAt";
    /** Passed entries tidied per write; a write never grows by more than this, the rest go with the next writes. */
    private static final int MAX_TIDIED_PER_WRITE = 16;

    private MemberFigures() {
    }

    /** The attributes a new profile starts with (nested map paths need the maps to exist). */
    public static Map<String, AttributeValue> initial() {
        return Map.of(TOTAL, Attr.n(0), EXPIRED, Attr.n(0),
                PENDING, AttributeValue.fromM(Map.of()), EXPIRING, AttributeValue.fromM(Map.of()));
    }

    /** The attributes of figures as a whole (seeding a profile whose lots are written directly). */
    public static Map<String, AttributeValue> toAttributes(PointsFigures figures) {
        return Map.of(TOTAL, Attr.n(figures.total()), EXPIRED, Attr.n(figures.expired()),
                PENDING, toMap(figures.pendingUntil()), EXPIRING, toMap(figures.expiringAt()));
    }

    public static PointsFigures read(Map<String, AttributeValue> profile) {
        return new PointsFigures(Attr.optionalNumber(profile, TOTAL).orElse(0L),
                Attr.optionalNumber(profile, EXPIRED).orElse(0L), readMap(profile, PENDING), readMap(profile, EXPIRING));
    }

    /**
     * Adds {@code change} (made at {@code now}) to the profile update, with the tidying of passed entries, and
     * answers the figures the profile holds once the write commits. A change that adds points also guards the
     * balance cap: the stored total must leave room for them, whatever other writes did since the read.
     */
    public static PointsFigures apply(UpdateExpression update, Map<String, AttributeValue> profile,
                                      PointsFigures.Change change, Instant now) {
        PointsFigures read = read(profile);
        if (change.total() != 0) {
            update.add(TOTAL + " " + update.value(change.total()));
        }
        if (change.total() > 0) {
            update.condition("(attribute_not_exists(" + TOTAL + ") OR " + TOTAL + " <= "
                    + update.value(PointsLimits.MAX_BALANCE - change.total()) + ")");
        }
        applyPending(update, profile, read, change, now);
        long expiredDelta = applyExpiring(update, profile, read, change, now);
        if (expiredDelta != 0) {
            update.add(EXPIRED + " " + update.value(expiredDelta));
        }
        return read.plus(change);
    }

    private static void applyPending(UpdateExpression update, Map<String, AttributeValue> profile, PointsFigures read,
                                     PointsFigures.Change change, Instant now) {
        if (!hasMap(profile, PENDING)) {
            // A profile from before the figures: create the map, unless a concurrent write did (then this re-runs).
            Map<Instant, Long> fresh = new TreeMap<>();
            change.pendingUntil().forEach((at, points) -> { if (at.isAfter(now)) fresh.put(at, points); });
            update.set(PENDING + " = " + update.value(toMap(fresh)));
            update.condition("attribute_not_exists(" + PENDING + ")");
            return;
        }
        change.pendingUntil().forEach((at, points) -> {
            String path = PENDING + "." + update.name(at.toString());
            update.set(path + " = if_not_exists(" + path + ", " + update.value(0) + ") + " + update.value(points));
        });
        int tidied = 0;
        for (Instant passed : read.pendingUntil().headMap(now, true).keySet()) {
            if (tidied++ == MAX_TIDIED_PER_WRITE) {
                break;
            }
            update.remove(PENDING + "." + update.name(passed.toString()));
        }
    }

    /** Adds the expiring clauses; answers what moves into {@code pointsExpired}. */
    private static long applyExpiring(UpdateExpression update, Map<String, AttributeValue> profile, PointsFigures read,
                                      PointsFigures.Change change, Instant now) {
        long expiredDelta = 0;
        if (!hasMap(profile, EXPIRING)) {
            Map<Instant, Long> fresh = new TreeMap<>();
            for (Map.Entry<Instant, Long> e : change.expiringAt().entrySet()) {
                if (e.getKey().isAfter(now)) {
                    fresh.put(e.getKey(), e.getValue());
                } else {
                    expiredDelta = Math.addExact(expiredDelta, e.getValue());
                }
            }
            update.set(EXPIRING + " = " + update.value(toMap(fresh)));
            update.condition("attribute_not_exists(" + EXPIRING + ")");
            return expiredDelta;
        }
        Map<Instant, Long> folding = new TreeMap<>();
        int tidied = 0;
        for (Map.Entry<Instant, Long> passed : read.expiringAt().headMap(now, true).entrySet()) {
            if (tidied >= MAX_TIDIED_PER_WRITE && !change.expiringAt().containsKey(passed.getKey())) {
                continue;
            }
            tidied++;
            folding.put(passed.getKey(), passed.getValue());
        }
        for (Map.Entry<Instant, Long> e : change.expiringAt().entrySet()) {
            Instant at = e.getKey();
            if (folding.containsKey(at)) {
                folding.merge(at, e.getValue(), Math::addExact);
            } else if (at.isAfter(now)) {
                String path = EXPIRING + "." + update.name(at.toString());
                update.set(path + " = if_not_exists(" + path + ", " + update.value(0) + ") + " + update.value(e.getValue()));
            } else {
                expiredDelta = Math.addExact(expiredDelta, e.getValue()); // its entry was folded already
            }
        }
        for (Map.Entry<Instant, Long> fold : folding.entrySet()) {
            String path = EXPIRING + "." + update.name(fold.getKey().toString());
            update.remove(path);
            update.condition(path + " = " + update.value(read.expiringAt().get(fold.getKey())));
            expiredDelta = Math.addExact(expiredDelta, fold.getValue());
        }
        return expiredDelta;
    }

    private static TreeMap<Instant, Long> readMap(Map<String, AttributeValue> profile, String name) {
        TreeMap<Instant, Long> map = new TreeMap<>();
        if (hasMap(profile, name)) {
            profile.get(name).m().forEach((at, points) -> map.put(Instant.parse(at), Long.parseLong(points.n())));
        }
        return map;
    }

    private static AttributeValue toMap(Map<Instant, Long> entries) {
        Map<String, AttributeValue> m = new HashMap<>();
        entries.forEach((at, points) -> m.put(at.toString(), Attr.n(points)));
        return AttributeValue.fromM(m);
    }

    private static boolean hasMap(Map<String, AttributeValue> profile, String name) {
        AttributeValue value = profile.get(name);
        return value != null && value.hasM();
    }
}
