package app.loyalty.shared.domain.member;

/** Per-channel marketing consent; notifications go out on a channel only when it is true. Absent means no. */
public record Consents(boolean sms, boolean email, boolean push) {
    public static final Consents NONE = new Consents(false, false, false);
}
