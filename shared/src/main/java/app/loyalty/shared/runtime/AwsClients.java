package app.loyalty.shared.runtime;

import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.time.Duration;

/**
 * Builds AWS SDK clients the way every function wants them: explicit region and credentials provider (no
 * provider-chain probing at cold start), the small URLConnection HTTP client, built once at init.
 * Endpoints are left to the SDK, which honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_&lt;SERVICE&gt;
 * (and the matching aws.endpointUrl* system properties), so the same jar runs on Lambda and against emulators.
 */
public final class AwsClients {
    private AwsClients() {
    }

    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder) {
        String region = Environment.optional("AWS_REGION").orElse("eu-west-1");
        return builder
                .region(Region.of(region))
                // Lambda puts the role's credentials in environment variables; the local runtime uses system properties.
                .credentialsProvider(AwsCredentialsProviderChain.of(
                        EnvironmentVariableCredentialsProvider.create(), SystemPropertyCredentialsProvider.create()))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(5)))
                .build();
    }
}
