package app.loyalty.local.testfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;

/** Target of an EventBridgeRule function event: records the EventBridge events it is given. */
public final class ThingWatcherHandler implements RequestHandler<ScheduledEvent, Void> {
    public static final Received<ScheduledEvent> RECEIVED = new Received<>();

    @Override
    public Void handleRequest(ScheduledEvent event, Context context) {
        RECEIVED.add(event);
        return null;
    }
}
