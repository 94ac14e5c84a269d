package app.loyalty.functions.analytics;

import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The program aggregates (docs/data-model.md, patterns A1-A6), all in the program's analytics partition
 * {@code ANALYTICS#<programId>}: {@code DAY#<yyyy-mm-dd>}, {@code MONTH#<yyyy-mm>} and {@code TOTAL}, holding the
 * {@link Counter}s; month items also hold {@code activeMembers}, {@code repeatMembers} and one {@code cohort#<yyyy-mm>}
 * per enrolment month (members of that cohort active in the month).
 * <p>
 * An event counts once: its marker {@code ANALYTICS#EVENT#<eventId>} is put under {@code attribute_not_exists} in the
 * same transaction as the counters' {@code ADD}s, so a redelivery fails the whole transaction and adds nothing.
 * A purchase also tries to put the member's {@code ACTIVE#<month>} marker (first purchase of the month: one more
 * active member and cohort cell), else the {@code REPEAT#<month>} marker (second: one more repeat purchaser), else
 * neither: whichever of a member's purchases arrives first is the one that counts the member, so the result does not
 * depend on the order of delivery.
 */
public final class AnalyticsStore {
    static final String EVENT_PREFIX = "ANALYTICS#EVENT#";
    static final String ACTIVE = "ACTIVE#";
    static final String REPEAT = "REPEAT#";
    static final String ACTIVE_MEMBERS = "activeMembers";
    static final String REPEAT_MEMBERS = "repeatMembers";
    static final String COHORT_PREFIX = "cohort#";
    /** The cohort of a purchaser whose profile is gone (erased) or carries no enrolment date. */
    static final String UNKNOWN_COHORT = "unknown";
    /**
     * How long an event's marker is kept. A redelivery comes within minutes, a replay from the bus archive within
     * its retention; an archive replay of events older than this would count them again (docs/analytics.md).
     */
    static final Duration MARKER_RETENTION = Duration.ofDays(400);
    private static final int CONFLICT_ATTEMPTS = 5;

    /** Which activity marker a purchase's transaction tries to claim. */
    enum Activity { FIRST_OF_MONTH, SECOND_OF_MONTH, NONE }

    public enum Outcome { COUNTED, DUPLICATE }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public AnalyticsStore(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    public static String partition(String programId) {
        return "ANALYTICS#" + programId;
    }

    public static String daySortKey(LocalDate day) {
        return "DAY#" + day;
    }

    public static String monthSortKey(YearMonth month) {
        return "MONTH#" + month;
    }

    public static final String TOTAL = "TOTAL";

    static String memberPartition(String memberId) {
        return "ANALYTICS#MEMBER#" + memberId;
    }

    /** Counts the event once, whatever the number and order of its deliveries. */
    public Outcome record(Contribution contribution) {
        if (contribution.purchaserMemberId() == null) {
            return write(contribution, Activity.NONE, null);
        }
        String cohort = enrolmentMonth(contribution.purchaserMemberId());
        for (Activity activity : List.of(Activity.FIRST_OF_MONTH, Activity.SECOND_OF_MONTH)) {
            try {
                return write(contribution, activity, cohort);
            } catch (MarkerTaken taken) {
                // this member's purchase of that rank was counted by another event: try the next rank
            }
        }
        return write(contribution, Activity.NONE, null);
    }

    /** Thrown when the activity marker exists: the same transaction is tried with the next rank. */
    private static final class MarkerTaken extends RuntimeException {
        MarkerTaken() {
            super(null, null, false, false);
        }
    }

    private Outcome write(Contribution contribution, Activity activity, String cohort) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(eventMarker(contribution))
                .conditionExpression("attribute_not_exists(PK)").build()).build());
        items.add(add(contribution, daySortKey(contribution.day()), Map.of("date", contribution.day().toString())));
        Map<String, Long> monthExtras = new LinkedHashMap<>();
        if (activity == Activity.FIRST_OF_MONTH) {
            monthExtras.put(ACTIVE_MEMBERS, 1L);
            monthExtras.put(COHORT_PREFIX + cohort, 1L);
        } else if (activity == Activity.SECOND_OF_MONTH) {
            monthExtras.put(REPEAT_MEMBERS, 1L);
        }
        items.add(add(contribution, monthSortKey(contribution.month()), Map.of("month", contribution.month().toString()), monthExtras));
        items.add(add(contribution, TOTAL, Map.of()));
        if (activity != Activity.NONE) {
            String prefix = activity == Activity.FIRST_OF_MONTH ? ACTIVE : REPEAT;
            Map<String, AttributeValue> marker = new HashMap<>(Attr.key(memberPartition(contribution.purchaserMemberId()),
                    prefix + contribution.month()));
            marker.put("programId", Attr.s(contribution.programId()));
            marker.put("eventId", Attr.s(contribution.eventId()));
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(marker)
                    .conditionExpression("attribute_not_exists(PK)").build()).build());
        }
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
                return Outcome.COUNTED;
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons() : List.of();
                if (failedCondition(reasons, 0)) {
                    return Outcome.DUPLICATE;
                }
                if (activity != Activity.NONE && failedCondition(reasons, 4)) {
                    throw new MarkerTaken();
                }
                boolean conflict = reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code()));
                if (!conflict || attempt == CONFLICT_ATTEMPTS) {
                    throw cancelled;
                }
                // a concurrent delivery touched the same counters: the ADDs are commutative, so try again after a
                // short random pause, so that the writers that collided do not collide again at once
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                        java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 20L * attempt)));
            }
        }
    }

    private static boolean failedCondition(List<CancellationReason> reasons, int index) {
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private Map<String, AttributeValue> eventMarker(Contribution contribution) {
        Map<String, AttributeValue> marker = new HashMap<>(Attr.key(EVENT_PREFIX + contribution.eventId(), "EVENT"));
        marker.put("programId", Attr.s(contribution.programId()));
        marker.put(TableSchema.TTL, Attr.n(clock.instant().plus(MARKER_RETENTION).getEpochSecond()));
        return marker;
    }

    private TransactWriteItem add(Contribution contribution, String sortKey, Map<String, String> labels) {
        return add(contribution, sortKey, labels, Map.of());
    }

    private TransactWriteItem add(Contribution contribution, String sortKey, Map<String, String> labels,
                                  Map<String, Long> extras) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> adds = new ArrayList<>();
        int i = 0;
        Map<String, Long> all = new LinkedHashMap<>();
        contribution.counters().forEach((counter, value) -> all.put(counter.attribute(), value));
        all.putAll(extras);
        for (Map.Entry<String, Long> entry : all.entrySet()) {
            names.put("#a" + i, entry.getKey());
            values.put(":a" + i, Attr.n(entry.getValue()));
            adds.add("#a" + i + " :a" + i);
            i++;
        }
        List<String> sets = new ArrayList<>();
        names.put("#programId", "programId");
        values.put(":programId", Attr.s(contribution.programId()));
        sets.add("#programId = :programId");
        for (Map.Entry<String, String> label : labels.entrySet()) {
            names.put("#l" + label.getKey(), label.getKey());
            values.put(":l" + label.getKey(), Attr.s(label.getValue()));
            sets.add("#l" + label.getKey() + " = :l" + label.getKey());
        }
        String expression = "SET " + String.join(", ", sets) + " ADD " + String.join(", ", adds);
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(Attr.key(partition(contribution.programId()), sortKey))
                .updateExpression(expression).expressionAttributeNames(names).expressionAttributeValues(values)
                .build()).build();
    }

    /** The member's enrolment month from the profile (one GetItem of one attribute), for the retention cohort. */
    String enrolmentMonth(String memberId) {
        Map<String, AttributeValue> profile = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(MemberRepository.profileKey(memberId)).projectionExpression("enrolledAt").build()).item();
        return Attr.optionalString(profile == null ? Map.of() : profile, "enrolledAt")
                .map(at -> at.substring(0, 7)).orElse(UNKNOWN_COHORT);
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    /** One aggregate item as plain numbers: its counters, activity figures and cohort cells. */
    public record Bucket(String key, Map<String, Long> values) {
        public long get(String name) {
            return values.getOrDefault(name, 0L);
        }

        public long get(Counter counter) {
            return get(counter.attribute());
        }
    }

    /** Day items from {@code from} to {@code to} inclusive (A3): one Query, at most 366 items. */
    public List<Bucket> days(String programId, LocalDate from, LocalDate to) {
        return range(programId, daySortKey(from), daySortKey(to));
    }

    /** Day items after {@code day}, to take a period's activity back off the all-time total (A5). */
    public List<Bucket> daysAfter(String programId, LocalDate day) {
        return range(programId, daySortKey(day.plusDays(1)), "DAY#~");
    }

    /** Month items from {@code from} to {@code to} inclusive (A4). */
    public List<Bucket> months(String programId, YearMonth from, YearMonth to) {
        return range(programId, monthSortKey(from), monthSortKey(to));
    }

    /** The program's all-time total (A5). */
    public Optional<Bucket> total(String programId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Attr.key(partition(programId), TOTAL)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(bucket(item));
    }

    private List<Bucket> range(String programId, String fromKey, String toKey) {
        List<Bucket> buckets = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(partition(programId)), ":from", Attr.s(fromKey),
                            ":to", Attr.s(toKey)));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = dynamo.query(query.build());
            response.items().forEach(item -> buckets.add(bucket(item)));
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return buckets;
    }

    private static Bucket bucket(Map<String, AttributeValue> item) {
        Map<String, Long> values = new LinkedHashMap<>();
        item.forEach((name, value) -> {
            if (value.n() != null) {
                values.put(name, Long.parseLong(value.n()));
            }
        });
        String sortKey = Attr.string(item, TableSchema.SK);
        return new Bucket(sortKey.contains("#") ? sortKey.substring(sortKey.indexOf('#') + 1) : sortKey, values);
    }
}
