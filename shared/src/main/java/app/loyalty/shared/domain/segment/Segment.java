package app.loyalty.shared.domain.segment;

import java.time.LocalDate;
import java.time.MonthDay;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which members of a program a campaign is for. Every filter is optional; a member matches when it passes all the
 * filters that are set (an empty segment is the whole program). Within a filter:
 * <ul>
 *   <li>{@code tiers}, {@code enrolledBy}: the member's tier / enrolling merchant is one of them;</li>
 *   <li>{@code tags}: the member has every one of them;</li>
 *   <li>{@code preferences}: each key has exactly that value (case ignored), e.g. {@code {"language": "ro"}};</li>
 *   <li>{@code lastPurchaseBefore} / {@code lastPurchaseAfter}: the last purchase day is strictly before / after the
 *       date (a member who never bought matches "before" and never "after": they did not buy after it);</li>
 *   <li>{@code birthdayMonth}: 1-12, the month of the birth date (members without one never match);</li>
 *   <li>{@code minPoints} / {@code maxPoints}: available points within the bounds, both inclusive;</li>
 *   <li>{@code minRfm}: each score set is a minimum ({@link Rfm}); {@code maxRfm}: each a maximum.</li>
 * </ul>
 */
public record Segment(Set<String> tiers, Set<String> tags, Map<String, String> preferences, LocalDate lastPurchaseBefore,
                      LocalDate lastPurchaseAfter, Integer birthdayMonth, Set<String> enrolledBy, Long minPoints,
                      Long maxPoints, RfmBound minRfm, RfmBound maxRfm) {
    public static final int MAX_VALUES = 50;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern PREFERENCE_KEY = Pattern.compile("[a-z][A-Za-z0-9]{0,31}");

    /** Scores 1-5 per dimension; a dimension left null is not constrained. */
    public record RfmBound(Integer recency, Integer frequency, Integer monetary) {
        public RfmBound {
            if (recency != null) {
                Rfm.requireScore("rfm.recency", recency);
            }
            if (frequency != null) {
                Rfm.requireScore("rfm.frequency", frequency);
            }
            if (monetary != null) {
                Rfm.requireScore("rfm.monetary", monetary);
            }
        }
    }

    public static final Segment EVERYONE = new Segment(null, null, null, null, null, null, null, null, null, null, null);

    public Segment {
        tiers = tokens("tiers", tiers);
        tags = tokens("tags", tags);
        enrolledBy = tokens("enrolledBy", enrolledBy);
        preferences = preferences == null ? Map.of() : Map.copyOf(preferences);
        if (preferences.size() > 20) {
            throw new IllegalArgumentException("segment.preferences holds at most 20 entries");
        }
        preferences.forEach((key, value) -> {
            if (!PREFERENCE_KEY.matcher(key).matches() || value == null || value.isBlank() || value.length() > 100) {
                throw new IllegalArgumentException("segment.preferences: keys are camelCase identifiers, values 1-100 characters");
            }
        });
        if (lastPurchaseBefore != null && lastPurchaseAfter != null && !lastPurchaseAfter.isBefore(lastPurchaseBefore.minusDays(1))) {
            throw new IllegalArgumentException("segment.lastPurchaseAfter must leave at least one day before lastPurchaseBefore");
        }
        if (birthdayMonth != null && (birthdayMonth < 1 || birthdayMonth > 12)) {
            throw new IllegalArgumentException("segment.birthdayMonth must be 1..12");
        }
        if (minPoints != null && minPoints < 0 || maxPoints != null && maxPoints < 0) {
            throw new IllegalArgumentException("segment.minPoints and maxPoints must not be negative");
        }
        if (minPoints != null && maxPoints != null && minPoints > maxPoints) {
            throw new IllegalArgumentException("segment.minPoints must not exceed maxPoints");
        }
    }

    private static Set<String> tokens(String field, Set<String> values) {
        if (values == null) {
            return Set.of();
        }
        if (values.size() > MAX_VALUES) {
            throw new IllegalArgumentException("segment." + field + " holds at most " + MAX_VALUES + " values");
        }
        for (String value : values) {
            if (value == null || !TOKEN.matcher(value).matches()) {
                throw new IllegalArgumentException("segment." + field + " values are 1-64 characters of letters, digits, _ . : -");
            }
        }
        return Set.copyOf(values);
    }

    /** Whether the member is in the segment on {@code today} (the program's local date: recency counts from it). */
    public boolean matches(MemberSnapshot member, LocalDate today) {
        if (!tiers.isEmpty() && (member.tier() == null || !tiers.contains(member.tier()))) {
            return false;
        }
        if (!member.tags().containsAll(tags)) {
            return false;
        }
        for (Map.Entry<String, String> wanted : preferences.entrySet()) {
            String value = member.preferences().get(wanted.getKey());
            if (value == null || !value.equalsIgnoreCase(wanted.getValue())) {
                return false;
            }
        }
        LocalDate last = member.lastPurchaseDay();
        if (lastPurchaseBefore != null && last != null && !last.isBefore(lastPurchaseBefore)) {
            return false;
        }
        if (lastPurchaseAfter != null && (last == null || !last.isAfter(lastPurchaseAfter))) {
            return false;
        }
        if (birthdayMonth != null && (member.birthDate() == null || member.birthDate().getMonthValue() != birthdayMonth)) {
            return false;
        }
        if (!enrolledBy.isEmpty() && !enrolledBy.contains(member.enrolledBy())) {
            return false;
        }
        if (minPoints != null && member.availablePoints() < minPoints || maxPoints != null && member.availablePoints() > maxPoints) {
            return false;
        }
        if (minRfm != null || maxRfm != null) {
            Rfm rfm = Rfm.of(member, today);
            return within(minRfm, rfm, true) && within(maxRfm, rfm, false);
        }
        return true;
    }

    private static boolean within(RfmBound bound, Rfm rfm, boolean minimum) {
        if (bound == null) {
            return true;
        }
        return passes(bound.recency(), rfm.recency(), minimum) && passes(bound.frequency(), rfm.frequency(), minimum)
                && passes(bound.monetary(), rfm.monetary(), minimum);
    }

    private static boolean passes(Integer bound, int score, boolean minimum) {
        return bound == null || (minimum ? score >= bound : score <= bound);
    }

    /** Whether {@code day} is the member's birthday; 29 February is celebrated on 28 February in other years. */
    public static boolean isBirthday(LocalDate birthDate, LocalDate day) {
        if (birthDate == null) {
            return false;
        }
        MonthDay birthday = MonthDay.from(birthDate);
        if (birthday.equals(MonthDay.of(2, 29)) && !day.isLeapYear()) {
            return day.getMonthValue() == 2 && day.getDayOfMonth() == 28;
        }
        return MonthDay.from(day).equals(birthday);
    }

    /** Builds a segment filter by filter (tests, the daily campaigns); unset filters stay open. */
    public static final class Builder {
        private Set<String> tiers;
        private Set<String> tags;
        private Map<String, String> preferences;
        private LocalDate lastPurchaseBefore;
        private LocalDate lastPurchaseAfter;
        private Integer birthdayMonth;
        private Set<String> enrolledBy;
        private Long minPoints;
        private Long maxPoints;
        private RfmBound minRfm;
        private RfmBound maxRfm;

        public Builder tiers(String... values) {
            tiers = Set.of(values);
            return this;
        }

        public Builder tags(String... values) {
            tags = Set.of(values);
            return this;
        }

        public Builder preferences(Map<String, String> values) {
            preferences = values;
            return this;
        }

        public Builder lastPurchaseBefore(String day) {
            lastPurchaseBefore = LocalDate.parse(day);
            return this;
        }

        public Builder lastPurchaseAfter(String day) {
            lastPurchaseAfter = LocalDate.parse(day);
            return this;
        }

        public Builder birthdayMonth(int month) {
            birthdayMonth = month;
            return this;
        }

        public Builder enrolledBy(String... merchantIds) {
            enrolledBy = Set.of(merchantIds);
            return this;
        }

        public Builder points(Long min, Long max) {
            minPoints = min;
            maxPoints = max;
            return this;
        }

        public Builder minRfm(Integer recency, Integer frequency, Integer monetary) {
            minRfm = new RfmBound(recency, frequency, monetary);
            return this;
        }

        public Builder maxRfm(Integer recency, Integer frequency, Integer monetary) {
            maxRfm = new RfmBound(recency, frequency, monetary);
            return this;
        }

        public Segment build() {
            return new Segment(tiers, tags, preferences, lastPurchaseBefore, lastPurchaseAfter, birthdayMonth, enrolledBy,
                    minPoints, maxPoints, minRfm, maxRfm);
        }
    }
}
