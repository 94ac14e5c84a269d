package app.loyalty.local.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The Lambda context of one local invocation. The timeout is reported, not enforced. */
final class LocalContext implements Context {
    private final String functionName;
    private final String functionArn;
    private final int timeoutMs;
    private final int memoryMb;
    private final String requestId = UUID.randomUUID().toString();
    private final long startedNanos = System.nanoTime();

    LocalContext(String functionName, String functionArn, int timeoutSeconds, int memoryMb) {
        this.functionName = functionName;
        this.functionArn = functionArn;
        this.timeoutMs = timeoutSeconds * 1000;
        this.memoryMb = memoryMb;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return functionArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
        return (int) Math.max(0, timeoutMs - elapsedMs);
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryMb;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.print(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.print(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
