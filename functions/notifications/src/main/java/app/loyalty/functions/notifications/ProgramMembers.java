package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.segment.MemberSnapshot;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.CardLevels;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.MemberStats;
import app.loyalty.shared.store.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A program's members, a page at a time, from the program member index (GSI1 {@code MEMBERS#<programId>#<shard>},
 * projection ALL: each item is the whole PROFILE, figures included; docs/data-model.md pattern 38). Never a Scan: a
 * campaign's cost grows with the program's members, not with the table.
 */
final class ProgramMembers {
    static final int PAGE = 100;

    /** One member as a campaign sees it: the profile (contact, consents, language) and the segment's view of it. */
    record Entry(Member member, MemberSnapshot snapshot) {
    }

    /** A page and where the next one starts ({@code null}: the shard is done). */
    record Page(List<Entry> entries, Map<String, AttributeValue> next) {
    }

    private final DynamoDbClient dynamo;
    private final String tableName;

    ProgramMembers(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    Page page(String programId, int shard, Map<String, AttributeValue> startKey, ProgramRules rules, Instant now) {
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(tableName).indexName(TableSchema.GSI1)
                .keyConditionExpression("GSI1PK = :shard")
                .expressionAttributeValues(Map.of(":shard", Attr.s(MemberRepository.programMembersPartition(programId, shard))))
                .exclusiveStartKey(startKey == null || startKey.isEmpty() ? null : startKey)
                .limit(PAGE).build());
        List<Entry> entries = response.items().stream()
                .filter(item -> Member.Status.ACTIVE.name().equals(Attr.optionalString(item, "status").orElse("")))
                .map(item -> new Entry(MemberRepository.fromProfileItem(item), snapshot(item, rules, now)))
                .toList();
        Map<String, AttributeValue> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey() : null;
        return new Page(entries, next);
    }

    /**
     * The segment's view of a profile item: tier by the discount card at {@code now} (the program's first tier until
     * the card's state is first written), tags, preferences, the last purchase day (the latest day of
     * {@code spendByDay}: every purchase writes its own day there), birth date, enrolling merchant, available points
     * ({@link PointsFigures#balanceAt}), purchase count and net spend.
     */
    static MemberSnapshot snapshot(Map<String, AttributeValue> profile, ProgramRules rules, Instant now) {
        Set<String> tags = profile.containsKey("tags") && profile.get("tags").hasSs() ? Set.copyOf(profile.get("tags").ss()) : Set.of();
        Map<String, String> preferences = profile.containsKey("preferences") && profile.get("preferences").hasM()
                ? profile.get("preferences").m().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().s()))
                : Map.of();
        LocalDate lastPurchase = MemberStats.spendByDay(profile, now).keySet().stream().max(LocalDate::compareTo).orElse(null);
        long available = MemberFigures.read(profile).balanceAt(now, Duration.ZERO).available();
        return new MemberSnapshot(Attr.string(profile, "memberId"), CardLevels.evaluate(profile, rules, now).state().tier(), tags,
                preferences, lastPurchase, Attr.optionalString(profile, "birthDate").map(LocalDate::parse).orElse(null),
                Attr.optionalString(profile, "enrolledBy").orElse(null), available,
                Attr.optionalNumber(profile, MemberStats.PURCHASE_COUNT).orElse(0L),
                Attr.optionalNumber(profile, MemberStats.TOTAL_SPEND).orElse(0L));
    }
}
