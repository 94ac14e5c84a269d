package app.loyalty.shared.runtime;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Reads the events Lambda hands to our functions into the aws-lambda-java-events classes, and writes their answers,
 * so every function is a {@code RequestStreamHandler} and the runtime client never runs its own serialization. That
 * path cannot be primed before a SnapStart snapshot (priming starts from a built event) and it loads joda-time from
 * the function's jar; this one is the project's Jackson, primed by feeding JSON bytes to the stream entry.
 * <p>
 * Separate from {@code Json.MAPPER} on purpose: that one refuses unknown fields because it reads client bodies,
 * while AWS adds fields to its payloads without notice, and a new field must never fail an invocation. It also
 * carries the names the DynamoDB Streams payload uses ({@code Records}, {@code NewImage}, {@code S}, {@code L} ...),
 * which differ from the bean names of the events library, as the runtime client's own mixins do.
 */
public final class LambdaJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // The runtime owns the response stream and reads it after the handler returns.
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .addMixIn(DynamodbEvent.class, DynamodbEventNames.class)
            .addMixIn(StreamRecord.class, StreamRecordNames.class)
            .addMixIn(AttributeValue.class, AttributeValueNames.class)
            .addMixIn(APIGatewayV2CustomAuthorizerEvent.class, AuthorizerEventNames.class)
            .build();

    private LambdaJson() {
    }

    public static <T> T read(InputStream input, Class<T> type) throws IOException {
        return MAPPER.readValue(input, type);
    }

    public static void write(OutputStream output, Object value) throws IOException {
        MAPPER.writeValue(output, value);
    }

    /**
     * Runs one SnapStart priming event through a function's stream entry, as JSON bytes the way Lambda delivers
     * events, so the snapshot holds the event parsing and answer writing too; the answer is dropped.
     */
    public static void prime(RequestStreamHandler function, byte[] event) {
        try {
            function.handleRequest(new ByteArrayInputStream(event), OutputStream.nullOutputStream(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens a generator on the response stream for answers whose shape is written field by field. */
    public static JsonGenerator generator(OutputStream output) throws IOException {
        return MAPPER.createGenerator(output);
    }

    abstract static class DynamodbEventNames {
        @JsonProperty("Records")
        abstract void setRecords(List<DynamodbEvent.DynamodbStreamRecord> records);
    }

    abstract static class StreamRecordNames {
        @JsonProperty("ApproximateCreationDateTime")
        @JsonDeserialize(using = EpochSeconds.class)
        abstract void setApproximateCreationDateTime(Date time);

        @JsonProperty("Keys")
        abstract void setKeys(Map<String, AttributeValue> keys);

        @JsonProperty("NewImage")
        abstract void setNewImage(Map<String, AttributeValue> image);

        @JsonProperty("OldImage")
        abstract void setOldImage(Map<String, AttributeValue> image);

        @JsonProperty("SequenceNumber")
        abstract void setSequenceNumber(String sequenceNumber);

        @JsonProperty("SizeBytes")
        abstract void setSizeBytes(Long sizeBytes);

        @JsonProperty("StreamViewType")
        abstract void setStreamViewType(StreamViewType type);
    }

    abstract static class AttributeValueNames {
        @JsonProperty("S")
        abstract void setS(String s);

        @JsonProperty("N")
        abstract void setN(String n);

        @JsonProperty("B")
        abstract void setB(ByteBuffer b);

        @JsonProperty("SS")
        abstract void setSS(Collection<String> ss);

        @JsonProperty("NS")
        abstract void setNS(Collection<String> ns);

        @JsonProperty("BS")
        abstract void setBS(Collection<ByteBuffer> bs);

        @JsonProperty("M")
        abstract void setM(Map<String, AttributeValue> m);

        @JsonProperty("L")
        abstract void setL(Collection<AttributeValue> l);

        @JsonProperty("NULL")
        abstract void setNULL(Boolean isNull);

        @JsonProperty("BOOL")
        abstract void setBOOL(Boolean bool);
    }

    /**
     * The authorizer event's request context is not read: its class holds a Joda formatter in a static field and
     * types {@code time} as a Joda DateTime, so creating one needs joda-time, which the jars leave out. The
     * authorizer takes the one field it uses, the request id, from the JSON itself.
     */
    @JsonIgnoreProperties({"requestContext"})
    abstract static class AuthorizerEventNames {
    }

    /** Streams give ApproximateCreationDateTime in epoch seconds (a fraction with millisecond precision). */
    static final class EpochSeconds extends StdDeserializer<Date> {
        EpochSeconds() {
            super(Date.class);
        }

        @Override
        public Date deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            BigDecimal seconds = parser.getDecimalValue();
            return new Date(seconds.movePointRight(3).longValue());
        }
    }
}
