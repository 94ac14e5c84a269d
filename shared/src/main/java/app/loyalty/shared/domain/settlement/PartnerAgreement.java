package app.loyalty.shared.domain.settlement;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A program's partner agreement, set by the operator: per merchant, whether it may issue and redeem points, its
 * issue fee, its reimbursement rate and an optional prepaid budget (docs/settlement.md).
 *
 * <p>A program without an agreement ({@link #NONE}) is open: every merchant of the program issues and redeems, with
 * no fees and no budget (the behaviour before agreements existed). Once an agreement is set, a merchant it does
 * not list may do neither.
 */
public record PartnerAgreement(Map<String, MerchantTerms> merchants) {
    /** The most merchants one agreement lists: it is stored on the program item, read by every checkout. */
    public static final int MAX_MERCHANTS = 100;

    public static final PartnerAgreement NONE = new PartnerAgreement(null);

    public PartnerAgreement {
        if (merchants == null) {
            merchants = null;
        } else {
            if (merchants.size() > MAX_MERCHANTS) {
                throw new IllegalArgumentException("an agreement lists at most " + MAX_MERCHANTS + " merchants");
            }
            merchants.forEach((id, terms) -> {
                if (id == null || id.isBlank() || id.length() > 64) {
                    throw new IllegalArgumentException("merchant ids must be 1..64 characters");
                }
                Objects.requireNonNull(terms, "terms of " + id);
            });
            merchants = java.util.Collections.unmodifiableMap(new TreeMap<>(merchants));
        }
    }

    public boolean listsMerchants() {
        return merchants != null;
    }

    /** The merchant's terms: {@link MerchantTerms#OPEN} without an agreement, empty when the agreement leaves it out. */
    public Optional<MerchantTerms> termsOf(String merchantId) {
        if (!listsMerchants()) {
            return Optional.of(MerchantTerms.OPEN);
        }
        return Optional.ofNullable(merchants.get(merchantId));
    }

    public boolean mayIssue(String merchantId) {
        return termsOf(merchantId).map(MerchantTerms::issue).orElse(false);
    }

    public boolean mayRedeem(String merchantId) {
        return termsOf(merchantId).map(MerchantTerms::redeem).orElse(false);
    }

    /** The rates by merchant, for a settlement to keep the terms it was computed with. */
    public Map<String, MerchantTerms> merchantsOrEmpty() {
        return merchants == null ? Map.of() : new LinkedHashMap<>(merchants);
    }
}
