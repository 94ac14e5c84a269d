package app.loyalty.local.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.Map;

/** Stream records as Lambda delivers them to a DynamoDB event source function (the Records of a DynamodbEvent). */
final class StreamRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamRecords() {
    }

    static ObjectNode toLambdaRecord(Record record, String streamArn, String region) {
        ObjectNode json = JSON.createObjectNode();
        json.put("eventID", record.eventID());
        json.put("eventName", record.eventNameAsString());
        json.put("eventVersion", "1.1");
        json.put("eventSource", "aws:dynamodb");
        json.put("awsRegion", region);
        StreamRecord stream = record.dynamodb();
        ObjectNode dynamodb = json.putObject("dynamodb");
        if (stream.approximateCreationDateTime() != null) {
            // Lambda sends epoch seconds as a number.
            dynamodb.put("ApproximateCreationDateTime",
                    BigDecimal.valueOf(stream.approximateCreationDateTime().toEpochMilli()).movePointLeft(3));
        }
        dynamodb.set("Keys", item(stream.keys()));
        if (stream.hasNewImage()) {
            dynamodb.set("NewImage", item(stream.newImage()));
        }
        if (stream.hasOldImage()) {
            dynamodb.set("OldImage", item(stream.oldImage()));
        }
        dynamodb.put("SequenceNumber", stream.sequenceNumber());
        dynamodb.put("SizeBytes", stream.sizeBytes());
        dynamodb.put("StreamViewType", stream.streamViewTypeAsString());
        if (record.userIdentity() != null) {
            json.putObject("userIdentity").put("type", record.userIdentity().type())
                    .put("principalId", record.userIdentity().principalId());
        }
        json.put("eventSourceARN", streamArn);
        return json;
    }

    static ObjectNode item(Map<String, AttributeValue> item) {
        ObjectNode json = JSON.createObjectNode();
        item.forEach((name, value) -> json.set(name, attribute(value)));
        return json;
    }

    /** DynamoDB JSON: {"S": "..."}, {"N": "1"}, {"L": [...]}, {"M": {...}}, binaries in base64. */
    static JsonNode attribute(AttributeValue value) {
        ObjectNode json = JSON.createObjectNode();
        switch (value.type()) {
            case S -> json.put("S", value.s());
            case N -> json.put("N", value.n());
            case B -> json.put("B", base64(value.b()));
            case BOOL -> json.put("BOOL", value.bool());
            case NUL -> json.put("NULL", true);
            case SS -> value.ss().forEach(json.putArray("SS")::add);
            case NS -> value.ns().forEach(json.putArray("NS")::add);
            case BS -> {
                ArrayNode binaries = json.putArray("BS");
                value.bs().forEach(b -> binaries.add(base64(b)));
            }
            case L -> {
                ArrayNode list = json.putArray("L");
                value.l().forEach(element -> list.add(attribute(element)));
            }
            case M -> json.set("M", item(value.m()));
            default -> throw new IllegalArgumentException("Unknown attribute value type in a stream record: " + value);
        }
        return json;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }
}
