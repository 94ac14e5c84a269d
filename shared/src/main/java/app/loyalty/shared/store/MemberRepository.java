package app.loyalty.shared.store;

import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.member.MemberProfile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Members and cards. The member partition (PK MEMBER#id) holds the PROFILE item (the only item with PII),
 * the member's lots (SK LOT#...) and ledger entries (SK ENTRY#...). Cards: PK CARD#number, SK CARD.
 */
public final class MemberRepository {
    public static final String PROFILE = "PROFILE";
    public static final String LOT_PREFIX = "LOT#";
    /** Profile map merchantId -> that merchant's customer id for the member (personal data: erased with the rest). */
    public static final String EXTERNAL_IDS = "externalIds";

    private final DynamoDbClient dynamo;
    private final String tableName;

    public MemberRepository(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
    }

    public static String memberPk(String memberId) {
        return "MEMBER#" + memberId;
    }

    public static Map<String, AttributeValue> profileKey(String memberId) {
        return Attr.key(memberPk(memberId), PROFILE);
    }

    public static Map<String, AttributeValue> cardKey(String cardNumber) {
        return Attr.key("CARD#" + cardNumber, "CARD");
    }

    /**
     * A member as read: the profile item (with its points figures) and, when asked for, the open lots (points left).
     * Closed lots are never read here.
     */
    public record MemberState(Member member, List<Map<String, AttributeValue>> lotItems, Map<String, AttributeValue> profileItem) {
    }

    /** The profile alone (one consistent GetItem): what a balance, a purchase or GET member need. */
    public Optional<MemberState> load(String memberId) {
        Map<String, AttributeValue> profile = dynamo.getItem(GetItemRequest.builder().tableName(tableName)
                .key(profileKey(memberId)).consistentRead(true).build()).item();
        return profile == null || profile.isEmpty() ? Optional.empty()
                : Optional.of(new MemberState(memberFromItem(profile), List.of(), profile));
    }

    /**
     * The profile and the open lots in one consistent Query of the range LOT# .. PROFILE (open lots sort before
     * PROFILE; ledger entries and closed lots, HIST#..., sort before LOT# and are not read).
     */
    public Optional<MemberState> loadWithOpenLots(String memberId) {
        List<Map<String, AttributeValue>> lots = new ArrayList<>();
        Map<String, AttributeValue> profile = null;
        Map<String, AttributeValue> startKey = null;
        do {
            var page = dynamo.query(QueryRequest.builder().tableName(tableName)
                    .keyConditionExpression("PK = :pk AND SK BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(memberPk(memberId)), ":from", Attr.s(LOT_PREFIX),
                            ":to", Attr.s(PROFILE)))
                    .exclusiveStartKey(startKey)
                    .consistentRead(true)
                    .build());
            for (Map<String, AttributeValue> item : page.items()) {
                String sk = Attr.string(item, TableSchema.SK);
                if (sk.startsWith(LOT_PREFIX)) {
                    lots.add(item);
                } else if (sk.equals(PROFILE)) {
                    profile = item;
                }
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return profile == null ? Optional.empty() : Optional.of(new MemberState(memberFromItem(profile), lots, profile));
    }

    public Optional<Card> findCard(String cardNumber) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(tableName)
                .key(cardKey(cardNumber)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(cardFromItem(item));
    }

    /** Shards of the program member index (GSI1 {@code MEMBERS#<programId>#<shard>}), as the expiry indexes. */
    public static final int PROGRAM_MEMBER_SHARDS = LotItems.EXPIRY_SHARDS;

    /** The GSI1 partition holding one shard of a program's member profiles, sorted by enrolment instant. */
    public static String programMembersPartition(String programId, int shard) {
        return "MEMBERS#" + programId + "#" + shard;
    }

    /**
     * The GSI1 key of a profile in the program member index, for resuming a Query after {@code sortKey}
     * ({@code <enrolledAt>#<memberId>}): the item's primary key follows from its sort key.
     */
    public static Map<String, AttributeValue> programMembersIndexKey(String programId, int shard, String sortKey) {
        String memberId = sortKey.substring(sortKey.lastIndexOf('#') + 1);
        Map<String, AttributeValue> key = new java.util.LinkedHashMap<>(profileKey(memberId));
        key.put(TableSchema.GSI1_PK, Attr.s(programMembersPartition(programId, shard)));
        key.put(TableSchema.GSI1_SK, Attr.s(sortKey));
        return key;
    }

    /** The member's profile with a first card of the standard kind. */
    public TransactWriteItem enrol(Member member) {
        return enrol(member, app.loyalty.shared.domain.discount.card.CardKind.STANDARD);
    }

    /** The member's profile with its first card, whose kind the profile keeps for the discount card. */
    public TransactWriteItem enrol(Member member, String cardKind) {
        return enrol(member, cardKind, Map.of());
    }

    /**
     * As {@link #enrol(Member, String)}, with further profile attributes (the merchants' customer ids
     * {@value #EXTERNAL_IDS}, {@code tags}): they are part of the profile, the only item with personal data.
     */
    public TransactWriteItem enrol(Member member, String cardKind, Map<String, AttributeValue> extraAttributes) {
        Map<String, AttributeValue> item = new HashMap<>(profileKey(member.memberId()));
        item.putAll(extraAttributes);
        item.put("memberId", Attr.s(member.memberId()));
        item.put("programId", Attr.s(member.programId()));
        item.put("kind", Attr.s(member.kind().name()));
        item.put("status", Attr.s(member.status().name()));
        item.put("cardNumber", Attr.s(member.cardNumber()));
        item.put(CardLevels.CARD_KIND, Attr.s(cardKind));
        item.put("enrolledAt", Attr.s(member.enrolledAt().toString()));
        item.put("enrolledBy", Attr.s(member.enrolledByMerchantId()));
        // The program's member index: campaigns, segments and the operator's member list page through a program's
        // members by shard, never by scanning the table (docs/data-model.md, pattern 38).
        item.put(TableSchema.GSI1_PK, Attr.s(programMembersPartition(member.programId(), LotItems.shardOf(member.memberId()))));
        item.put(TableSchema.GSI1_SK, Attr.s(member.enrolledAt() + "#" + member.memberId()));
        item.put("version", Attr.n(0));
        // Rolling figures purchases keep with atomic updates (see PurchaseStats): nested map paths need the maps.
        item.put("purchaseCount", Attr.n(0));
        item.put("totalSpend", Attr.n(0));
        item.put(MemberStats.SPEND_BY_DAY, AttributeValue.fromM(Map.of()));
        item.put("pointsByDay", AttributeValue.fromM(Map.of()));
        item.putAll(MemberFigures.initial());
        MemberProfile profile = member.profile();
        item.put("name", Attr.s(profile.name()));
        if (profile.phone() != null) {
            item.put("phone", Attr.s(profile.phone()));
        }
        if (profile.email() != null) {
            item.put("email", Attr.s(profile.email()));
        }
        if (profile.birthDate() != null) {
            item.put("birthDate", Attr.s(profile.birthDate().toString()));
        }
        item.put("preferences", AttributeValue.fromM(profile.preferences().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> Attr.s(e.getValue())))));
        Consents consents = member.consents();
        item.put("consents", AttributeValue.fromM(Map.of(
                "sms", Attr.bool(consents.sms()), "email", Attr.bool(consents.email()), "push", Attr.bool(consents.push()),
                "sharePartners", Attr.bool(consents.sharePartners()))));
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    public TransactWriteItem issueCard(Card card) {
        Map<String, AttributeValue> item = new HashMap<>(cardKey(card.cardNumber()));
        item.put("cardNumber", Attr.s(card.cardNumber()));
        item.put("memberId", Attr.s(card.memberId()));
        item.put("programId", Attr.s(card.programId()));
        item.put("status", Attr.s(card.status().name()));
        item.put("issuedAt", Attr.s(card.issuedAt().toString()));
        item.put("kind", Attr.s(card.kind()));
        // A colliding number fails the transaction instead of overwriting another member's card.
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
    }

    /** Blocks a card that is still active, recording when, why and its replacement ({@link Card#blockedFor}). */
    public TransactWriteItem blockCard(Card blocked) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(cardKey(blocked.cardNumber()))
                .updateExpression("SET #status = :blocked, blockedAt = :now, blockReason = :reason, replacedBy = :replacement")
                .conditionExpression("#status = :active")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(
                        ":blocked", Attr.s(Card.Status.BLOCKED.name()), ":active", Attr.s(Card.Status.ACTIVE.name()),
                        ":now", Attr.s(blocked.blockedAt().toString()), ":reason", Attr.s(blocked.blockReason()),
                        ":replacement", Attr.s(blocked.replacedBy())))
                .build()).build();
    }

    /** Points the member at its new card (and its kind), if it still holds the one being replaced. */
    public TransactWriteItem switchCard(String memberId, String previousCard, String newCard, String newKind) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(profileKey(memberId))
                .updateExpression("SET cardNumber = :new, " + CardLevels.CARD_KIND + " = :kind ADD #version :one")
                .expressionAttributeNames(Map.of("#version", "version"))
                .conditionExpression("cardNumber = :previous")
                .expressionAttributeValues(Map.of(":new", Attr.s(newCard), ":previous", Attr.s(previousCard), ":one", Attr.n(1),
                        ":kind", Attr.s(newKind)))
                .build()).build();
    }

    /** The member a PROFILE item describes (e.g. one of a page of the program member index, which projects it all). */
    public static Member fromProfileItem(Map<String, AttributeValue> item) {
        return memberFromItem(item);
    }

    public static Member memberFromItem(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> consents = item.get("consents").m();
        if (Member.Status.ERASED.name().equals(Attr.string(item, "status"))) {
            // Erased: the personal data is gone (docs/members.md); ids, figures and the ledger remain.
            return new Member(Attr.string(item, "memberId"), Attr.string(item, "programId"),
                    MemberKind.valueOf(Attr.string(item, "kind")), null, Consents.NONE, Member.Status.ERASED,
                    Attr.string(item, "cardNumber"), Instant.parse(Attr.string(item, "enrolledAt")),
                    Attr.string(item, "enrolledBy"));
        }
        Map<String, String> preferences = item.containsKey("preferences")
                ? item.get("preferences").m().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().s()))
                : Map.of();
        MemberProfile profile = new MemberProfile(Attr.string(item, "name"), Attr.optionalString(item, "phone").orElse(null),
                Attr.optionalString(item, "email").orElse(null),
                Attr.optionalString(item, "birthDate").map(LocalDate::parse).orElse(null), preferences);
        return new Member(Attr.string(item, "memberId"), Attr.string(item, "programId"),
                MemberKind.valueOf(Attr.string(item, "kind")), profile,
                new Consents(consents.get("sms").bool(), consents.get("email").bool(), consents.get("push").bool(),
                        consents.containsKey("sharePartners") && consents.get("sharePartners").bool()),
                Member.Status.valueOf(Attr.string(item, "status")), Attr.string(item, "cardNumber"),
                Instant.parse(Attr.string(item, "enrolledAt")), Attr.string(item, "enrolledBy"));
    }

    static Card cardFromItem(Map<String, AttributeValue> item) {
        return new Card(Attr.string(item, "cardNumber"), Attr.string(item, "memberId"), Attr.string(item, "programId"),
                Card.Status.valueOf(Attr.string(item, "status")), Instant.parse(Attr.string(item, "issuedAt")),
                Attr.optionalString(item, "blockedAt").map(Instant::parse).orElse(null),
                Attr.optionalString(item, "blockReason").orElse(null),
                Attr.optionalString(item, "replacedBy").orElse(null),
                Attr.optionalString(item, "kind").orElse(null));
    }
}
