package app.loyalty.functions.notifications;

import app.loyalty.functions.notifications.MessageLog.Outcome;
import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.notify.Channel;
import app.loyalty.shared.domain.notify.DefaultTemplates;
import app.loyalty.shared.domain.notify.Language;
import app.loyalty.shared.domain.notify.MessageTemplate;
import app.loyalty.shared.domain.notify.NotificationSettings;
import app.loyalty.shared.http.RequestLog;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.TableSchema;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a loyalty event into at most one message per channel and sends it through SNS.
 * <ol>
 *   <li>Reads the member's profile (contact, consents, language): events carry ids only.</li>
 *   <li>Drops what arrived too late to mean anything (an expiry warning after the expiry, a tier change older than
 *       the last one told): recorded as {@code skipped-stale}, sent never.</li>
 *   <li>Per channel the program uses for the event, the member consented to and has a contact for: claims the
 *       message with a conditional put keyed by event id and channel (the de-duplication), then publishes it, or,
 *       in the program's quiet hours, leaves it in the due index for {@link #sendDue}.</li>
 * </ol>
 * A failed publish is recorded as {@code failed} and the invocation fails, so Lambda retries the event (twice) and
 * then hands it to the dead-letter queue; a retry takes over only the failed messages, never the sent ones.
 */
final class Notifier {
    static final Duration RETRY_DEFERRED_AFTER = Duration.ofMinutes(15);
    static final int MAX_DEFERRED_ATTEMPTS = 3;
    static final int DUE_BATCH = 100;

    private final AppContext context;
    private final SnsClient sns;
    private final String topicArn;
    private final MemberRepository members;
    private final SettingsRepository settings;
    private final MessageLog log;
    private final ObjectMapper json;
    private final RequestLog requestLog;

    Notifier(AppContext context, SnsClient sns, String topicArn, RequestLog requestLog) {
        this.context = context;
        this.sns = sns;
        this.topicArn = topicArn;
        this.members = new MemberRepository(context.dynamo(), context.tableName());
        this.settings = new SettingsRepository(context.dynamo(), context.tableName(), context.clock(), context.json());
        this.log = new MessageLog(context.dynamo(), context.tableName());
        this.json = context.json();
        this.requestLog = requestLog;
    }

    /** What one event came to, per channel (for the log line and tests). */
    record Result(Map<String, String> outcomes) {
    }

