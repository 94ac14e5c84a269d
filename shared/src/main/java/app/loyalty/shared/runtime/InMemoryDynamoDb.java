package app.loyalty.shared.runtime;

import app.loyalty.shared.store.TableSchema;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A DynamoDB client for SnapStart priming that never leaves the process: the real SDK client (marshalling, signing,
 * the JSON protocol's unmarshalling of items) over an HTTP client that answers from memory. GetItem and BatchGetItem answer the items
 * it was given (so priming walks the "found" paths: the mappers, the domain, the views); TransactWriteItems answers
 * success and keeps nothing, so priming can walk a whole write and its answer with nothing durable anywhere; any
 * other operation is refused with a ValidationException. The transactions asked for are kept as sent
 * ({@link #transactions()}), for {@link Priming#sendCancelled} to send once more, certain to be cancelled.
 */
public final class InMemoryDynamoDb implements AutoCloseable {
    private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);

    private final Map<String, Map<String, AttributeValue>> items = new HashMap<>();
    private final List<TransactWriteItemsRequest> transactions = new ArrayList<>();
    private final List<String> operations = new ArrayList<>();
    private final DynamoDbClient client;

    /** Serves these items (each with PK and SK) to GetItem and BatchGetItem. */
    public InMemoryDynamoDb(List<Map<String, AttributeValue>> served) {
        for (Map<String, AttributeValue> item : served) {
            items.put(keyOf(item.get(TableSchema.PK).s(), item.get(TableSchema.SK).s()), Map.copyOf(item));
        }
        client = DynamoDbClient.builder()
                .region(Region.EU_WEST_1)
                // Never contacted: the HTTP client below answers every request in memory.
                .endpointOverride(URI.create("http://in-memory.invalid"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")))
                .httpClient(new AnsweringHttpClient())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof TransactWriteItemsRequest transaction) {
                            transactions.add(transaction);
                        }
                    }
                }))
                .build();
    }

    public DynamoDbClient client() {
        return client;
    }

    /** A context like {@code real} (table, clock, Jackson) whose DynamoDB is this in-memory one. */
    public AppContext context(AppContext real) {
        return new AppContext(client, real.tableName(), real.clock(), real.json());
    }

    /** The transactions the primed code sent, in order; none of them was kept. */
    public List<TransactWriteItemsRequest> transactions() {
        return List.copyOf(transactions);
    }

    /** The operations answered, in order ("GetItem", "TransactWriteItems" ...). */
    public List<String> operations() {
        return List.copyOf(operations);
    }

    @Override
    public void close() {
        client.close();
    }

    private static String keyOf(String pk, String sk) {
        return pk + "\u0000" + sk;
    }

    private byte[] answer(String operation, JsonNode request) throws IOException {
        operations.add(operation);
        return switch (operation) {
            case "GetItem" -> {
                JsonNode key = request.path("Key");
                Map<String, AttributeValue> item = items.get(keyOf(key.path(TableSchema.PK).path("S").asText(),
                        key.path(TableSchema.SK).path("S").asText()));
                yield item == null ? EMPTY : itemResponse(item);
            }
            case "BatchGetItem" -> batchGetResponse(request);
            case "TransactWriteItems" -> EMPTY;
            default -> null;
        };
    }

    /** The served items among each table's keys (one table per checkout read); none left unprocessed. */
    private byte[] batchGetResponse(JsonNode request) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = LambdaJson.MAPPER.createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("Responses");
            var tables = request.path("RequestItems").fields();
            while (tables.hasNext()) {
                var table = tables.next();
                json.writeArrayFieldStart(table.getKey());
                for (JsonNode key : table.getValue().path("Keys")) {
                    Map<String, AttributeValue> item = items.get(keyOf(key.path(TableSchema.PK).path("S").asText(),
                            key.path(TableSchema.SK).path("S").asText()));
                    if (item != null) {
                        writeItem(json, item);
                    }
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeObjectFieldStart("UnprocessedKeys");
            json.writeEndObject();
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    private static byte[] itemResponse(Map<String, AttributeValue> item) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = LambdaJson.MAPPER.createGenerator(out)) {
            json.writeStartObject();
            json.writeFieldName("Item");
            writeItem(json, item);
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    /** DynamoDB's wire form of an item: {"name": {"S": "..."}, ...}. */
    private static void writeItem(JsonGenerator json, Map<String, AttributeValue> item) throws IOException {
        json.writeStartObject();
        for (var attribute : item.entrySet()) {
            json.writeFieldName(attribute.getKey());
            writeValue(json, attribute.getValue());
        }
        json.writeEndObject();
    }

    private static void writeValue(JsonGenerator json, AttributeValue value) throws IOException {
        json.writeStartObject();
        switch (value.type()) {
            case S -> json.writeStringField("S", value.s());
            case N -> json.writeStringField("N", value.n());
            case B -> json.writeStringField("B", base64(value.b()));
            case BOOL -> json.writeBooleanField("BOOL", value.bool());
            case NUL -> json.writeBooleanField("NULL", true);
            case SS -> writeStrings(json, "SS", value.ss());
            case NS -> writeStrings(json, "NS", value.ns());
            case BS -> writeStrings(json, "BS", value.bs().stream().map(InMemoryDynamoDb::base64).toList());
            case M -> {
                json.writeFieldName("M");
                writeItem(json, value.m());
            }
            case L -> {
                json.writeArrayFieldStart("L");
                for (AttributeValue element : value.l()) {
                    writeValue(json, element);
                }
                json.writeEndArray();
            }
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("An attribute of an unknown type: " + value);
        }
        json.writeEndObject();
    }

    private static void writeStrings(JsonGenerator json, String type, List<String> values) throws IOException {
        json.writeArrayFieldStart(type);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }

    /** Answers DynamoDB's JSON protocol (X-Amz-Target names the operation) from memory. */
    private final class AnsweringHttpClient implements SdkHttpClient {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
                    byte[] body;
                    try (InputStream in = request.contentStreamProvider().orElseThrow().newStream()) {
                        body = in.readAllBytes();
                    }
                    byte[] answer = answer(target.substring(target.indexOf('.') + 1), LambdaJson.MAPPER.readTree(body));
                    int status = answer == null ? 400 : 200;
                    if (answer == null) {
                        answer = ("{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\""
                                + "The in-memory priming client answers GetItem, BatchGetItem and TransactWriteItems only, not "
                                + target + "\"}").getBytes(StandardCharsets.UTF_8);
                    }
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(status)
                                    .putHeader("Content-Type", "application/x-amz-json-1.0")
                                    .putHeader("Content-Length", Integer.toString(answer.length)).build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(answer)))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }

        @Override
        public String clientName() {
            return "in-memory-priming";
        }
    }
}
