package app.loyalty.shared.domain.notify;

import java.util.Locale;

/** A way to reach a member. Each is sent only with the member's consent for it (Consents). */
public enum Channel {
    SMS, EMAIL, PUSH;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Channel fromWire(String value) {
        for (Channel channel : values()) {
            if (channel.wireName().equals(value)) {
                return channel;
            }
        }
        throw new IllegalArgumentException("channel must be one of sms, email, push");
    }
}
