package app.loyalty.functions.notifications;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The schedules a test's campaigns created and deleted: name to (time, input). */
final class RecordingScheduler implements CampaignScheduler {
    record Scheduled(Instant at, String input) {
    }

    final Map<String, Scheduled> schedules = new ConcurrentHashMap<>();
    int creates;

    @Override
    public synchronized void schedule(String name, Instant at, String input) {
        creates++;
        schedules.putIfAbsent(name, new Scheduled(at, input)); // as the SDK scheduler: an existing name stands
    }

    @Override
    public void cancel(String name) {
        schedules.remove(name);
    }
}
