package app.loyalty.shared.domain.ledger;

/**
 * The part of one entry that concerns one lot: how many points the entry added to, took from, or (for
 * ACTIVATE) made available in that lot. Always positive; the entry's type and sign say in which direction.
 */
public record LotAllocation(String lotId, long points) {
    public LotAllocation {
        Checks.requireText(lotId, "lotId");
        Checks.requirePositive(points, "allocated points");
    }
}
