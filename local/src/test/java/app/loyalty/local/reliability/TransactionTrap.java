package app.loyalty.local.reliability;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DynamoDB client that passes every call on to the real one, except that one chosen TransactWriteItems is cut:
 * either before it is sent (a crash before the write: nothing committed) or after DynamoDB committed it (the answer
 * lost on the way back, as when a Lambda times out or the connection drops after the write). Only that one call of
 * one scenario; not a general fault injector (FaultInjectionIT has that, as an SDK interceptor).
 */
final class TransactionTrap {
    /** Where the chosen call is cut. */
    enum Cut { BEFORE_COMMIT, AFTER_COMMIT }

    private final DynamoDbClient client;
    private final AtomicInteger transactions = new AtomicInteger();
    private volatile int trappedCall = -1;
    private volatile Cut cut = Cut.AFTER_COMMIT;
    private final AtomicInteger sprung = new AtomicInteger();

    TransactionTrap(DynamoDbClient real) {
        InvocationHandler pass = (proxy, method, args) -> {
            if (method.getName().equals("close")) {
                return null; // the real client is the JVM's shared one
            }
            if (method.getName().equals("transactWriteItems") && args != null && args.length == 1
                    && args[0] instanceof TransactWriteItemsRequest) {
                int call = transactions.incrementAndGet();
                if (call == trappedCall) {
                    trappedCall = -1;
                    sprung.incrementAndGet();
                    if (cut == Cut.BEFORE_COMMIT) {
                        throw SdkClientException.create("scenario: the process died before TransactWriteItems was sent");
                    }
                    invoke(method, real, args);
                    throw SdkClientException.create("scenario: TransactWriteItems committed, its answer was lost");
                }
            }
            return invoke(method, real, args);
        };
        this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[]{DynamoDbClient.class}, pass);
    }

    private static Object invoke(java.lang.reflect.Method method, DynamoDbClient real, Object[] args) throws Throwable {
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The client to give the code under test. */
    DynamoDbClient client() {
        return client;
    }

    /** Cuts the {@code n}-th TransactWriteItems from now (1: the next one). */
    void arm(int n, Cut where) {
        cut = where;
        trappedCall = transactions.get() + n;
    }

    /** TransactWriteItems calls that went through this client so far (the cut one included). */
    int transactions() {
        return transactions.get();
    }

    /** How many times the trap has cut a call. */
    int sprung() {
        return sprung.get();
    }
}
