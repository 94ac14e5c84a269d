package app.loyalty.shared.domain.member;

/**
 * Per-channel marketing consent; notifications go out on a channel only when it is true. Absent means no.
 * {@code sharePartners}: the member agrees that the program's other merchants (partners of the one that enrolled
 * them) see their contact data (name, phone, email, birth date); without it only the enrolling merchant does.
 */
public record Consents(boolean sms, boolean email, boolean push, boolean sharePartners) {
    public static final Consents NONE = new Consents(false, false, false, false);

    public Consents(boolean sms, boolean email, boolean push) {
        this(sms, email, push, false);
    }
}
