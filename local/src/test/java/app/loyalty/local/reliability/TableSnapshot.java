package app.loyalty.local.reliability;

import app.loyalty.local.LocalRuntime;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every item of the table of a running local runtime's DynamoDB Local, to show that a refused request wrote nothing:
 * take one before, one after, and {@link #differences} must be empty. A test reads the emulator directly (a Scan,
 * test code only), never through the functions.
 * <p>
 * Left out, because only the event consumers write them, asynchronously, after an earlier <em>accepted</em>
 * request's events (a refusal has no outbox event, so it cannot cause them): the notifications' message log and due
 * index ({@code MESSAGES#}, {@code NOTIFY#}), the analytics counters and markers ({@code ANALYTICS#}) and the webhook
 * delivered markers ({@code WEBHOOK#<programId>} / {@code DELIVERED#...}). Everything else, including the
 * idempotency records, must be byte for byte the same.
 */
public final class TableSnapshot implements AutoCloseable {
    private static final List<String> CONSUMER_PARTITIONS = List.of("MESSAGES#", "NOTIFY#", "ANALYTICS#");

    private final DynamoDbClient dynamo;
    private final String tableName;

    public TableSnapshot(LocalRuntime runtime) {
        this.dynamo = DynamoDbClient.builder().region(Region.EU_WEST_1).endpointOverride(runtime.dynamoEndpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        this.tableName = runtime.template().table().name();
    }

    /** Every item the API's functions write, keyed "PK | SK", as text with its attributes in name order. */
    public Map<String, String> take() {
        Map<String, String> items = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            var page = dynamo.scan(ScanRequest.builder().tableName(tableName).exclusiveStartKey(start)
                    .consistentRead(true).build());
            for (Map<String, AttributeValue> item : page.items()) {
                String pk = item.get("PK").s();
                String sk = item.get("SK").s();
                if (!writtenOnlyByEventConsumers(pk, sk)) {
                    items.put(pk + " | " + sk, new TreeMap<>(item).toString());
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    static boolean writtenOnlyByEventConsumers(String pk, String sk) {
        return CONSUMER_PARTITIONS.stream().anyMatch(pk::startsWith)
                || (pk.startsWith("WEBHOOK#") && sk.startsWith("DELIVERED#"));
    }

    /** The items added, removed or changed between two snapshots, one line each ("+", "-", "~" and the key). */
    public static List<String> differences(Map<String, String> before, Map<String, String> after) {
        List<String> lines = new ArrayList<>();
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            String was = before.get(key);
            String is = after.get(key);
            if (was == null) {
                lines.add("+ " + key + " " + abbreviate(is));
            } else if (is == null) {
                lines.add("- " + key);
            } else if (!was.equals(is)) {
                lines.add("~ " + key + " " + abbreviate(was) + " -> " + abbreviate(is));
            }
        }
        return lines;
    }

    private static String abbreviate(String text) {
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }

    @Override
    public void close() {
        dynamo.close();
    }
}
