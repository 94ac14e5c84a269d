package app.loyalty.bench.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The floor every function is judged against (DESIGN section 9): a handler that does nothing but answer its input,
 * so a cold start of it is the JVM plus the runtime interface client and nothing of ours. LambdaReport packs it into
 * a jar of its own and runs it beside the functions in the same run.
 */
public final class EchoHandler implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.transferTo(output);
    }
}
