package app.loyalty.local.reliability;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * An AWS SDK v2 execution interceptor that injects DynamoDB faults into a client, by seed and rate, so handlers
 * meet them through the real SDK (its retry policy included) against DynamoDB Local. Per attempt (an SDK retry is
 * another attempt, and may draw another fault) it injects, among the kinds switched on:
 * <ul>
 *   <li>{@link Kind#THROTTLING}: ProvisionedThroughputExceededException or ThrottlingException (400, retryable),
 *       before the request is sent;</li>
 *   <li>{@link Kind#INTERNAL_ERROR}: InternalServerError (500, retryable), before the request is sent;</li>
 *   <li>{@link Kind#TRANSACTION_CONFLICT}: TransactionCanceledException with a TransactionConflict reason on one
 *       of the items (the others None), on TransactWriteItems only, before the request is sent: nothing written;</li>
 *   <li>{@link Kind#RESPONSE_LOST}, the ambiguous case: on a write (TransactWriteItems, PutItem, UpdateItem,
 *       DeleteItem, BatchWriteItem) the request IS sent and DynamoDB Local commits it, then the answer is dropped
 *       and the caller gets an SdkClientException caused by an IOException, as from a connection reset.</li>
 * </ul>
 * A 500 or lost answer drawn on a write persists, with the armed probability {@code persistence}, for every later
 * attempt of the same call, so that some calls fail past the SDK's retries and the handler itself meets the fault (and answers 500,
 * or, for a lost answer, fails after its write committed): that is the path the API's Idempotency-Key retries must
 * cover. Throttling never persists: the SDK backs off from throttling exponentially from half a second, so one call
 * throttled past all its retries costs about a minute. (The SDK does not retry a cancelled transaction at all.)
 * Operations may be given their own rate (the expiry job reads hundreds of mostly empty index pages per run; at the
 * full rate their throttling backoffs would dominate a run's time without testing anything new).
 * <p>
 * Bounded and self-stopping: it starts off, injects only between {@link #arm} and {@link #disarm}, and never more
 * than the armed budget of faults. Counts are kept by kind, with the SDK executions and attempts it saw, so
 * {@code attempts - executions} is the number of SDK retries.
 */
public final class FaultInjector implements ExecutionInterceptor {

    public enum Kind { THROTTLING, INTERNAL_ERROR, TRANSACTION_CONFLICT, RESPONSE_LOST }

    private static final Set<String> WRITES = Set.of(
            "TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem");
    private static final ExecutionAttribute<Boolean> LOSE_RESPONSE = new ExecutionAttribute<>("FaultInjector.loseResponse");
    /** The fault that persists over this call's attempts, once drawn as persistent. */
    private static final ExecutionAttribute<Kind> PERSISTENT = new ExecutionAttribute<>("FaultInjector.persistent");

    private final Random random;
    private final Map<Kind, AtomicLong> injected = new EnumMap<>(Kind.class);
    private final AtomicLong executions = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong failedExecutions = new AtomicLong();
    private final AtomicLong persistentFaults = new AtomicLong();
    private final Map<String, AtomicLong> faultsByOperation = new java.util.concurrent.ConcurrentHashMap<>();
    private Set<Kind> kinds = EnumSet.noneOf(Kind.class);
    private double rate;
    private Map<String, Double> rateByOperation = Map.of();
    private double persistence;
    private long budget;
    private boolean armed;

    public FaultInjector(long seed) {
        this.random = new Random(seed);
        for (Kind kind : Kind.values()) {
            injected.put(kind, new AtomicLong());
        }
    }

    /**
     * Starts injecting these kinds: each attempt draws a fault with probability {@code rate} (or the operation's own
     * rate in {@code rateByOperation}); a drawn fault persists over the call's later attempts with probability
     * {@code persistence}; at most {@code maxFaults} in all until armed again.
     */
    public synchronized void arm(Set<Kind> faultKinds, double faultRate, Map<String, Double> operationRates,
                                 double faultPersistence, long maxFaults) {
        if (faultRate < 0 || faultRate > 1 || faultPersistence < 0 || faultPersistence > 1 || maxFaults < 0) {
            throw new IllegalArgumentException("rate and persistence in [0, 1] and a budget >= 0, not " + faultRate
                    + ", " + faultPersistence + ", " + maxFaults);
        }
        this.kinds = faultKinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(faultKinds);
        this.rate = faultRate;
        this.rateByOperation = Map.copyOf(operationRates);
        this.persistence = faultPersistence;
        this.budget = maxFaults;
        this.armed = true;
    }

    /** The off switch: no fault from now on (calls already failed stay failed). */
    public synchronized void disarm() {
        this.armed = false;
    }

    public long injected(Kind kind) {
        return injected.get(kind).get();
    }

    public long injectedTotal() {
        return injected.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Attempts the SDK made beyond the first of each call: its own retries. */
    public long sdkRetries() {
        return attempts.get() - executions.get();
    }

    public long executions() {
        return executions.get();
    }

    /**
     * Calls that ended in an exception after the SDK's retries: an injected fault that outlasted them, or an
     * answer the application expects (a ConditionalCheckFailed, a cancelled transaction it then reads and replays).
     */
    public long failedExecutions() {
        return failedExecutions.get();
    }

    /** Faults drawn as persistent: each made one call fail on every attempt, past the SDK's retries. */
    public long persistentFaults() {
        return persistentFaults.get();
    }

    /** Faults by operation name, e.g. {"TransactWriteItems": 12, "GetItem": 3}. */
    public Map<String, Long> faultsByOperation() {
        return faultsByOperation.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(), (a, b) -> a, java.util.TreeMap::new));
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        executions.incrementAndGet();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attempts.incrementAndGet();
        attributes.putAttribute(LOSE_RESPONSE, false);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Kind persistent = attributes.getAttribute(PERSISTENT);
        Kind fault = persistent != null && takeFromBudget() ? persistent : draw(operation, context.request());
        if (fault == null) {
            return;
        }
        if (persistent == null && fault != Kind.THROTTLING && WRITES.contains(operation) && persists()) {
            attributes.putAttribute(PERSISTENT, fault);
            persistentFaults.incrementAndGet();
        }
        count(fault, operation);
        switch (fault) {
            case THROTTLING -> throw throttling(operation);
            case INTERNAL_ERROR -> throw internalError(operation);
            case TRANSACTION_CONFLICT -> throw conflict((TransactWriteItemsRequest) context.request());
            case RESPONSE_LOST -> attributes.putAttribute(LOSE_RESPONSE, true); // sent; the answer is dropped below
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (!Boolean.TRUE.equals(attributes.getAttribute(LOSE_RESPONSE))) {
            return;
        }
        attributes.putAttribute(LOSE_RESPONSE, false);
        // DynamoDB Local has answered, so the write is committed. Read the answer off the connection (so it can be
        // reused) and drop it: the caller cannot know whether its write happened.
        context.responseBody().ifPresent(FaultInjector::drain);
        throw SdkClientException.builder()
                .message("Injected fault: the connection was reset after the request was sent (response lost)")
                .cause(new IOException("Connection reset (injected after transmission)"))
                .build();
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        failedExecutions.incrementAndGet();
    }

    /** One draw per attempt; synchronized so that one seed gives one sequence of draws for one sequence of calls. */
    private synchronized Kind draw(String operation, SdkRequest request) {
        if (!armed || budget <= 0 || kinds.isEmpty()) {
            return null;
        }
        List<Kind> applicable = new ArrayList<>();
        for (Kind kind : kinds) {
            boolean applies = switch (kind) {
                case THROTTLING, INTERNAL_ERROR -> true;
                case TRANSACTION_CONFLICT -> request instanceof TransactWriteItemsRequest;
                case RESPONSE_LOST -> WRITES.contains(operation);
            };
            if (applies) {
                applicable.add(kind);
            }
        }
        if (applicable.isEmpty() || random.nextDouble() >= rateByOperation.getOrDefault(operation, rate)) {
            return null;
        }
        budget--;
        return applicable.get(random.nextInt(applicable.size()));
    }

    private synchronized boolean takeFromBudget() {
        if (!armed || budget <= 0) {
            return false;
        }
        budget--;
        return true;
    }

    private synchronized boolean persists() {
        return random.nextDouble() < persistence;
    }

    private void count(Kind kind, String operation) {
        injected.get(kind).incrementAndGet();
        faultsByOperation.computeIfAbsent(operation, o -> new AtomicLong()).incrementAndGet();
    }

    private synchronized boolean coin() {
        return random.nextBoolean();
    }

    private synchronized int pick(int bound) {
        return random.nextInt(bound);
    }

    private SdkException throttling(String operation) {
        String message = "Injected fault: the level of configured provisioned throughput for the table was exceeded ("
                + operation + ")";
        if (coin()) {
            return ProvisionedThroughputExceededException.builder().message(message).statusCode(400)
                    .awsErrorDetails(details("ProvisionedThroughputExceededException", message, 400)).build();
        }
        return DynamoDbException.builder().message("Injected fault: rate of requests exceeds the allowed throughput")
                .statusCode(400).awsErrorDetails(details("ThrottlingException", "Rate of requests exceeds the allowed throughput", 400))
                .build();
    }

    private static SdkException internalError(String operation) {
        String message = "Injected fault: internal server error (" + operation + ")";
        return InternalServerErrorException.builder().message(message).statusCode(500)
                .awsErrorDetails(details("InternalServerError", message, 500)).build();
    }

    /** As DynamoDB answers a transaction that collided with another: one reason per item, in the request's order. */
    private SdkException conflict(TransactWriteItemsRequest request) {
        int items = request.transactItems().size();
        int conflicting = pick(items);
        List<CancellationReason> reasons = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            reasons.add(i == conflicting
                    ? CancellationReason.builder().code("TransactionConflict")
                            .message("Transaction is ongoing for the item").build()
                    : CancellationReason.builder().code("None").build());
        }
        String message = "Injected fault: Transaction cancelled, please refer cancellation reasons for specific reasons "
                + reasons.stream().map(CancellationReason::code).collect(Collectors.joining(", ", "[", "]"));
        return TransactionCanceledException.builder().message(message).statusCode(400).cancellationReasons(reasons)
                .awsErrorDetails(details("TransactionCanceledException", message, 400)).build();
    }

    private static AwsErrorDetails details(String code, String message, int status) {
        return AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("DynamoDb")
                .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build()).build();
    }

    private static void drain(InputStream body) {
        try (body) {
            body.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot drain the answer the fault injector drops", e);
        }
    }
}
