package app.loyalty.shared.domain.discount.card;

/**
 * The kind of a card (standard, staff, partner, vip, ...): a lowercase name a program may give its own fixed discount
 * ({@code discount.fixedBpByCardKind}). Set at enrolment, kept on replacement unless the replacement names another.
 */
public final class CardKind {
    public static final String STANDARD = "standard";
    private static final String PATTERN = "[a-z][a-z0-9-]{0,31}";

    private CardKind() {
    }

    public static boolean isWellFormed(String kind) {
        return kind != null && kind.matches(PATTERN);
    }

    /** A kind as stored: absent (cards issued before kinds existed) reads as {@value #STANDARD}. */
    public static String orStandard(String kind) {
        return kind == null ? STANDARD : kind;
    }
}
