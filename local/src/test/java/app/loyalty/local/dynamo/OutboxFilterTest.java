package app.loyalty.local.dynamo;

import app.loyalty.local.template.Template;
import app.loyalty.shared.store.Attr;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.event.ruler.Machine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's FilterCriteria in template.yaml, evaluated (with Event Ruler, whose syntax Lambda's filters share)
 * against stream records shaped as Lambda shapes them: only writes that leave an outbox reach the relay.
 */
class OutboxFilterTest {
    private static final Template.StreamSource RELAY = Template.load(Path.of("..", "template.yaml"), "eu-west-1")
            .streamSources().stream().filter(s -> s.functionId().equals("EventRelayFunction")).findFirst().orElseThrow();

    @Test
    void insertWithOutbox_passes() throws Exception {
        assertThat(passes(record(OperationType.INSERT, List.of("{\"eventId\":\"e1\"}")))).isTrue();
    }

    @Test
    void writesWithoutOutbox_andRemoves_areFilteredOut() throws Exception {
        assertThat(passes(record(OperationType.INSERT, null))).isFalse();
        assertThat(passes(record(OperationType.MODIFY, null))).isFalse();
        assertThat(passes(record(OperationType.REMOVE, null))).isFalse();
    }

    @Test
    void lambdaRecord_usesDynamoDbJson() {
        var json = StreamRecords.toLambdaRecord(record(OperationType.INSERT, List.of("{}")), "arn:stream", "eu-west-1");

        assertThat(json.path("eventSource").asText()).isEqualTo("aws:dynamodb");
        assertThat(json.path("dynamodb").path("NewImage").path("outbox").toString()).isEqualTo("{\"L\":[{\"S\":\"{}\"}]}");
        assertThat(json.path("dynamodb").path("Keys").path("PK").path("S").asText()).isEqualTo("MEMBER#1");
        assertThat(json.path("dynamodb").path("ApproximateCreationDateTime").isNumber()).isTrue();
        assertThat(json.path("eventSourceARN").asText()).isEqualTo("arn:stream");
    }

    private static boolean passes(Record record) throws Exception {
        Machine machine = new Machine();
        for (int i = 0; i < RELAY.filterPatterns().size(); i++) {
            machine.addRule("filter-" + i, RELAY.filterPatterns().get(i));
        }
        String json = StreamRecords.toLambdaRecord(record, "arn:aws:dynamodb:eu-west-1:000000000000:table/T/stream/x", "eu-west-1").toString();
        return !machine.rulesForJSONEvent(json).isEmpty();
    }

    private static Record record(OperationType type, List<String> outbox) {
        Map<String, AttributeValue> keys = Attr.key("MEMBER#1", "PROFILE");
        Map<String, AttributeValue> image = new HashMap<>(keys);
        image.put("n", AttributeValue.fromN("3"));
        if (outbox != null) {
            image.put("outbox", Attr.strings(outbox));
        }
        StreamRecord.Builder stream = StreamRecord.builder().keys(keys).sequenceNumber("100").sizeBytes(42L)
                .streamViewType(StreamViewType.NEW_IMAGE).approximateCreationDateTime(Instant.parse("2026-11-23T10:00:00Z"));
        if (type != OperationType.REMOVE) {
            stream.newImage(image);
        }
        return Record.builder().eventID("ev1").eventName(type).dynamodb(stream.build()).build();
    }
}
