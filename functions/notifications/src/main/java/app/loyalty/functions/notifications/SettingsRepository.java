package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.notify.NotificationSettings;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.ProgramRepository;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A program's notification settings: item PK {@code PROGRAM#<id>}, SK {@code NOTIFICATIONS}, the settings as
 * JSON. Absent means the defaults. Cached per container for {@link #TTL}, like program rules.
 */
final class SettingsRepository {
    static final String SK = "NOTIFICATIONS";
    static final Duration TTL = Duration.ofSeconds(60);

    private record Entry(NotificationSettings settings, Instant readAt) {
    }

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Clock clock;
    private final ObjectMapper json;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
    private final ProgramRepository programs;

    SettingsRepository(DynamoDbClient dynamo, String tableName, Clock clock, ObjectMapper json) {
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.clock = clock;
        this.json = json;
        this.programs = new ProgramRepository(dynamo, tableName);
    }

    static Map<String, AttributeValue> key(String programId) {
        return Attr.key("PROGRAM#" + programId, SK);
    }

    /** The settings as stored (or the defaults), read through the container's cache. */
    NotificationSettings cached(String programId) {
        Instant now = clock.instant();
        Entry entry = cache.get(programId);
        if (entry != null && now.isBefore(entry.readAt().plus(TTL)) && !now.isBefore(entry.readAt())) {
            return entry.settings();
        }
        NotificationSettings settings = read(programId);
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(programId, new Entry(settings, now));
        return settings;
    }

    /**
     * The settings as stored (or the defaults), in the program's time zone: the program's {@code rules.timeZone} is
     * the one source of it (a program not found: UTC).
     */
    NotificationSettings read(String programId) {
        String zone = programs.find(programId).map(program -> program.rules().timeZone())
                .orElse(app.loyalty.shared.domain.program.ProgramRules.DEFAULT_TIME_ZONE);
        return stored(programId).withTimeZone(zone);
    }

    private NotificationSettings stored(String programId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(tableName)
                .key(key(programId)).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            return NotificationSettings.DEFAULT;
        }
        try {
            return json.readValue(Attr.string(item, "settings"), NotificationSettings.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Stored notification settings of " + programId + " do not parse", e);
        }
    }

    /**
     * Replaces the settings in one transaction whose condition is the program's existence (no read first).
     * Answers false when the program does not exist.
     */
    boolean replace(String programId, NotificationSettings settings) {
        Map<String, AttributeValue> item = new HashMap<>(key(programId));
        try {
            // the time zone is the program's (rules.timeZone), never stored here
            item.put("settings", Attr.s(json.writeValueAsString(settings.withTimeZone(null))));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        item.put("updatedAt", Attr.s(clock.instant().toString()));
        try {
            dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                    TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tableName)
                            .key(ProgramRepository.programKey(programId)).conditionExpression("attribute_exists(PK)").build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item).build()).build()).build());
        } catch (software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException e) {
            if (e.hasCancellationReasons() && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) {
                return false;
            }
            throw e;
        }
        cache.remove(programId);
        return true;
    }
}
