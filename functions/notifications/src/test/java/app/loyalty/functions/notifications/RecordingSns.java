package app.loyalty.functions.notifications;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.SnsException;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** An SNS client that keeps what it was asked to publish, and refuses every publish while {@link #failing} is set. */
final class RecordingSns implements SnsClient {
    final List<PublishRequest> published = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    @Override
    public PublishResponse publish(PublishRequest request) {
        if (failing) {
            throw (SnsException) SnsException.builder().statusCode(500)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalError").errorMessage("try again").build())
                    .build();
        }
        published.add(request);
        return PublishResponse.builder().messageId(UUID.randomUUID().toString()).build();
    }

    @Override
    public String serviceName() {
        return "sns";
    }

    @Override
    public void close() {
    }
}
