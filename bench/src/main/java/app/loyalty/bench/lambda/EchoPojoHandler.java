package app.loyalty.bench.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.Map;

/**
 * The echo as a typed handler: the runtime interface client then deserializes the event and serializes the answer
 * with its own Jackson copy, the cost any {@code RequestHandler<Event, ...>} pays on top of {@link EchoHandler}.
 */
public final class EchoPojoHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return input;
    }
}
