package app.loyalty.local.reliability;

import app.loyalty.local.LocalRuntime;
import app.loyalty.shared.domain.ledger.LedgerEntry;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.runtime.AwsClients;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.testing.ContractChecked;
import app.loyalty.shared.testing.ContractValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole bundle (LocalRuntime, handlers in-process, DynamoDB Local) for the checked-history tests, driven over
 * HTTP as a checkout would, every exchange held to openapi.yaml, plus straight reads of a member's partition.
 * <p>
 * The template's schedules are switched off (a copy of template.yaml with {@code State: DISABLED} on each
 * ScheduleV2) so that the history alone decides when the expiry job runs: with them on, a clock move would start
 * the hourly job in the background, and a step's outcome would depend on a race the history does not name. A
 * disabled schedule still runs on {@code POST /_local/schedules/{name}}.
 */
final class HistoryRuntime implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SCHEDULE = Pattern.compile("(\\n(\\s+)Type: ScheduleV2\\n\\s+Properties:\\n)");

    private final LocalRuntime runtime;
    private final ContractValidator contract = ContractValidator.repositoryContract();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final DynamoDbClient dynamo;
    private final String table;

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON (" + status + "): " + body, e);
            }
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** A member's partition as stored: open lots, closed lots (HIST#LOT#), ledger entries, the profile. */
    record Partition(List<PointsLot> openLots, List<PointsLot> closedLots, List<LedgerEntry> entries,
                     Map<String, AttributeValue> profile) {
        long lotTotal() {
            return openLots.stream().mapToLong(PointsLot::remaining).sum()
                    + closedLots.stream().mapToLong(PointsLot::remaining).sum();
        }

        long entryTotal() {
            return entries.stream().mapToLong(LedgerEntry::points).sum();
        }
    }

    private HistoryRuntime(LocalRuntime runtime) {
        this.runtime = runtime;
        this.dynamo = AwsClients.build(DynamoDbClient.builder().endpointOverride(runtime.dynamoEndpoint()));
        this.table = System.getProperty("TABLE_NAME");
    }

    static HistoryRuntime start(String operatorKey) {
        Path template = withoutRunningSchedules(Path.of("..", "template.yaml").toAbsolutePath().normalize());
        return new HistoryRuntime(LocalRuntime.start(new LocalRuntime.Options("127.0.0.1", 0, java.util.Optional.empty(),
                template, java.util.Optional.of(operatorKey), "eu-west-1")));
    }

    /** A copy of the template in local/target/reliability (nothing in it is a relative path), every ScheduleV2 off. */
    private static Path withoutRunningSchedules(Path template) {
        try {
            String yaml = Files.readString(template);
            Matcher matcher = SCHEDULE.matcher(yaml);
            StringBuilder disabled = new StringBuilder();
            int schedules = 0;
            while (matcher.find()) {
                schedules++;
                matcher.appendReplacement(disabled, Matcher.quoteReplacement(
                        matcher.group(1) + matcher.group(2) + "  State: DISABLED\n"));
            }
            matcher.appendTail(disabled);
            if (schedules == 0) {
                throw new IllegalStateException("No ScheduleV2 event found in " + template + ": the pattern is stale");
            }
            Path copy = Path.of("target", "reliability", "template-schedules-off.yaml").toAbsolutePath();
            Files.createDirectories(copy.getParent());
            Files.writeString(copy, disabled.toString());
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the schedule-less template copy", e);
        }
    }

    Response get(String path, String key) {
        return send(HttpRequest.newBuilder(runtime.url().resolve(path)).GET(), "GET", path, key, null, null);
    }

    Response post(String path, String key, String idempotencyKey, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(runtime.url().resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(request, "POST", path, key, idempotencyKey, body);
    }

    Response put(String path, String key, String idempotencyKey, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(runtime.url().resolve(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        return send(request, "PUT", path, key, idempotencyKey, body);
    }

    /** Sets the runtime clock (it then flows on with wall time, from this instant). */
    void setClock(Instant now) {
        Response set = post("/_local/clock", null, null, "{\"now\":\"" + now + "\"}");
        if (set.status() != 200) {
            throw new IllegalStateException("POST /_local/clock: " + set.status() + " " + set.body());
        }
    }

    Instant now() {
        return runtime.clock().instant();
    }

    /** Runs a schedule now (synchronously) and answers its function's result. */
    JsonNode runSchedule(String name) {
        Response run = post("/_local/schedules/" + name, null, null, "");
        if (run.status() != 200) {
            throw new IllegalStateException("POST /_local/schedules/" + name + ": " + run.status() + " " + run.body());
        }
        return run.json().path("result");
    }

    /** Every item of the member's partition (lots, closed lots, entries, profile), read consistently. */
    Partition partition(String memberId) {
        List<PointsLot> open = new ArrayList<>();
        List<PointsLot> closed = new ArrayList<>();
        List<LedgerEntry> entries = new ArrayList<>();
        Map<String, AttributeValue> profile = Map.of();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("PK = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(MemberRepository.memberPk(memberId))))
                    .exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : page.items()) {
                String sk = item.get("SK").s();
                if (sk.startsWith(MemberRepository.LOT_PREFIX)) {
                    open.add(LotItems.fromItem(item));
                } else if (sk.startsWith(LotItems.HISTORY_PREFIX + MemberRepository.LOT_PREFIX)) {
                    closed.add(LotItems.fromItem(item));
                } else if (sk.startsWith(LedgerEntryItems.ENTRY_PREFIX)) {
                    entries.add(LedgerEntryItems.fromItem(item));
                } else if (sk.equals(MemberRepository.PROFILE)) {
                    profile = item;
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        open.sort(Comparator.comparing(PointsLot::lotId));
        closed.sort(Comparator.comparing(PointsLot::lotId));
        entries.sort(Comparator.comparing(LedgerEntry::entryId));
        return new Partition(open, closed, entries, profile);
    }

    /** Ledger entries of every item under the member's partition in the settlement's shape. */
    List<app.loyalty.shared.domain.settlement.SettlementEntry> settlementEntries(String memberId) {
        List<app.loyalty.shared.domain.settlement.SettlementEntry> entries = new ArrayList<>();
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).consistentRead(true)
                        .keyConditionExpression("PK = :pk AND begins_with(SK, :entry)")
                        .expressionAttributeValues(Map.of(":pk", Attr.s(MemberRepository.memberPk(memberId)),
                                ":entry", Attr.s(LedgerEntryItems.ENTRY_PREFIX))).build())
                .items().forEach(item -> entries.add(LedgerEntryItems.settlementEntry(item)));
        return entries;
    }

    private Response send(HttpRequest.Builder request, String method, String path, String key, String idempotencyKey,
                          String body) {
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Response answer = new Response(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), response.body());
            if (!path.startsWith("/_local/")) {
                ContractValidator.Exchange exchange = new ContractValidator.Exchange(method, URI.create(path).getRawPath(),
                        Map.of(), body, answer.status(), answer.contentType(), answer.body());
                synchronized (contract) { // one validator for every thread of ConcurrentHistoryIT
                    ContractChecked.assertHolds(contract, exchange);
                }
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        dynamo.close();
        runtime.close();
    }
}
