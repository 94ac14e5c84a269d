package app.loyalty.shared.http;

import app.loyalty.shared.domain.program.Program;

import java.util.Map;

/**
 * What a program's partner agreement lets a merchant do (docs/settlement.md): checked by purchases (issue; spend
 * with paidWithPoints) and by holds and captures (redeem) before anything is written, so a refusal changes nothing.
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

    private static ApiException refused(Program program, String merchantId, String action) {
        return new ApiException(ProblemType.PARTNER_NOT_ALLOWED, "The partner agreement of program "
                + program.programId() + " does not let merchant " + merchantId + " " + action + " points",
                Map.of("action", action, "merchantId", merchantId));
    }
}
