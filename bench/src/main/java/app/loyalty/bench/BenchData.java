package app.loyalty.bench;

import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.ledger.PointsLot;
import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.CardNumber;
import app.loyalty.shared.domain.member.Consents;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.member.MemberKind;
import app.loyalty.shared.domain.member.MemberProfile;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.LotItems;
import app.loyalty.shared.store.MemberFigures;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data every benchmark uses: one program with realistic earn rules, members with a history of lots, and the
 * request bodies a checkout and an enrolment send. DynamoDB items are made by the production mappers
 * (ProgramRepository, MemberRepository, LotItems), so canned items and seeded tables have exactly the real shape.
 */
public final class BenchData {
    /** A fixed instant: lots, pending periods and expiry are computed against it, so every run sees the same state. */
    public static final Instant NOW = Instant.parse("2026-11-23T09:30:00Z");
    public static final String PROGRAM_ID = "prg_benchbenchbenchbench";
    public static final String MERCHANT_ID = "mch_benchbenchbenchbench";
    public static final Caller MERCHANT = Caller.merchant(MERCHANT_ID, PROGRAM_ID);

    /**
     * 1 point per 1.00 EUR; gift cards, tobacco and one SKU earn nothing; apparel x1.5, electronics x0.5,
     * own-brand x2; staff earn double. The sets and maps are what the earn calculation looks lines up in.
     */
    public static final ProgramRules RULES = new ProgramRules(
            new ProgramRules.Earn(1, 100, Set.of("gift-cards", "tobacco"), Set.of("DEPOSIT-BOTTLE"),
                    Map.of("apparel", 15_000, "electronics", 5_000, "own-brand", 20_000), 0, null, null),
            new ProgramRules.Earn(2, 100, Set.of("gift-cards"), Set.of(), Map.of(), 0, null, null),
            14, new ProgramRules.Expiry(ProgramRules.Expiry.Policy.DAYS_AFTER_EARNING, 365), null, null)
            // Benchmarks post thousands of purchases per member and hour: the velocity limit must not refuse them.
            .withVelocity(new ProgramRules.Velocity(ProgramRules.Velocity.MAX_PURCHASES_PER_MEMBER_PER_HOUR));

    public static final Program PROGRAM = new Program(PROGRAM_ID, "Bench program", "EUR", RULES,
            Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"), 0);

    /** POST /v1/members as events/api/enrol-member.json sends it. */
    public static final String ENROL_BODY = """
            {"profile": {"name": "Ada Lovelace", "phone": "+447700900123", "email": "ada@example.com", \
            "birthDate": "1990-12-10", "preferences": {"language": "en"}}, \
            "consents": {"sms": true, "email": true, "push": false}, "kind": "customer"}""";

    /**
     * ENROL_BODY with a phone and email of its own: contacts are unique per program, so repeated enrolments in one
     * program (the benchmarks' loops) need distinct ones (n below 10^7).
     */
    public static String enrolBody(long n) {
        return ENROL_BODY.replace("+447700900123", "+4477%07d".formatted(n))
                .replace("ada@example.com", "ada." + n + "@example.com");
    }

    /** Categories the basket lines cycle through: some excluded, some multiplied, most plain. */
    private static final List<String> CATEGORIES = List.of("grocery", "apparel", "household", "gift-cards",
            "electronics", "grocery", "own-brand", "drinks", "tobacco", "grocery");

    private BenchData() {
    }

    /** Basket lines as the API takes them: {@code [sku, category, quantity, unitPrice]} with varied prices. */
    public record BasketLine(String sku, String category, long quantity, long unitPrice) {
        public long total() {
            return quantity * unitPrice;
        }
    }

    public static List<BasketLine> basket(int lines) {
        List<BasketLine> basket = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            String category = CATEGORIES.get(i % CATEGORIES.size());
            String sku = i == 7 ? "DEPOSIT-BOTTLE" : "SKU-" + category.toUpperCase() + "-" + (1000 + i);
            basket.add(new BasketLine(sku, category, 1 + i % 3, 149 + 37L * i));
        }
        return basket;
    }

    /** A POST /v1/purchases body: a card scanned at the till, {@code lines} basket lines, total matching them. */
    public static String purchaseBody(String cardNumber, String orderId, int lines) {
        List<BasketLine> basket = basket(lines);
        long total = basket.stream().mapToLong(BasketLine::total).sum();
        StringBuilder body = new StringBuilder(256 + 96 * lines)
                .append("{\"cardNumber\": \"").append(cardNumber).append("\", \"orderId\": \"").append(orderId)
                .append("\", \"total\": {\"amount\": ").append(total).append(", \"currency\": \"EUR\"}, \"lines\": [");
        for (int i = 0; i < basket.size(); i++) {
            BasketLine line = basket.get(i);
            body.append(i == 0 ? "" : ", ").append("{\"sku\": \"").append(line.sku()).append("\", \"category\": \"")
                    .append(line.category()).append("\", \"quantity\": ").append(line.quantity())
                    .append(", \"unitPrice\": ").append(line.unitPrice()).append('}');
        }
        return body.append("], \"paidWithPoints\": 0, \"promoCode\": \"WINTER26\"}").toString();
    }