    Result onEvent(String detailType, JsonNode detail) {
        if (!DefaultTemplates.EVENT_TYPES.contains(detailType)) {
            logLine("ignored", Map.of("detailType", String.valueOf(detailType)));
            return new Result(Map.of());
        }
        NotificationEvent event = NotificationEvent.of(detailType, detail);
        Optional<MemberRepository.MemberState> state = members.load(event.memberId());
        if (state.isEmpty() || !state.get().member().programId().equals(event.programId())) {
            // Events are written with the member in one transaction, so this is a foreign or hand-made event.
            logLine("member-not-found", Map.of("eventId", event.eventId()));
            return new Result(Map.of());
        }
        Member member = state.get().member();
        NotificationSettings programSettings = settings.cached(event.programId());
        String language = programSettings.languageFor(member.profile().preferences().get(Language.PREFERENCE));
        Instant now = context.clock().instant();
        boolean stale = isStale(event, now);
        Map<String, String> outcomes = new java.util.TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Channel channel : programSettings.channelsFor(event.type())) {
            if (!reachable(member, channel)) {
                continue; // no consent or no contact: nothing is sent and nothing recorded about that channel
            }
            String templateSource = programSettings.templates().getOrDefault(event.type(), Map.of()).containsKey(language)
                    ? "program" : "default";
            Optional<Instant> deferUntil = programSettings.effectiveQuietHours().deferUntil(now, programSettings.zone());
            Outcome initial = stale ? Outcome.SKIPPED_STALE : deferUntil.isPresent() ? Outcome.DEFERRED : Outcome.SENDING;
            Map<String, AttributeValue> record = MessageLog.newRecord(event, channel, language, templateSource, initial, now);
            if (initial == Outcome.DEFERRED) {
                MessageLog.deferUntil(record, deferUntil.get(), detail.toString());
            }
            String sortKey = Attr.string(record, TableSchema.SK);
            MessageLog.Claim claim = log.claim(record);
            if (!claim.claimed()) {
                String existing = Attr.optionalString(claim.existing(), "outcome").orElse("");
                if (!existing.equals(Outcome.FAILED.wire()) || !log.takeOver(event.memberId(), sortKey, Outcome.FAILED)) {
                    outcomes.put(channel.wireName(), "duplicate");
                    continue;
                }
            } else if (initial != Outcome.SENDING) {
                outcomes.put(channel.wireName(), initial.wire());
                continue;
            }
            outcomes.put(channel.wireName(), send(event, member, channel, language, programSettings, sortKey, now)
                    .map(errorCode -> {
                        failures.add(channel.wireName() + ":" + errorCode);
                        log.failed(event.memberId(), sortKey, errorCode);
                        return Outcome.FAILED.wire();
                    }).orElse(Outcome.SENT.wire()));
        }
        Map<String, Object> line = new HashMap<>();
        line.put("eventId", event.eventId());
        line.put("detailType", event.type());
        line.putAll(outcomes);
        logLine("event", line);
        if (!failures.isEmpty()) {
            // Lambda's retries take the failed channels over; after them the event goes to the dead-letter queue.
            throw new NotificationFailedException("Publishing failed for event " + event.eventId() + ": " + failures);
        }
        return new Result(outcomes);
    }

    /**
     * Out of order, some events say something no longer true: a warning about points whose expiry has passed, or a
     * tier change older than the last one the member was told about (the member's latest-tier marker, moved
     * forward only, decides: a redelivery of the latest is not stale, it is a duplicate the claim catches).
     */
    private boolean isStale(NotificationEvent event, Instant now) {
        if (event.type().equals(DefaultTemplates.POINTS_EXPIRING_SOON)) {
            Optional<Instant> expiresAt = instant(event.detail(), "expiresAt");
            return expiresAt.isPresent() && !expiresAt.get().isAfter(now);
        }
        if (event.type().equals(DefaultTemplates.TIER_CHANGED)) {
            String at = event.detail().path("at").asText(event.occurredAt());
            try {
                context.dynamo().updateItem(UpdateItemRequest.builder().tableName(context.tableName())
                        .key(MessageLog.key(event.memberId(), "LATEST#TierChanged"))
                        .updateExpression("SET #at = :at, eventId = :eventId")
                        .conditionExpression("attribute_not_exists(#at) OR #at < :at OR eventId = :eventId")
                        .expressionAttributeNames(Map.of("#at", "at"))
                        .expressionAttributeValues(Map.of(":at", Attr.s(at), ":eventId", Attr.s(event.eventId())))
                        .build());
                return false;
            } catch (ConditionalCheckFailedException newerAlreadyKnown) {
                return true;
            }
        }
        return false;
    }

    void logLine(String what, Map<String, Object> fields) {
        Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("level", "INFO");
        line.put("function", "notifications");
        line.put("what", what);
        line.putAll(fields);
        requestLog.write(line);
    }

    static boolean reachable(Member member, Channel channel) {
        Consents consents = member.consents();
        return switch (channel) {
            case SMS -> consents.sms() && member.profile().phone() != null;
            case EMAIL -> consents.email() && member.profile().email() != null;
            case PUSH -> consents.push();
        };
    }

    /** Publishes one message; answers the error code when SNS refused it or could not be reached. */
    private Optional<String> send(NotificationEvent event, Member member, Channel channel, String language,
                                  NotificationSettings programSettings, String sortKey, Instant now) {
        MessageTemplate template = programSettings.template(event.type(), language).orElseThrow(() ->
                new IllegalStateException("No template for " + event.type() + " in " + language));
        MessageTemplate.Rendered text = template.render(values(event.detail(), programSettings));
        return publish(channel, member, event.programId(), event.eventId(), language, text.subject(), text.body(), sortKey, now);
    }

    /**
     * Publishes one rendered message (an event's or a campaign's, {@code eventId} being the campaign id then) and
     * records it sent; answers the error code when SNS refused it or could not be reached.
     */
    Optional<String> publish(Channel channel, Member member, String programId, String eventId, String language,
                             String subject, String body, String sortKey, Instant now) {
        PublishRequest.Builder request = PublishRequest.builder().messageAttributes(Map.of(
                "channel", stringAttribute(channel.wireName()),
                "programId", stringAttribute(programId)));
        if (channel == Channel.SMS) {
            request.phoneNumber(member.profile().phone()).message(body);
        } else {
            // Email and push share the topic; subscriptions filter on the channel attribute. The delivery adapter
            // behind an email subscription needs the address; push adapters resolve device tokens by memberId.
            ObjectNode message = json.createObjectNode()
                    .put("channel", channel.wireName())
                    .put("memberId", member.memberId())
                    .put("programId", programId)
                    .put("eventId", eventId)
                    .put("language", language)
                    .put("subject", subject)
                    .put("body", body);
            if (channel == Channel.EMAIL) {
                message.put("to", member.profile().email());
            }
            request.topicArn(topicArn).message(message.toString());
        }
        try {
            String messageId = sns.publish(request.build()).messageId();
            log.sent(member.memberId(), sortKey, messageId, now);
            return Optional.empty();
        } catch (AwsServiceException refused) {
            return Optional.of(refused.awsErrorDetails() == null || refused.awsErrorDetails().errorCode() == null
                    ? "HTTP" + refused.statusCode() : refused.awsErrorDetails().errorCode());
        } catch (SdkException unreachable) {
            return Optional.of("ClientError");
        }
    }

    private static MessageAttributeValue stringAttribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    /** Placeholder values from the event: amounts as they are, dates in the program's time zone, no personal data. */
    static Map<String, String> values(JsonNode detail, NotificationSettings programSettings) {
        Map<String, String> values = new HashMap<>();
        if (detail.path("points").canConvertToLong()) {
            values.put("points", Long.toString(detail.path("points").asLong()));
        }
        instant(detail, "expiresAt").ifPresent(at -> values.put("expiresOn", at.atZone(programSettings.zone()).toLocalDate().toString()));
        if (detail.hasNonNull("toTier")) {
            values.put("tier", detail.path("toTier").asText());
        }
        if (detail.path("discountBp").canConvertToLong()) {
            values.put("discountPercent", BigDecimal.valueOf(detail.path("discountBp").asLong(), 2).stripTrailingZeros().toPlainString());
        }
        return values;
    }

    private static Optional<Instant> instant(JsonNode detail, String field) {
        if (!detail.hasNonNull(field)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(detail.path(field).asText()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("The event's " + field + " is not an instant: " + detail.path(field).asText(), e);
        }
    }

    /**
     * The sweep (schedule every 15 minutes): sends deferred messages whose quiet hours are over, at most
     * {@link #DUE_BATCH} per shard per run. Consent and contact are read again at send time, since the member may
     * have withdrawn them meanwhile. A failed publish goes back into the due index, up to
     * {@link #MAX_DEFERRED_ATTEMPTS} attempts; then it stays failed and the run fails (alarm, DLQ).
     */
    int sendDue() {
        Instant now = context.clock().instant();
        int sent = 0;
        List<String> exhausted = new ArrayList<>();
        for (int shard = 0; shard < MessageLog.DUE_SHARDS; shard++) {
            for (Map<String, AttributeValue> item : log.due(shard, now, DUE_BATCH)) {
                String memberId = Attr.string(item, "memberId");
                String sortKey = Attr.string(item, TableSchema.SK);
                if (!log.takeOver(memberId, sortKey, Outcome.DEFERRED)) {
                    continue; // another sweep took it
                }
                JsonNode detail;
                try {
                    detail = json.readTree(Attr.string(item, "detail"));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("Stored detail of deferred message " + sortKey + " does not parse", e);
                }
                NotificationEvent event = NotificationEvent.of(Attr.string(item, "eventType"), detail);
                Channel channel = Channel.fromWire(Attr.string(item, "channel"));
                Optional<Member> member = members.load(memberId).map(MemberRepository.MemberState::member);
                if (member.isEmpty() || !reachable(member.get(), channel)) {
                    log.skipped(memberId, sortKey, Outcome.SKIPPED_NO_CONSENT);
                    continue;
                }
                NotificationSettings programSettings = settings.cached(event.programId());
                Optional<String> error = send(event, member.get(), channel, Attr.string(item, "language"), programSettings, sortKey, now);
                if (error.isEmpty()) {
                    sent++;
                } else if (Attr.number(item, "attempts") + 1 < MAX_DEFERRED_ATTEMPTS) {
                    log.redefer(memberId, sortKey, event.eventId(), channel.wireName(), now.plus(RETRY_DEFERRED_AFTER), error.get());
                } else {
                    log.failed(memberId, sortKey, error.get());
                    exhausted.add(sortKey + ":" + error.get());
                }
            }
        }
        logLine("sweep", Map.of("sent", sent, "failed", exhausted.size()));
        if (!exhausted.isEmpty()) {
            throw new NotificationFailedException("Deferred messages failed for good: " + exhausted);
        }
        return sent;
    }

    /** A publish failed: the invocation fails so Lambda retries it and, after the retries, the DLQ keeps it. */
    static final class NotificationFailedException extends RuntimeException {
        NotificationFailedException(String message) {
            super(message);
        }
    }
}
