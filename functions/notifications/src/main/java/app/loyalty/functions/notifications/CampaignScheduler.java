package app.loyalty.functions.notifications;

import java.time.Instant;

/**
 * Starts a campaign's send at its time: on AWS a one-time EventBridge Scheduler schedule ({@link SdkCampaignScheduler});
 * in tests a recording fake. Both calls are idempotent: scheduling a name that exists, or cancelling one that is gone,
 * is not an error, so a retried create or cancel is safe.
 */
interface CampaignScheduler {
    /** A one-time schedule {@code name} that invokes the notifications function with {@code input} at {@code at}. */
    void schedule(String name, Instant at, String input);

    void cancel(String name);
}
