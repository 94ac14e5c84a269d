package app.loyalty.shared.http;

import app.loyalty.shared.domain.program.Program;

import java.util.Map;

/**
 * What a program's partner agreement lets a merchant do (docs/settlement.md): checked by purchases (issue; spend
 * with paidWithPoints), by holds and captures (redeem), and by the member and card routes (a merchant the agreement
 * leaves out altogether) before anything is read or written, so a refusal shows and changes nothing.
 */
public final class PartnerAccess {
    private PartnerAccess() {
    }

    /** Issuing points: a purchase that earns points at a merchant the agreement does not let issue is a 403. */
    public static void requireMayIssue(Program program, String merchantId) {
        if (!program.agreement().mayIssue(merchantId)) {
            throw refused(program, merchantId, "issue");
        }
    }

    /** Redeeming points: a hold, capture or points payment at a merchant the agreement does not let redeem is a 403. */
    public static void requireMayRedeem(Program program, String merchantId) {
        if (!program.agreement().mayRedeem(merchantId)) {
            throw refused(program, merchantId, "redeem");
        }
    }

    /**
     * Members and cards (read a member, its statement, look members up or list them, change a member, read or replace
     * a card): a merchant the agreement leaves out altogether is refused, whatever the id names (403, action
     * {@code read}), so it can neither see nor change the program's members. Without an agreement every merchant may.
     */
    public static void requireInAgreement(Program program, String merchantId) {
        if (program.agreement().termsOf(merchantId).isEmpty()) {
            throw new ApiException(ProblemType.PARTNER_NOT_ALLOWED, "The partner agreement of program "
                    + program.programId() + " does not include merchant " + merchantId,
                    Map.of("action", "read", "merchantId", merchantId));
        }
    }

    private static ApiException refused(Program program, String merchantId, String action) {
        return new ApiException(ProblemType.PARTNER_NOT_ALLOWED, "The partner agreement of program "
                + program.programId() + " does not let merchant " + merchantId + " " + action + " points",
                Map.of("action", action, "merchantId", merchantId));
    }
}
