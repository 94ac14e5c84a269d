package app.loyalty.bench;

import app.loyalty.functions.bonusexpiry.ExpiryJob;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.TestTables;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The expiry job's cost per expired lot as the membership grows (docs/performance.md, "The expiry job"): the same
 * {@code due} lots are due among {@code members} members (each of the others holds one lot that burns months later,
 * in other days' index partitions), and one run of {@link ExpiryJob} at the due instant is counted by an SDK
 * ExecutionInterceptor on its DynamoDB client: calls per operation, and the read and write units DynamoDB reports
 * (ReturnConsumedCapacity TOTAL, asked for by the interceptor). Seeding is not counted. The figures are DynamoDB
 * Local's; timings are printed for orientation only.
 *
 * <pre>
 * ./mvnw -q -o -pl bench -am package -DskipTests
 * java -Dexpiry.members=1000,10000 -Dexpiry.due=1000 -cp bench/target/benchmarks.jar app.loyalty.bench.ExpiryJobBench
 * java -Dexpiry.members=100000 -Dexpiry.othersWithLots=false -cp bench/target/benchmarks.jar app.loyalty.bench.ExpiryJobBench
 * </pre>
 */
public final class ExpiryJobBench {
    static final Instant EARNED = Instant.parse("2026-01-10T09:30:00Z");
    static final Instant DUE = Instant.parse("2027-01-11T00:00:00Z");
    /** The others' lots burn long after the run, beyond the reminder look-ahead: present, but not the job's work. */
    static final Instant LATER = DUE.plus(Duration.ofDays(200));

    private ExpiryJobBench() {
    }

    public static void main(String[] args) {
        QuietRequestLog.install();
        SqliteNatives.configure();
        int due = Integer.getInteger("expiry.due", 1000);
        // false: the members without due lots get their profile only (no lot items): what the job reads is the same
        // (their lots would sit in other days' index partitions), and seeding 100,000 members takes half as long.
        boolean othersWithLots = Boolean.parseBoolean(System.getProperty("expiry.othersWithLots", "true"));
        String[] sizes = System.getProperty("expiry.members", "10000,100000").split(",");
        Counter counter = new Counter();
        DynamoDbClient dynamo = DynamoDbLocal.configure(DynamoDbClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build();
        System.out.println("| members | lots due | lots expired | calls (by operation) | calls per expired lot | read units | write units | units per expired lot | seed s | run s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String size : sizes) {
            int members = Integer.parseInt(size.trim());
            String table = TestTables.create(dynamo);
            long seedStart = System.nanoTime();
            seed(dynamo, table, members, due, othersWithLots);
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
            counter.reset();
            counter.counting = true;
            long runStart = System.nanoTime();
            ExpiryJob.Summary summary = new ExpiryJob(dynamo, table,
                    Clock.fixed(DUE.plus(Duration.ofMinutes(5)), ZoneOffset.UTC)).run(() -> true);
            double runSeconds = (System.nanoTime() - runStart) / 1e9;
            counter.counting = false;
            if (summary.lotsExpired() != due || !summary.complete()) {
                throw new IllegalStateException("expected " + due + " lots expired, got " + summary);
            }
            int calls = counter.calls.values().stream().mapToInt(Integer::intValue).sum();
            double units = counter.read + counter.write;
            System.out.printf("| %,d | %,d | %,d | %,d %s | %.2f | %.1f | %.1f | %.2f | %.0f | %.1f |%n", members, due,
                    summary.lotsExpired(), calls, counter.calls, (double) calls / summary.lotsExpired(), counter.read,
                    counter.write, units / summary.lotsExpired(), seedSeconds, runSeconds);
            dynamo.deleteTable(DeleteTableRequest.builder().tableName(table).build());
        }
        System.exit(0); // DynamoDB Local's server threads would keep the JVM alive
    }

    /**
     * {@code members} profiles (as BenchData's, with the figures of their one lot) and their lots: the first
     * {@code due} burn at DUE, the others at LATER. BatchWriteItem, 25 items a call.
     */
    private static void seed(DynamoDbClient dynamo, String table, int members, int due, boolean othersWithLots) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(2 * members + 1);
        items.add(BenchData.programItem());
        for (int i = 0; i < members; i++) {
            String memberId = String.format("mbr_bench%015d", i);
            Member member = BenchData.member(memberId, BenchData.newCardNumber());
            PointsLot lot = new PointsLot(String.format("ent_exp%017d", i), memberId, 100, 100, EARNED, EARNED,
                    i < due ? DUE : LATER, BenchData.MERCHANT_ID, "order-" + i);
            if (i < due || othersWithLots) {
                items.add(BenchData.profileItem(member, List.of(lot)));
                items.addAll(BenchData.lotItems(List.of(lot)));
            } else {
                items.add(BenchData.profileItem(member));
            }
            if (items.size() >= 2_500) {
                batchPut(dynamo, table, items);
                items.clear();
            }
        }
        batchPut(dynamo, table, items);
    }

    private static void batchPut(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> items) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> batch = items.subList(from, Math.min(items.size(), from + 25)).stream()
                    .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                    .toList();
            Map<String, List<WriteRequest>> pending = Map.of(table, batch);
            while (!pending.isEmpty()) {
                BatchWriteItemResponse response = dynamo.batchWriteItem(BatchWriteItemRequest.builder()
                        .requestItems(pending).build());
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
    }

    /** Counts the job's calls and the units DynamoDB reports for them (asking for them on every call it makes). */
    static final class Counter implements ExecutionInterceptor {
        volatile boolean counting;
        final Map<String, Integer> calls = new TreeMap<>();
        double read;
        double write;

        void reset() {
            calls.clear();
            read = 0;
            write = 0;
        }

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
            return switch (context.request()) {
                case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
                case QueryRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
                case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
                case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
                default -> context.request();
            };
        }

        @Override
        public synchronized void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (!counting) {
                return;
            }
            calls.merge(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), 1, Integer::sum);
            switch (context.response()) {
                case GetItemResponse r -> read += units(r.consumedCapacity());
                case QueryResponse r -> read += units(r.consumedCapacity());
                case PutItemResponse r -> write += units(r.consumedCapacity());
                case TransactWriteItemsResponse r -> write += r.consumedCapacity().stream().mapToDouble(Counter::units).sum();
                default -> {
                }
            }
        }

        @Override
        public synchronized void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            if (counting) {
                calls.merge(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + "(failed)", 1, Integer::sum);
            }
        }

        private static double units(ConsumedCapacity capacity) {
            return capacity == null || capacity.capacityUnits() == null ? 0 : capacity.capacityUnits();
        }
    }
}
