package app.loyalty.shared.domain.program;

import java.time.Instant;
import java.util.Currency;

/** A loyalty program: one currency, one set of rules, shared by its merchants (a partner network). */
public record Program(String programId, String name, String currency, ProgramRules rules, Instant createdAt,
                      Instant updatedAt, long version) {
    public Program {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("name is required, at most 100 characters");
        }
        try {
            // XXX, XAU and the like are codes without minor units: no money a checkout charges in.
            if (Currency.getInstance(currency).getDefaultFractionDigits() < 0) {
                throw new IllegalArgumentException("currency must be a currency with minor units, such as EUR");
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code such as EUR");
        }
        rules = rules == null ? ProgramRules.DEFAULT : rules;
    }
}
