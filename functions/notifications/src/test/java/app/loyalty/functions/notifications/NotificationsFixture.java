package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.member.MemberProfile;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.LambdaJson;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Programs, members and real-shaped events (from events/eventbridge) for the notifications tests. */
final class NotificationsFixture {
    static final String PHONE = "+37369123456";
    static final String EMAIL = "ion@example.md";

    private final AppContext context;

    NotificationsFixture(AppContext context) {
        this.context = context;
    }

    String program() {
        return program(ProgramRules.DEFAULT_TIME_ZONE);
    }

    /** A program whose rules.timeZone (the one source of its calendar, quiet hours included) is {@code timeZone}. */
    String program(String timeZone) {
        String programId = "prg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Instant now = context.clock().instant();
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(context.dynamo(), context.tableName())
                        .create(new Program(programId, "Coffee Club", "EUR", ProgramRules.DEFAULT.withTimeZone(timeZone), now, now, 1))).build());
        return programId;
    }

    /** A member with a phone and an email, the given consents and (null: none) language preference. */
    String member(String programId, Consents consents, String language) {
        String memberId = "mbr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Map<String, String> preferences = language == null ? Map.of() : Map.of("language", language);
        Member member = new Member(memberId, programId, MemberKind.CUSTOMER,
                new MemberProfile("Ion Popescu", PHONE, EMAIL, null, preferences), consents, Member.Status.ACTIVE,
                "8000000000000003", context.clock().instant(), "mch_test");
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder()
                .transactItems(new MemberRepository(context.dynamo(), context.tableName()).enrol(member)).build());
        return memberId;
    }

    /** The sample event of events/eventbridge/{@code file}, about {@code memberId} of {@code programId}. */
    static ObjectNode event(String file, String programId, String memberId) {
        try (InputStream in = NotificationsFixture.class.getResourceAsStream("/eventbridge/" + file)) {
            if (in == null) {
                throw new IllegalStateException("No sample events/eventbridge/" + file);
            }
            ObjectNode event = (ObjectNode) LambdaJson.MAPPER.readTree(in);
            ((ObjectNode) event.get("detail")).put("programId", programId).put("memberId", memberId);
            return event;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode withDetail(ObjectNode event, String field, String value) {
        ObjectNode copy = event.deepCopy();
        ((ObjectNode) copy.get("detail")).put(field, value);
        return copy;
    }

    /** Invokes the handler as Lambda does (JSON in through the stream) and answers what it wrote. */
    static JsonNode invoke(NotificationsHandler handler, JsonNode event) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null);
            return LambdaJson.MAPPER.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode sendDeferred(NotificationsHandler handler) {
        return invoke(handler, LambdaJson.MAPPER.createObjectNode().put("job", NotificationsHandler.SEND_DEFERRED));
    }
}
