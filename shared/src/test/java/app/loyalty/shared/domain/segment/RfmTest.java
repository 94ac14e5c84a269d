package app.loyalty.shared.domain.segment;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

class RfmTest {
    static final LocalDate TODAY = LocalDate.parse("2026-12-03");

    static MemberSnapshot member(LocalDate lastPurchase, long purchases, long spend) {
        return new MemberSnapshot("mbr_x", null, Set.of(), Map.of(), lastPurchase, null, "mch_a", 0, purchases, spend);
    }

    @Test
    void recencyBoundariesAreInclusiveDaysSinceTheLastPurchase() {
        assertEquals(5, Rfm.recency(TODAY, TODAY));
        assertEquals(5, Rfm.recency(TODAY.minusDays(30), TODAY));
        assertEquals(4, Rfm.recency(TODAY.minusDays(31), TODAY));
        assertEquals(4, Rfm.recency(TODAY.minusDays(90), TODAY));
        assertEquals(3, Rfm.recency(TODAY.minusDays(180), TODAY));
        assertEquals(2, Rfm.recency(TODAY.minusDays(365), TODAY));
        assertEquals(1, Rfm.recency(TODAY.minusDays(366), TODAY));
        assertEquals(1, Rfm.recency(null, TODAY), "never bought is the weakest recency");
        assertEquals(5, Rfm.recency(TODAY.plusDays(2), TODAY), "a purchase dated ahead counts as today");
    }

    @Test
    void frequencyAndMonetaryThresholdsAreMinimums() {
        assertEquals(new Rfm(1, 1, 1), Rfm.of(member(null, 0, 0), TODAY));
        assertEquals(new Rfm(5, 2, 2), Rfm.of(member(TODAY, 2, 5_000), TODAY));
        assertEquals(new Rfm(5, 1, 1), Rfm.of(member(TODAY, 1, 4_999), TODAY));
        assertEquals(new Rfm(5, 3, 3), Rfm.of(member(TODAY, 5, 20_000), TODAY));
        assertEquals(new Rfm(5, 4, 4), Rfm.of(member(TODAY, 10, 50_000), TODAY));
        assertEquals(new Rfm(5, 5, 5), Rfm.of(member(TODAY, 20, 100_000), TODAY));
        assertEquals(new Rfm(5, 4, 4), Rfm.of(member(TODAY, 19, 99_999), TODAY));
    }

    @Test
    void scoresOutsideOneToFiveAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Rfm(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Segment.RfmBound(null, 6, null));
    }

    @Test
    void moreOfAFigureNeverLowersItsScore() {
        qt().withExamples(500).forAll(longs().between(0, 1_000_000), longs().between(0, 1_000_000), integers().between(0, 800),
                integers().between(0, 800)).checkAssert((spendA, spendB, daysA, daysB) -> {
            Rfm lessSpend = Rfm.of(member(TODAY.minusDays(Math.max(daysA, daysB)), Math.min(spendA, spendB), Math.min(spendA, spendB)), TODAY);
            Rfm moreSpend = Rfm.of(member(TODAY.minusDays(Math.min(daysA, daysB)), Math.max(spendA, spendB), Math.max(spendA, spendB)), TODAY);
            assertTrue(moreSpend.monetary() >= lessSpend.monetary());
            assertTrue(moreSpend.frequency() >= lessSpend.frequency());
            assertTrue(moreSpend.recency() >= lessSpend.recency(), "a more recent purchase never scores lower");
        });
    }
}
