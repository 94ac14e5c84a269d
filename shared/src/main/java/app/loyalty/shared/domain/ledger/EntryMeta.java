package app.loyalty.shared.domain.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * What every entry an operation writes carries besides its points: its id, when, who and why. The caller picks
 * the entry id (derived from the request's idempotency key or order, so a retry produces the same id) and the
 * instant (from its injected Clock): the ledger itself never reads a clock or makes up ids.
 */
public record EntryMeta(String entryId, Instant at, Actor actor, String reason) {
    public EntryMeta {
        Checks.requireText(entryId, "entryId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Checks.requireText(reason, "reason");
    }
}
