package app.loyalty.shared.domain.program;

import app.loyalty.shared.domain.Text;

import app.loyalty.shared.domain.settlement.PartnerAgreement;

import java.time.Instant;
import java.util.Currency;

/**
 * A loyalty program: one currency, one set of rules, shared by its merchants (a partner network) under an optional
 * partner agreement (docs/settlement.md; {@link PartnerAgreement#NONE}: every merchant issues and redeems).
 */
public record Program(String programId, String name, String currency, ProgramRules rules, Instant createdAt,
                      Instant updatedAt, long version, PartnerAgreement agreement) {
    public static final int MAX_NAME = 100;

    public Program(String programId, String name, String currency, ProgramRules rules, Instant createdAt,
                   Instant updatedAt, long version) {
        this(programId, name, currency, rules, createdAt, updatedAt, version, PartnerAgreement.NONE);
    }

    public Program {
        name = Text.required("name", name, MAX_NAME);
        try {
            // XXX, XAU and the like are codes without minor units: no money a checkout charges in.
            if (Currency.getInstance(currency).getDefaultFractionDigits() < 0) {
                throw new IllegalArgumentException("currency must be a currency with minor units, such as EUR");
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code such as EUR");
        }
        rules = rules == null ? ProgramRules.DEFAULT : rules;
        agreement = agreement == null ? PartnerAgreement.NONE : agreement;
    }
}
