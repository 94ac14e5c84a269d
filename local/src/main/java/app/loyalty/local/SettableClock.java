package app.loyalty.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The runtime's clock, shared by every handler, the schedules and the event envelopes. It runs with the
 * system clock plus an offset, so time keeps flowing after it is set or advanced (a developer jumps 30 days
 * ahead to watch points expire, and requests made afterwards still get distinct, increasing timestamps).
 */
public final class SettableClock extends Clock {
    private final Clock system;
    private final AtomicReference<Duration> offset;
    private final ZoneId zone;

    public SettableClock(Clock system) {
        this(system, new AtomicReference<>(Duration.ZERO), ZoneOffset.UTC);
    }

    private SettableClock(Clock system, AtomicReference<Duration> offset, ZoneId zone) {
        this.system = system;
        this.offset = offset;
        this.zone = zone;
    }

    @Override
    public Instant instant() {
        return system.instant().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view in another zone that shares this clock's offset, as {@link Clock#withZone} requires. */
    @Override
    public Clock withZone(ZoneId newZone) {
        return new SettableClock(system, offset, newZone);
    }

    public Instant set(Instant now) {
        offset.set(Duration.between(system.instant(), now));
        return instant();
    }

    public Instant advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("The clock only moves forward with advance; use set to go back");
        }
        offset.accumulateAndGet(amount, Duration::plus);
        return instant();
    }
}
