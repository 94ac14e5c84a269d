package app.loyalty.shared.domain.ledger;

import java.time.Duration;
import java.time.Instant;

/** Readable test lots: {@code lot("a").points(100).expiresIn(days(3)).build()}. Defaults: available, never expires. */
final class LotBuilder {
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    static final String MEMBER = "mbr_1";
    static final String PROGRAM = "prg_1";
    static final String MERCHANT = "mch_1";

    private final String lotId;
    private long amount = 100;
    private Long remaining;
    private Instant earnedAt = T0.minus(days(10));
    private Instant availableAt;
    private Instant expiresAt;
    private String merchant = MERCHANT;
    private String orderId;

    private LotBuilder(String lotId) {
        this.lotId = lotId;
    }

    static LotBuilder lot(String lotId) {
        return new LotBuilder(lotId);
    }

    static Duration days(long days) {
        return Duration.ofDays(days);
    }

    LotBuilder points(long points) {
        this.amount = points;
        return this;
    }

    LotBuilder remaining(long points) {
        this.remaining = points;
        return this;
    }

    LotBuilder earnedAt(Instant instant) {
        this.earnedAt = instant;
        return this;
    }

    LotBuilder availableAt(Instant instant) {
        this.availableAt = instant;
        return this;
    }

    LotBuilder expiresAt(Instant instant) {
        this.expiresAt = instant;
        return this;
    }

    LotBuilder merchant(String merchantId) {
        this.merchant = merchantId;
        return this;
    }

    LotBuilder order(String orderId) {
        this.orderId = orderId;
        return this;
    }

    PointsLot build() {
        return new PointsLot(lotId, MEMBER, amount, remaining == null ? amount : remaining, earnedAt,
                availableAt == null ? earnedAt : availableAt, expiresAt, merchant, orderId);
    }

    static EntryMeta meta(String entryId, Instant at) {
        return new EntryMeta(entryId, at, Actor.merchant(MERCHANT), "test");
    }

    static MemberLedger ledgerOf(LotBuilder... lots) {
        return new MemberLedger(MEMBER, PROGRAM, java.util.Arrays.stream(lots).map(LotBuilder::build).toList());
    }
}
