package app.loyalty.shared.testing;

import app.loyalty.shared.domain.ledger.Actor;
import app.loyalty.shared.domain.ledger.EntryMeta;
import app.loyalty.shared.domain.ledger.LedgerChange;
import app.loyalty.shared.domain.ledger.MemberLedger;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.LedgerEntryItems;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.UpdateExpression;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for a redemption (a later issue): spends a member's available points through the ledger domain and
 * writes the change as production writes do (lots updated or moved to history, the entry, the profile's figures),
 * so tests can exercise the return policy for spent points.
 */
public final class Spends {
    private Spends() {
    }

    /** Spends {@code points}; answers false (writing nothing) when {@code points} is 0. */
    public static boolean spend(AppContext context, String memberId, String programId, String merchantId, long points,
                                String orderId, String entryId) {
        if (points == 0) {
            return false;
        }
        Instant now = context.clock().instant();
        MemberRepository members = new MemberRepository(context.dynamo(), context.tableName());
        MemberRepository.MemberState state = members.loadWithOpenLots(memberId).orElseThrow();
        MemberLedger ledger = new MemberLedger(memberId, programId, LotItems.fromItems(state.lotItems()));
        LedgerChange change = ledger.spend(new EntryMeta(entryId, now, Actor.merchant(merchantId), "redemption"),
                points, orderId);
        List<TransactWriteItem> items = new ArrayList<>();
        PointsFigures.Change figures = PointsFigures.Change.none(now);
        for (PointsLot changed : change.changedLots()) {
            PointsLot read = ledger.lot(changed.lotId()).orElseThrow();
            items.addAll(LotItems.change(context.tableName(), read, changed));
            figures = figures.plus(PointsFigures.Change.changed(read, changed, now));
        }
        items.add(LedgerEntryItems.append(context.tableName(), change.entry()));
        UpdateExpression profile = new UpdateExpression().condition("attribute_exists(PK)");
        MemberFigures.apply(profile, state.profileItem(), figures, now);
        items.add(profile.build(context.tableName(), MemberRepository.profileKey(memberId)));
        context.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
        return true;
    }
}
