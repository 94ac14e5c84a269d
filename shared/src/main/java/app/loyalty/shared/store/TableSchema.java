package app.loyalty.shared.store;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

import java.util.List;

/**
 * The single table's key schema: the one source of truth. Tests and the local runtime create tables from
 * {@link #createTableRequest(String)}; a template test checks template.yaml declares the same keys and indexes.
 * docs/data-model.md lists every item type and access pattern.
 */
public final class TableSchema {
    public static final String PK = "PK";
    public static final String SK = "SK";
    /** GSI1: secondary lookups (a program's members, a member's orders). */
    public static final String GSI1 = "GSI1";
    public static final String GSI1_PK = "GSI1PK";
    public static final String GSI1_SK = "GSI1SK";
    /** GSI2: the sharded date index the expiry job reads (EXPIRES#date#shard). */
    public static final String GSI2 = "GSI2";
    public static final String GSI2_PK = "GSI2PK";
    public static final String GSI2_SK = "GSI2SK";
    /**
     * GSI3: the day the bonus-expiry job next looks at a member's discount level (LEVEL#date#shard on the PROFILE:
     * the warning day before the level falls, then the day it falls; LevelFallIndex).
     */
    public static final String GSI3 = "GSI3";
    public static final String GSI3_PK = "GSI3PK";
    public static final String GSI3_SK = "GSI3SK";
    /** Epoch seconds after which DynamoDB may delete the item (idempotency records, holds). */
    public static final String TTL = "ttl";
    /** Events to relay to the bus, written in the same transaction as the state change they describe. */
    public static final String OUTBOX = "outbox";

    private TableSchema() {
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        string(PK), string(SK), string(GSI1_PK), string(GSI1_SK), string(GSI2_PK), string(GSI2_SK),
                        string(GSI3_PK), string(GSI3_SK))
                .keySchema(hash(PK), range(SK))
                .globalSecondaryIndexes(
                        index(GSI1, GSI1_PK, GSI1_SK),
                        index(GSI2, GSI2_PK, GSI2_SK),
                        index(GSI3, GSI3_PK, GSI3_SK))
                .streamSpecification(StreamSpecification.builder()
                        .streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE).build())
                .build();
    }

    public static List<String> keyAttributes() {
        return List.of(PK, SK, GSI1_PK, GSI1_SK, GSI2_PK, GSI2_SK, GSI3_PK, GSI3_SK);
    }

    private static GlobalSecondaryIndex index(String name, String pk, String sk) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(hash(pk), range(sk))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build();
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
    }

    private static KeySchemaElement range(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.RANGE).build();
    }
}
