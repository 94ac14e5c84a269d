package app.loyalty.shared.store;

import app.loyalty.shared.domain.settlement.MerchantTerms;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ProblemType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.HashMap;
import java.util.Map;

/**
 * A merchant's prepaid points budget (docs/settlement.md): {@code PK=BUDGET#<programId>, SK=MERCHANT#<merchantId>} (a partition of its own, so purchase-accrual writes no program item)
 * with {@code issued}, the points its purchases issued in total, created by the first. The budget itself
 * ({@code prepaidPoints}) and the low mark are in the program's agreement.
 *
 * <p>A purchase reads the item (consistent), refuses what the budget cannot cover (422, nothing written), and
 * adds its points inside its one transaction under a condition that holds only if no concurrent purchase changed
 * the answer: never past the budget, and the purchase that moves {@code issued} across the low mark is the only one
 * that can commit with MerchantBudgetLow. A lost condition re-prepares the purchase from a new read.
 */
public final class MerchantBudgets {
    private final DynamoDbClient dynamo;
    private final String table;

    public MerchantBudgets(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public static Map<String, AttributeValue> key(String programId, String merchantId) {
        return Attr.key("BUDGET#" + programId, "MERCHANT#" + merchantId);
    }

    /** Points the merchant has issued against its budget so far (0 before its first). */
    public long issued(String programId, String merchantId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table).consistentRead(true)
                .key(key(programId, merchantId)).build()).item();
        return item == null || item.isEmpty() ? 0 : Attr.optionalNumber(item, "issued").orElse(0L);
    }

    /** The budget's part of a purchase: the update, and whether it is the one that makes the budget low. */
    public record Spend(TransactWriteItem item, boolean becomesLow, long issuedAfter) {
    }

    /**
     * Spends {@code points} of the budget, {@code issuedRead} having been read just before.
     *
     * @throws ApiException merchant-budget-exhausted (422) when the budget cannot cover the points
     */
    public static Spend spend(String table, String programId, String merchantId, MerchantTerms terms, long points,
                              long issuedRead) {
        long prepaid = terms.prepaidPoints();
        if (points > prepaid - issuedRead) {
            throw new ApiException(ProblemType.MERCHANT_BUDGET_EXHAUSTED, "Merchant " + merchantId + " has "
                    + Math.max(0, prepaid - issuedRead) + " points left of its prepaid budget of " + prepaid
                    + "; this purchase would issue " + points, Map.of("merchantId", merchantId,
                    "prepaidPoints", prepaid, "remainingPoints", Math.max(0, prepaid - issuedRead), "points", points));
        }
        Long lowMark = terms.lowMark();
        long after = issuedRead + points;
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":points", Attr.n(points),
                ":programId", Attr.s(programId), ":merchantId", Attr.s(merchantId)));
        String condition;
        boolean becomesLow = false;
        if (lowMark == null || issuedRead >= lowMark) {
            // Issued only grows, so a budget already low stays low: only the ceiling matters.
            condition = "attribute_not_exists(#issued) OR #issued <= :ceiling";
            values.put(":ceiling", Attr.n(prepaid - points));
        } else if (after < lowMark) {
            // Stays above the low mark only if nobody moved issued close to it meanwhile.
            condition = "attribute_not_exists(#issued) OR #issued < :below";
            values.put(":below", Attr.n(lowMark - points));
        } else {
            // This purchase crosses the mark: exactly on the value read, so one purchase alone publishes the event.
            becomesLow = true;
            if (issuedRead == 0) {
                condition = "attribute_not_exists(#issued) OR #issued = :read";
            } else {
                condition = "#issued = :read";
            }
            values.put(":read", Attr.n(issuedRead));
        }
        TransactWriteItem item = TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(programId, merchantId))
                .updateExpression("ADD #issued :points SET programId = :programId, merchantId = :merchantId")
                .conditionExpression(condition)
                .expressionAttributeNames(Map.of("#issued", "issued"))
                .expressionAttributeValues(values).build()).build();
        return new Spend(item, becomesLow, after);
    }
}
