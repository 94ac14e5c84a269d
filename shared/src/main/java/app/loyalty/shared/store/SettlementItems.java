package app.loyalty.shared.store;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Keys of the settlement items (docs/data-model.md, patterns S1-S6): a closed settlement
 * {@code SETTLEMENT#<programId>} / {@code PERIOD#<yyyy-mm>}, and the registry of programs with a partner agreement,
 * {@code SETTLEMENTS#REGISTRY} / {@code PROGRAM#<programId>}, which the monthly schedule reads instead of every program.
 */
public final class SettlementItems {
    public static final String REGISTRY_PK = "SETTLEMENTS#REGISTRY";

    private SettlementItems() {
    }

    public static Map<String, AttributeValue> settlementKey(String programId, String period) {
        return Attr.key(settlementPk(programId), "PERIOD#" + period);
    }

    public static String settlementPk(String programId) {
        return "SETTLEMENT#" + programId;
    }

    /** Registers a program for the monthly settlement run (a plain put: registering twice changes nothing). */
    public static TransactWriteItem register(String table, String programId, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(Attr.key(REGISTRY_PK, "PROGRAM#" + programId));
        item.put("programId", Attr.s(programId));
        item.put("registeredAt", Attr.s(now.toString()));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build();
    }
}
