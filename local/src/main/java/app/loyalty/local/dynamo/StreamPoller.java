package app.loyalty.local.dynamo;

import app.loyalty.local.lambda.FunctionError;
import app.loyalty.local.lambda.LocalFunction;
import app.loyalty.local.template.Template;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.event.ruler.Machine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A DynamoDB stream event source mapping: polls the table's stream (every {@value #BUSY_POLL_MILLIS} ms while records
 * flow, backing off to {@value #IDLE_POLL_MILLIS} ms when idle, so an idle runtime costs little CPU), turns records
 * into a DynamodbEvent, keeps those matching the mapping's FilterCriteria (Lambda's filter syntax is Event
 * Ruler's, so Event Ruler evaluates it), and invokes the function in batches of BatchSize, in stream order.
 * <p>
 * Failures follow the template's settings: with ReportBatchItemFailures the batch is retried from the first
 * reported item; otherwise the whole batch, bisected when BisectBatchOnFunctionError is set; at most
 * MaximumRetryAttempts retries (unlimited on AWS when unset; {@value #LOCAL_RETRY_CAP} locally, so a broken
 * function cannot stall the stream forever). A batch given up is logged; OnFailure destinations are not
 * emulated. MaximumBatchingWindowInSeconds is not waited for: each poll's records go at once.
 */
public final class StreamPoller implements AutoCloseable {
    static final long BUSY_POLL_MILLIS = 50;
    static final long IDLE_POLL_MILLIS = 500;
    static final int LOCAL_RETRY_CAP = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final Template.StreamSource source;
    private final LocalFunction function;
    private final String region;
    private final Machine filter;
    private final StreamCheckpoint checkpoint;
    /** Open shards and their next iterator, in discovery order (parents before children). */
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Map<String, String> lastSequence = new LinkedHashMap<>();
    private final Set<String> finishedShards = new HashSet<>();
    private final Set<String> knownShards = new HashSet<>();
    private final ScheduledExecutorService poller;
    private boolean started;
    private volatile boolean closing;
    private long delayMillis = BUSY_POLL_MILLIS;

    public StreamPoller(DynamoDbStreamsClient streams, String streamArn, Template.StreamSource source,
                        LocalFunction function, String region, StreamCheckpoint checkpoint) {
        this.streams = streams;
        this.checkpoint = checkpoint;
        this.streamArn = streamArn;
        this.source = source;
        this.function = function;
        this.region = region;
        this.filter = filter(source);
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "local-stream-" + source.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Takes the starting position now, so records written after start() returns are never missed: after the
     * saved checkpoint in the shards it has one for, else the mapping's StartingPosition.
     */
    public void start() {
        lastSequence.putAll(checkpoint.load(streamArn));
        discoverShards();
        started = true;
        poller.schedule(this::pollSafely, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void pollSafely() {
        try {
            boolean found = poll();
            delayMillis = found ? BUSY_POLL_MILLIS : Math.min(IDLE_POLL_MILLIS, delayMillis * 2);
        } catch (RuntimeException e) {
            if (closing) {
                return; // the runtime is stopping: an aborted call is expected, not a fault
            }
            // The poller must survive a bad poll (DynamoDB Local restarting, a record it cannot convert): report it.
            System.err.println("[stream " + source.name() + "] poll failed");
            e.printStackTrace(System.err);
            delayMillis = IDLE_POLL_MILLIS;
        }
        try {
            poller.schedule(this::pollSafely, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Expected only when close() shut the executor down between this poll and the next.
            if (!closing) {
                throw e;
            }
        }
    }

    /** Whether any records came. */
    private boolean poll() {
        boolean found = false;
        if (iterators.isEmpty()) {
            discoverShards();
        }
        for (String shardId : List.copyOf(iterators.keySet())) {
            GetRecordsResponse response;
            try {
                response = streams.getRecords(r -> r.shardIterator(iterators.get(shardId)).limit(1000));
            } catch (ExpiredIteratorException e) {
                iterators.put(shardId, resumeIterator(shardId));
                continue;
            } catch (TrimmedDataAccessException e) {
                iterators.put(shardId, iterator(shardId, ShardIteratorType.TRIM_HORIZON, null));
                continue;
            }
            if (!response.records().isEmpty()) {
                found = true;
                process(response.records());
                lastSequence.put(shardId, response.records().getLast().dynamodb().sequenceNumber());
                checkpoint.save(streamArn, lastSequence);
            }
            if (response.nextShardIterator() == null) {
                iterators.remove(shardId); // closed: its children appear on the next discovery
                finishedShards.add(shardId);
                discoverShards();
            } else {
                iterators.put(shardId, response.nextShardIterator());
            }
        }
        return found;
    }

    /** New shards whose parent is done (or unknown to us) start reading; the first ones at StartingPosition. */
    private void discoverShards() {
        StreamDescription description = streams.describeStream(DescribeStreamRequest.builder().streamArn(streamArn).build())
                .streamDescription();
        List<Shard> shards = new ArrayList<>(description.shards());
        String lastEvaluated = description.lastEvaluatedShardId();
        while (lastEvaluated != null) {
            String exclusiveStart = lastEvaluated;
            StreamDescription page = streams.describeStream(r -> r.streamArn(streamArn).exclusiveStartShardId(exclusiveStart))
                    .streamDescription();
            shards.addAll(page.shards());
            lastEvaluated = page.lastEvaluatedShardId();
        }
        for (Shard shard : shards) {
            String parent = shard.parentShardId();
            boolean parentPending = parent != null && knownShards.contains(parent) && !finishedShards.contains(parent);
            if (knownShards.contains(shard.shardId()) || parentPending) {
                continue;
            }
            knownShards.add(shard.shardId());
            if (lastSequence.containsKey(shard.shardId())) {
                iterators.put(shard.shardId(), resumeIterator(shard.shardId()));
                continue;
            }
            ShardIteratorType type = started ? ShardIteratorType.TRIM_HORIZON
                    : ShardIteratorType.fromValue(source.startingPosition());
            iterators.put(shard.shardId(), iterator(shard.shardId(), type, null));
        }
    }

    private String resumeIterator(String shardId) {
        String sequence = lastSequence.get(shardId);
        if (sequence == null) {
            return iterator(shardId, ShardIteratorType.TRIM_HORIZON, null);
        }
        try {
            return iterator(shardId, ShardIteratorType.AFTER_SEQUENCE_NUMBER, sequence);
        } catch (TrimmedDataAccessException e) {
            // The stream no longer holds that record (kept 24 h): everything after it still there is next.
            return iterator(shardId, ShardIteratorType.TRIM_HORIZON, null);
        }
    }

    private String iterator(String shardId, ShardIteratorType type, String sequenceNumber) {
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder()
                .streamArn(streamArn).shardId(shardId).shardIteratorType(type);
        if (sequenceNumber != null) {
            request.sequenceNumber(sequenceNumber);
        }
        return streams.getShardIterator(request.build()).shardIterator();
    }

    private void process(List<Record> records) {
        List<ObjectNode> selected = new ArrayList<>();
        for (Record record : records) {
            ObjectNode lambdaRecord = StreamRecords.toLambdaRecord(record, streamArn, region);
            if (matchesFilter(lambdaRecord)) {
                selected.add(lambdaRecord);
            }
        }
        for (int from = 0; from < selected.size(); from += source.batchSize()) {
            deliver(selected.subList(from, Math.min(selected.size(), from + source.batchSize())), 0);
        }
    }

    private void deliver(List<ObjectNode> batch, int retries) {
        int failedFrom = invoke(batch);
        if (failedFrom < 0) {
            return;
        }
        int maxRetries = source.maximumRetryAttempts() < 0 ? LOCAL_RETRY_CAP : Math.min(source.maximumRetryAttempts(), LOCAL_RETRY_CAP);
        if (retries >= maxRetries) {
            System.err.println("[stream " + source.name() + "] giving up on " + (batch.size() - failedFrom) + " record(s) from "
                    + batch.get(failedFrom).path("dynamodb").path("SequenceNumber").asText()
                    + " after " + retries + " retries (an OnFailure destination would get them on AWS)");
            return;
        }
        backOff(retries);
        if (failedFrom > 0) {
            deliver(batch.subList(failedFrom, batch.size()), retries + 1);
        } else if (source.bisectBatchOnFunctionError() && batch.size() > 1) {
            int half = batch.size() / 2;
            deliver(batch.subList(0, half), retries + 1);
            deliver(batch.subList(half, batch.size()), retries + 1);
        } else {
            deliver(batch, retries + 1);
        }
    }

    /** -1 when the batch succeeded, else the index of the first record to retry. */
    private int invoke(List<ObjectNode> batch) {
        ObjectNode event = JSON.createObjectNode();
        event.putArray("Records").addAll(batch);
        String result;
        try {
            result = function.invoke(event.toString());
        } catch (FunctionError e) {
            return 0; // logged with its stack by the function host
        }
        if (!source.reportBatchItemFailures()) {
            return -1;
        }
        JsonNode failures;
        try {
            failures = JSON.readTree(result).path("batchItemFailures");
        } catch (JsonProcessingException e) {
            System.err.println("[stream " + source.name() + "] the function's answer is not JSON; Lambda treats that as a failed batch");
            return 0;
        }
        int first = -1;
        for (JsonNode failure : failures) {
            String sequence = failure.path("itemIdentifier").asText("");
            int index = indexOf(batch, sequence);
            if (index < 0) {
                // Lambda fails the whole batch when an identifier is blank or unknown.
                System.err.println("[stream " + source.name() + "] unknown itemIdentifier '" + sequence + "': retrying the whole batch");
                return 0;
            }
            first = first < 0 ? index : Math.min(first, index);
        }
        return first;
    }

    private static int indexOf(List<ObjectNode> batch, String sequence) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).path("dynamodb").path("SequenceNumber").asText().equals(sequence)) {
                return i;
            }
        }
        return -1;
    }

    private boolean matchesFilter(ObjectNode record) {
        if (filter == null) {
            return true;
        }
        try {
            return !filter.rulesForJSONEvent(record.toString()).isEmpty();
        } catch (Exception e) { // Event Ruler declares Exception; the record is our own valid JSON
            throw new IllegalStateException("Event Ruler could not evaluate a stream record", e);
        }
    }

    private static Machine filter(Template.StreamSource source) {
        if (source.filterPatterns().isEmpty()) {
            return null;
        }
        Machine machine = new Machine();
        for (int i = 0; i < source.filterPatterns().size(); i++) {
            try {
                machine.addRule("filter-" + i, source.filterPatterns().get(i));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("Event source " + source.name() + " has an invalid filter pattern: "
                        + source.filterPatterns().get(i), e);
            }
        }
        return machine;
    }

    private static void backOff(int retries) {
        try {
            Thread.sleep(Math.min(5_000, 100L << retries));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Stream poller interrupted while backing off", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        poller.shutdown();
        if (!poller.awaitTermination(2, TimeUnit.SECONDS)) {
            poller.shutdownNow();
        }
    }
}
