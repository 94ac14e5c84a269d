package app.loyalty.local;

import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.store.LotItems;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No function can delete a ledger entry. IAM cannot enforce it alone: entries ({@code ENTRY#}) share the member's
 * partition with the open lots that a spend, a reversal or an expiry deletes (dynamodb:LeadingKeys only sees the
 * partition key; LeastPrivilegeTemplateTest limits DeleteItem to MEMBER# partitions). So the code is held to it: the
 * only delete anywhere in shared/ and functions/ is LotItems' move of an emptied lot, on a LOT# sort key, conditioned
 * on the lot's {@code remaining} (an attribute no ledger entry has). A new delete elsewhere fails this test and must be
 * reviewed (and listed here with its reason).
 */
class LedgerDeletionTest {
    private static final Pattern DELETE_CALL = Pattern.compile(
            "Delete\\.builder\\(|\\.delete\\(|DeleteItemRequest|\\.deleteItem\\(|DeleteRequest|BatchWriteItem|batchWriteItem");
    private static final Map<String, String> ALLOWED = Map.of(
            "LotItems.java", "an emptied lot leaves the open range (LOT# -> HIST#LOT#)",
            "MemberContacts.java", "a contact's uniqueness item (UNIQUE#...) is released by a contact change or an erasure");

    @Test
    void theOnlyDeleteInTheCode_isLotItemsMovingAnEmptiedLot() throws IOException {
        Map<String, Long> filesWithDeletes = new TreeMap<>();
        try (Stream<Path> roots = Stream.concat(Stream.of(Path.of("..", "shared")),
                Files.list(Path.of("..", "functions")))) {
            for (Path root : roots.toList()) {
                Path sources = root.resolve("src/main/java");
                if (!Files.isDirectory(sources)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(sources)) {
                    files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                        long calls = read(file).lines().filter(line -> DELETE_CALL.matcher(line).find()).count();
                        if (calls > 0) {
                            filesWithDeletes.merge(file.getFileName().toString(), calls, Long::sum);
                        }
                    });
                }
            }
        }

        assertThat(filesWithDeletes.keySet()).as("files with lines that delete items (each needs a reason in ALLOWED)")
                .isEqualTo(ALLOWED.keySet());
        assertThat(filesWithDeletes).containsEntry("LotItems.java", 1L);
    }

    @Test
    void lotItems_deletesByTheOpenLotKey_whichIsNeverALedgerEntryKey() {
        Instant earned = Instant.parse("2026-11-23T09:00:00Z");
        PointsLot lot = new PointsLot("ent_1", "mbr_1", 40, 40, earned, earned, null, "mch_1", "order-1");
        PointsLot spent = new PointsLot("ent_1", "mbr_1", 40, 0, earned, earned, null, "mch_1", "order-1");

        List<software.amazon.awssdk.services.dynamodb.model.TransactWriteItem> items =
                LotItems.change("loyalty", lot, spent);

        assertThat(items).filteredOn(item -> item.delete() != null).singleElement().satisfies(item -> {
            assertThat(item.delete().key().get("SK").s()).startsWith("LOT#").doesNotStartWith("ENTRY#");
            assertThat(item.delete().conditionExpression()).contains("remaining");
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
