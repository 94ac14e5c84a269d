package app.loyalty.shared.domain.segment;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

class SegmentTest {
    static final LocalDate TODAY = LocalDate.parse("2026-12-03");

    static final MemberSnapshot GOLD = new MemberSnapshot("mbr_gold", "gold", Set.of("vip", "coffee"),
            Map.of("language", "ro", "preferredProducts", "latte"), LocalDate.parse("2026-11-20"),
            LocalDate.parse("1990-12-15"), "mch_a", 1_500, 12, 60_000);

    static Segment.Builder segment() {
        return new Segment.Builder();
    }

    @Test
    void anEmptySegmentIsTheWholeProgram() {
        assertTrue(Segment.EVERYONE.matches(GOLD, TODAY));
        assertTrue(Segment.EVERYONE.matches(new MemberSnapshot("mbr_new", null, null, null, null, null, "mch_b", 0, 0, 0), TODAY));
    }

    @Test
    void tierTagsPreferencesAndMerchant() {
        assertTrue(segment().tiers("gold", "silver").build().matches(GOLD, TODAY));
        assertFalse(segment().tiers("silver").build().matches(GOLD, TODAY));
        assertTrue(segment().tags("vip").build().matches(GOLD, TODAY));
        assertFalse(segment().tags("vip", "tea").build().matches(GOLD, TODAY), "every tag is required");
        assertTrue(segment().preferences(Map.of("language", "RO")).build().matches(GOLD, TODAY), "values compare ignoring case");
        assertFalse(segment().preferences(Map.of("language", "ru")).build().matches(GOLD, TODAY));
        assertFalse(segment().preferences(Map.of("city", "Chisinau")).build().matches(GOLD, TODAY), "a missing key does not match");
        assertTrue(segment().enrolledBy("mch_a").build().matches(GOLD, TODAY));
        assertFalse(segment().enrolledBy("mch_b").build().matches(GOLD, TODAY));
    }

    @Test
    void lastPurchaseBoundsAreStrict() {
        assertTrue(segment().lastPurchaseBefore("2026-11-21").build().matches(GOLD, TODAY));
        assertFalse(segment().lastPurchaseBefore("2026-11-20").build().matches(GOLD, TODAY), "the day itself is not before");
        assertTrue(segment().lastPurchaseAfter("2026-11-19").build().matches(GOLD, TODAY));
        assertFalse(segment().lastPurchaseAfter("2026-11-20").build().matches(GOLD, TODAY), "the day itself is not after");
        MemberSnapshot neverBought = new MemberSnapshot("mbr_n", null, null, null, null, null, "mch_a", 0, 0, 0);
        assertTrue(segment().lastPurchaseBefore("2026-11-21").build().matches(neverBought, TODAY));
        assertFalse(segment().lastPurchaseAfter("2020-01-01").build().matches(neverBought, TODAY));
    }

    @Test
    void birthdayMonthAndPointsRange() {
        assertTrue(segment().birthdayMonth(12).build().matches(GOLD, TODAY));
        assertFalse(segment().birthdayMonth(11).build().matches(GOLD, TODAY));
        assertTrue(segment().points(1_500L, 1_500L).build().matches(GOLD, TODAY), "both bounds are inclusive");
        assertFalse(segment().points(1_501L, null).build().matches(GOLD, TODAY));
        assertFalse(segment().points(null, 1_499L).build().matches(GOLD, TODAY));
    }

    @Test
    void rfmMinimumsAndMaximums() {
        // GOLD: 13 days ago -> recency 5, 12 purchases -> frequency 4, 60,000 -> monetary 4
        assertTrue(segment().minRfm(5, 4, 4).build().matches(GOLD, TODAY));
        assertFalse(segment().minRfm(null, 5, null).build().matches(GOLD, TODAY));
        assertTrue(segment().maxRfm(null, 4, null).build().matches(GOLD, TODAY));
        assertFalse(segment().maxRfm(4, null, null).build().matches(GOLD, TODAY));
    }

    @Test
    void contradictoryOrOversizedFiltersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> segment().birthdayMonth(13).build());
        assertThrows(IllegalArgumentException.class, () -> segment().points(10L, 5L).build());
        assertThrows(IllegalArgumentException.class, () -> segment().lastPurchaseBefore("2026-01-01").lastPurchaseAfter("2026-01-01").build());
        assertThrows(IllegalArgumentException.class, () -> segment().tags("has space").build());
    }

    @Test
    void birthdaysOnTheTwentyNinthOfFebruaryAreKeptOnTheTwentyEighthInOtherYears() {
        LocalDate leapling = LocalDate.parse("2000-02-29");
        assertTrue(Segment.isBirthday(leapling, LocalDate.parse("2027-02-28")));
        assertFalse(Segment.isBirthday(leapling, LocalDate.parse("2028-02-28")));
        assertTrue(Segment.isBirthday(leapling, LocalDate.parse("2028-02-29")));
        assertTrue(Segment.isBirthday(LocalDate.parse("1990-12-03"), TODAY));
        assertFalse(Segment.isBirthday(null, TODAY));
    }

    /** Narrowing a segment (one more filter) never lets in a member the wider one kept out. */
    @Test
    void addingAFilterNeverWidensTheSegment() {
        qt().withExamples(500).forAll(longs().between(0, 5_000), integers().between(1, 12), longs().between(0, 3_000),
                integers().between(0, 500)).checkAssert((points, month, minPoints, daysAgo) -> {
            MemberSnapshot member = new MemberSnapshot("mbr_p", "gold", Set.of("vip"), Map.of(), TODAY.minusDays(daysAgo),
                    LocalDate.of(1990, month, 1), "mch_a", points, 3, 1_000);
            Segment wide = segment().points(minPoints, null).build();
            Segment narrow = segment().points(minPoints, null).birthdayMonth(6).build();
            Segment narrower = segment().points(minPoints, null).birthdayMonth(6).minRfm(4, null, null).build();
            assertTrue(!narrow.matches(member, TODAY) || wide.matches(member, TODAY));
            assertTrue(!narrower.matches(member, TODAY) || narrow.matches(member, TODAY));
            assertTrue(wide.matches(member, TODAY) == (points >= minPoints));
        });
    }
}
