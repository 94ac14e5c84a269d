package app.loyalty.functions.cardissuance;

import app.loyalty.shared.domain.member.ContactHasher;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.MemberContacts;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/programs/{programId}/contact-keys/rekey} (operator): one bounded page of the re-keying that ends a
 * contact hash key rotation (docs/members.md, "Rotating the contact hash key"). It walks the program's member index
 * (16 shards, in enrolment order) from the request's {@code cursor}, reads each member's phone, email and merchants'
 * customer ids from the profile the index projects, and for every value still held under the previous key (or held
 * under none: a member enrolled before contacts were unique) puts the current key's item and deletes the previous
 * key's, all in one transaction guarded by the owner's id. Values already re-keyed are left untouched, so a rerun
 * changes nothing; a value another member holds (two members enrolled before uniqueness) is left and counted. The
 * answer's {@code nextCursor} resumes the walk; absent, the program is done.
 */
final class ContactKeyRotation {
    /** Members per page unless the request says otherwise, and at most. */
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 25;
    /** Items one page may write: a transaction takes 100, and the idempotency record is one of them. */
    static final int MAX_WRITES = 90;

    record RekeyRequest(Integer limit, String cursor) {
        RekeyRequest {
            if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
                throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT);
            }
        }
    }

    record RekeyPage(String programId, String keyId, String previousKeyId, int membersRead, int valuesMoved,
                     int valuesCurrent, int valuesHeldByAnother, String nextCursor) {
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final ContactHasher hasher;
    private final MemberContacts contacts;
    private final ProgramRepository programs;
    private final IdempotentWriter writer;

    ContactKeyRotation(AppContext context, ContactHasher hasher) {
        this.dynamo = context.dynamo();
        this.table = context.tableName();
        this.clock = context.clock();
        this.hasher = hasher;
        this.contacts = new MemberContacts(dynamo, table, hasher);
        this.programs = new ProgramRepository(dynamo, table);
        this.writer = new IdempotentWriter(dynamo, table, clock);
    }

    ApiResponse rekey(ApiRequest request) {
        String programId = request.pathParameter("programId");
        RekeyRequest body = request.body(RekeyRequest.class);
        int limit = body.limit() == null ? DEFAULT_LIMIT : body.limit();
        MemberCrm.ListCursor start = body.cursor() == null ? new MemberCrm.ListCursor(0, null)
                : MemberCrm.ListCursor.decode(body.cursor());
        ContactHasher previous = hasher.previous().orElseThrow(() -> new ApiException(ProblemType.CONFLICT,
                "No contact hash key rotation is under way: set ContactHashPreviousKey and ContactHashPreviousKeyId "
                        + "to the key being replaced (docs/members.md); the current key is " + hasher.keyId()));
        programs.find(programId).orElseThrow(() -> ApiException.notFound("Program " + programId));
        return writer.execute(request, () -> page(programId, previous.keyId(), start, limit));
    }

    private IdempotentWriter.Write page(String programId, String previousKeyId, MemberCrm.ListCursor start, int limit) {
        Instant now = clock.instant();
        List<TransactWriteItem> items = new ArrayList<>();
        int read = 0;
        int moved = 0;
        int current = 0;
        int heldByAnother = 0;
        int shard = start.shard();
        String after = start.lastSortKey();
        while (shard < MemberRepository.PROGRAM_MEMBER_SHARDS && read < limit) {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(TableSchema.GSI1)
                    .keyConditionExpression("#pk = :pk").expressionAttributeNames(Map.of("#pk", TableSchema.GSI1_PK))
                    .expressionAttributeValues(Map.of(":pk", Attr.s(MemberRepository.programMembersPartition(programId, shard))))
                    .limit(limit - read);
            if (after != null) {
                query.exclusiveStartKey(MemberRepository.programMembersIndexKey(programId, shard, after));
            }
            QueryResponse response = dynamo.query(query.build());
            boolean pageFull = false;
            for (Map<String, AttributeValue> profile : response.items()) {
                List<MemberContacts.Claim> claims = MemberCrm.claimsOf(contacts, profile);
                List<TransactWriteItem> writes = new ArrayList<>();
                int memberMoved = 0;
                String memberId = Attr.string(profile, "memberId");
                for (MemberContacts.Claim claim : claims) {
                    switch (contacts.rekeyState(claim, memberId)) {
                        case CURRENT -> current++;
                        case HELD_BY_ANOTHER -> heldByAnother++;
                        case MOVE -> {
                            writes.addAll(contacts.rekey(claim, memberId, programId, now));
                            memberMoved++;
                        }
                    }
                }
                if (items.size() + writes.size() > MAX_WRITES) {
                    // This member's values would not fit: the page ends before it, and the next one starts with it.
                    pageFull = true;
                    break;
                }
                items.addAll(writes);
                moved += memberMoved;
                read++;
                after = Attr.string(profile, TableSchema.GSI1_SK);
            }
            if (pageFull) {
                break;
            }
            if (response.lastEvaluatedKey() == null || response.lastEvaluatedKey().isEmpty()) {
                shard++;
                after = null;
            }
        }
        String next = shard < MemberRepository.PROGRAM_MEMBER_SHARDS ? new MemberCrm.ListCursor(shard, after).encode() : null;
        RekeyPage answer = new RekeyPage(programId, hasher.keyId(), previousKeyId, read, moved, current, heldByAnother, next);
        return new IdempotentWriter.Write(200, answer, answer, items, List.of());
    }
}
