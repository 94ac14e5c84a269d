package app.loyalty.shared.store;

import app.loyalty.shared.domain.program.Program;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Programs as a function container last read them, so a request does not read its program (rules change rarely,
 * and every request needs them). An entry is used for {@link #TTL} after it was read, then read again: a rules
 * change reaches every container within that time. Time comes from the injected clock, so tests can step past the
 * TTL. Programs that are not there are not cached (a missing program is an error, never a hot path).
 */
public final class ProgramCache {
    /** How long a container keeps using program rules it read: the most a rules change takes to apply. */
    public static final Duration TTL = Duration.ofSeconds(60);
    /** A container serves one stage's merchants; past this many programs the cache starts over rather than grow. */
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(Program program, Instant readAt) {
    }

    private final ProgramRepository programs;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public ProgramCache(ProgramRepository programs, Clock clock) {
        this.programs = programs;
        this.clock = clock;
    }

    public Optional<Program> find(String programId) {
        Instant now = clock.instant();
        Entry entry = entries.get(programId);
        if (entry != null && now.isBefore(entry.readAt().plus(TTL)) && !now.isBefore(entry.readAt())) {
            return Optional.of(entry.program());
        }
        Optional<Program> program = programs.find(programId);
        if (program.isPresent()) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(programId, new Entry(program.get(), now));
        } else {
            entries.remove(programId);
        }
        return program;
    }
}