    /**
     * POST /v1/discounts/quote for the same basket as {@link #purchaseBody}, naming the member by {@code idField}
     * ("cardNumber" or "memberId"): the quote a checkout asks for just before that purchase, with the same (unknown)
     * promo code, so the read batch holds the profile, the code and the member's use of it.
     */
    public static String quoteBody(String idField, String id, String orderId, int lines) {
        List<BasketLine> basket = basket(lines);
        StringBuilder body = new StringBuilder(256 + 96 * lines)
                .append("{\"").append(idField).append("\": \"").append(id).append("\", \"orderId\": \"").append(orderId)
                .append("\", \"lines\": [");
        for (int i = 0; i < basket.size(); i++) {
            BasketLine line = basket.get(i);
            body.append(i == 0 ? "" : ", ").append("{\"sku\": \"").append(line.sku()).append("\", \"category\": \"")
                    .append(line.category()).append("\", \"quantity\": ").append(line.quantity())
                    .append(", \"unitPrice\": ").append(line.unitPrice()).append('}');
        }
        return body.append("], \"promoCode\": \"WINTER26\"}").toString();
    }

    /** A member enrolled in January with an active card. */
    public static Member member(String memberId, String cardNumber) {
        return new Member(memberId, PROGRAM_ID, MemberKind.CUSTOMER,
                new MemberProfile("Ada Lovelace", "+447700900123", "ada@example.com", LocalDate.parse("1990-12-10"),
                        Map.of("language", "en")),
                new Consents(true, true, false), Member.Status.ACTIVE, cardNumber,
                Instant.parse("2026-01-15T10:00:00Z"), MERCHANT_ID);
    }

    public static Card card(String memberId, String cardNumber) {
        return Card.issue(new CardNumber(cardNumber), memberId, PROGRAM_ID, Instant.parse("2026-01-15T10:00:00Z"));
    }

    /** A fresh valid card number (Luhn check digit). */
    public static String newCardNumber() {
        return CardNumber.generate().value();
    }

    /**
     * {@code count} lots of one member, one per past purchase, oldest first: most available, the newest still
     * pending (14 days), some partly spent, a few exhausted, none expired yet (365-day expiry), as a member who
     * shops every few days accumulates.
     */
    public static List<PointsLot> lots(String memberId, int count) {
        List<PointsLot> lots = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Instant earnedAt = NOW.minus(Duration.ofHours(3L * 24 * (count - i) / 2 + 1));
            long amount = 20 + (i * 37L) % 180;
            long remaining = i % 7 == 3 ? 0 : i % 3 == 1 ? amount / 2 : amount;
            lots.add(new PointsLot("ent_lot" + memberId.hashCode() + "x" + i, memberId, amount, remaining, earnedAt,
                    earnedAt.plus(Duration.ofDays(14)), earnedAt.plus(Duration.ofDays(365)), MERCHANT_ID,
                    "order-" + i));
        }
        return lots;
    }

    public static Map<String, AttributeValue> programItem() {
        return new ProgramRepository(null, "unused").create(PROGRAM).put().item();
    }

    /** The PROFILE item a member has after months of purchases: rolling spend and points-per-day figures set. */
    public static Map<String, AttributeValue> profileItem(Member member) {
        Map<String, AttributeValue> item = new HashMap<>(new MemberRepository(null, "unused").enrol(member).put().item());
        item.put("purchaseCount", Attr.n(42));
        item.put("totalSpend", Attr.n(311_900));
        item.put("spendByMonth", AttributeValue.fromM(Map.of("2026-09", Attr.n(98_000), "2026-10", Attr.n(120_500),
                "2026-11", Attr.n(93_400))));
        item.put("pointsByDay", AttributeValue.fromM(Map.of("2026-11-20", Attr.n(73), "2026-11-21", Attr.n(12))));
        return item;
    }

    /** The PROFILE item of a member holding {@code lots}: with the points figures every write keeps on it. */
    public static Map<String, AttributeValue> profileItem(Member member, List<PointsLot> lots) {
        Map<String, AttributeValue> item = profileItem(member);
        item.putAll(MemberFigures.toAttributes(PointsFigures.of(lots, NOW)));
        return item;
    }

    public static Map<String, AttributeValue> cardItem(Card card) {
        return new MemberRepository(null, "unused").issueCard(card).put().item();
    }

    public static List<Map<String, AttributeValue>> lotItems(List<PointsLot> lots) {
        return lots.stream().map(LotItems::toItem).toList();
    }
}
