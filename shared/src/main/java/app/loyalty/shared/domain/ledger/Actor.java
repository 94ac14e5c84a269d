package app.loyalty.shared.domain.ledger;

import java.util.Objects;

/**
 * Who caused a ledger entry: a merchant (its checkout), the program operator, or the platform itself (a
 * scheduled job). The id is a merchant id, an operator id or a job name: never a person's name or contact.
 */
public record Actor(Kind kind, String id) {

    public enum Kind { MERCHANT, OPERATOR, SYSTEM }

    public Actor {
        Objects.requireNonNull(kind, "kind");
        Checks.requireText(id, "actor id");
    }

    public static Actor merchant(String merchantId) {
        return new Actor(Kind.MERCHANT, merchantId);
    }

    public static Actor operator(String operatorId) {
        return new Actor(Kind.OPERATOR, operatorId);
    }

    /** The platform acting on its own, e.g. {@code Actor.system("bonus-expiry")}. */
    public static Actor system(String jobName) {
        return new Actor(Kind.SYSTEM, jobName);
    }
}
