package app.loyalty.local.testfunctions;

import app.loyalty.shared.runtime.AwsClients;
import app.loyalty.shared.runtime.Environment;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

import java.util.Map;

/**
 * Target of an AWS::Events::Rule: publishes each event's detail to the topic in TOPIC_ARN with the real SNS
 * client, built like the functions build theirs (no-argument constructor, endpoint from the SDK's settings).
 */
public final class NotifierHandler implements RequestHandler<Map<String, Object>, String> {
    private final SnsClient sns = AwsClients.build(SnsClient.builder());
    private final String topicArn = Environment.require("TOPIC_ARN");

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        return sns.publish(r -> r.topicArn(topicArn).subject("Thing happened")
                .message(String.valueOf(event.get("detail")))
                .messageAttributes(Map.of("channel", MessageAttributeValue.builder()
                        .dataType("String").stringValue("email").build()))).messageId();
    }
}
