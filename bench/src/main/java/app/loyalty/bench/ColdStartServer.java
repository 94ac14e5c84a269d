package app.loyalty.bench;

import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.testing.DynamoDbLocal;
import app.loyalty.shared.testing.TestTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * The DynamoDB Local that cold-start.sh's fresh JVMs talk to, in a process of its own so that none of its start-up
 * lands in their timings: starts the server on loopback, creates a table with the production schema and the bench
 * program, prints {@code endpoint=}, {@code table=} and {@code ready}, then serves until its standard input closes
 * or {@code maxSeconds} (first argument, default 600) pass, and exits (System.exit runs DynamoDbLocal's stop hook).
 */
public final class ColdStartServer {
    private ColdStartServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Duration lifetime = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 600);
        SqliteNatives.configure();
        DynamoDbClient dynamo = DynamoDbLocal.client();
        String table = TestTables.create(dynamo);
        dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                new ProgramRepository(dynamo, table).create(BenchData.PROGRAM)).build());
        System.out.println("endpoint=" + DynamoDbLocal.endpoint());
        System.out.println("table=" + table);
        System.out.println("programId=" + BenchData.PROGRAM_ID);
        System.out.println("merchantId=" + BenchData.MERCHANT_ID);
        System.out.println("ready");
        System.out.flush();

        Instant deadline = Instant.now().plus(lifetime);
        while (Instant.now().isBefore(deadline)) {
            if (System.in.available() > 0 && System.in.read() < 0) {
                break;
            }
            Thread.sleep(200);
        }
        System.exit(0);
    }
}
