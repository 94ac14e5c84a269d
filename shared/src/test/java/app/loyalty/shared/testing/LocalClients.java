package app.loyalty.shared.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.time.Duration;

/** How every test client talks to a local endpoint: one region, dummy credentials, the URLConnection client. */
final class LocalClients {
    static final Region REGION = Region.EU_WEST_1;
    /** Letters only: DynamoDB Local refuses access key ids with other characters. */
    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private LocalClients() {
    }

    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder, URI endpoint) {
        return builder
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                // Set explicitly: DynamoDB Local drags the Apache and Netty clients onto the test classpath, and the
                // SDK refuses to pick one itself when it finds several.
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        // Generous: moto loads a service's backend on its first request, which can take seconds.
                        .socketTimeout(Duration.ofSeconds(30)));
    }
}
