package app.loyalty.local.reliability;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.SnsException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SNS as the notifications function sees it: every accepted publish is recorded (where it went and the text); while
 * it is {@link #down} every publish is refused with a 500 as SNS does when it is unavailable, recording nothing, and
 * {@link #failNext} refuses the next few only.
 * The message id is derived from the message, so the same message gets the same id whatever the order of sends.
 */
final class RecordingSns implements SnsClient {
    /** One accepted publish: the phone number (SMS) or topic (email, push), and the message. */
    record Sent(String target, String message) {
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean down;

    @Override
    public PublishResponse publish(PublishRequest request) {
        if (down || failuresLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            refused.incrementAndGet();
            throw (SnsException) SnsException.builder().statusCode(500)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalError")
                            .errorMessage("scenario: SNS is unavailable").build())
                    .build();
        }
        String target = request.phoneNumber() != null ? request.phoneNumber() : request.topicArn();
        sent.add(new Sent(target, request.message()));
        String id = UUID.nameUUIDFromBytes((target + "\n" + request.message()).getBytes(StandardCharsets.UTF_8)).toString();
        return PublishResponse.builder().messageId(id).build();
    }

    /** Refuses the next {@code count} publishes. */
    void failNext(int count) {
        failuresLeft.set(count);
    }

    /** SNS unavailable (true) or back (false). */
    void down(boolean unavailable) {
        down = unavailable;
    }

    List<Sent> sent() {
        return List.copyOf(sent);
    }

    int refused() {
        return refused.get();
    }

    void clear() {
        sent.clear();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        // nothing held
    }
}
