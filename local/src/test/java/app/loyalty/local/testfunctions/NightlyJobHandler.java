package app.loyalty.local.testfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.Map;

/** Target of the schedules: records the inputs it is given and answers how many it has seen. */
public final class NightlyJobHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    public static final Received<Map<String, Object>> RECEIVED = new Received<>();

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        RECEIVED.add(event);
        return Map.of("ran", true);
    }
}
