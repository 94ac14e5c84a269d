package app.loyalty.functions.programadmin;

import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.settlement.MerchantTerms;
import app.loyalty.shared.domain.settlement.PartnerAgreement;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.MerchantBudgets;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.SettlementItems;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A program's partner agreement (docs/settlement.md): PUT replaces it (operator, Idempotency-Key; every merchant it
 * lists must be a merchant of the program; guarded by the agreement's own version so a concurrent edit is a 409),
 * GET answers it with each prepaid budget's issued and remaining points. Purchases and holds see a change within
 * the program cache's 60 s.
 */
final class AgreementAdmin {
    private final AppContext context;
    private final ProgramRepository programs;
    private final IdempotentWriter writer;
    private final MerchantBudgets budgets;

    AgreementAdmin(AppContext context, ProgramRepository programs, IdempotentWriter writer) {
        this.context = context;
        this.programs = programs;
        this.writer = writer;
        this.budgets = new MerchantBudgets(context.dynamo(), context.tableName());
    }

    record AgreementRequest(Map<String, MerchantTerms> merchants) {
    }

    record BudgetView(long prepaidPoints, long issuedPoints, long remainingPoints, Long lowBudgetPoints, boolean low) {
    }

    record MerchantTermsView(boolean issue, boolean redeem, long issueFeePer1000, long reimbursementPer1000,
                             Long prepaidPoints, Long lowBudgetPoints, BudgetView budget) {
    }

    /** {@code merchants} absent: no agreement, every merchant of the program issues and redeems (version 0). */
    record AgreementView(String programId, long version, Instant updatedAt, Map<String, MerchantTermsView> merchants) {
    }

    ApiResponse replace(ApiRequest request) {
        String programId = request.pathParameter("programId");
        AgreementRequest body = request.body(AgreementRequest.class);
        if (body.merchants() == null) {
            throw ApiException.validation("merchants is required: the terms per merchant id");
        }
        PartnerAgreement agreement = ProgramAdminHandler.validated(() -> new PartnerAgreement(body.merchants()));
        return writer.execute(request, () -> {
            Map<String, AttributeValue> item = programs.findItem(programId)
                    .orElseThrow(() -> ApiException.notFound("Program " + programId));
            Set<String> known = merchantIds(programId);
            List<String> unknown = agreement.merchantsOrEmpty().keySet().stream().filter(id -> !known.contains(id)).toList();
            if (!unknown.isEmpty()) {
                throw ApiException.validation("merchants " + unknown + " are not merchants of program " + programId);
            }
            long version = ProgramRepository.agreementVersion(item);
            Instant now = context.clock().instant();
            AgreementView view = view(programId, version + 1, now, agreement, false);
            return new IdempotentWriter.Write(200, view,
                    List.of(programs.updateAgreement(programId, agreement, version, now),
                            SettlementItems.register(context.tableName(), programId, now)), List.of());
        });
    }

    ApiResponse read(ApiRequest request) {
        String programId = request.pathParameter("programId");
        Map<String, AttributeValue> item = programs.findItem(programId)
                .orElseThrow(() -> ApiException.notFound("Program " + programId));
        Program program = ProgramRepository.fromItem(item);
        Instant updatedAt = Attr.optionalString(item, "agreementUpdatedAt").map(Instant::parse).orElse(null);
        return ApiResponse.json(200, view(programId, ProgramRepository.agreementVersion(item), updatedAt,
                program.agreement(), true));
    }

    private AgreementView view(String programId, long version, Instant updatedAt, PartnerAgreement agreement,
                               boolean withBudgets) {
        if (!agreement.listsMerchants()) {
            return new AgreementView(programId, version, updatedAt, null);
        }
        Map<String, MerchantTermsView> merchants = new LinkedHashMap<>();
        agreement.merchants().forEach((id, terms) -> {
            BudgetView budget = null;
            if (withBudgets && terms.hasBudget()) {
                long issued = budgets.issued(programId, id);
                long remaining = Math.max(0, terms.prepaidPoints() - issued);
                budget = new BudgetView(terms.prepaidPoints(), issued, remaining, terms.lowBudgetPoints(),
                        terms.lowBudgetPoints() != null && remaining <= terms.lowBudgetPoints());
            }
            merchants.put(id, new MerchantTermsView(terms.issue(), terms.redeem(), terms.issueFeePer1000(),
                    terms.reimbursementPer1000(), terms.prepaidPoints(), terms.lowBudgetPoints(), budget));
        });
        return new AgreementView(programId, version, updatedAt, merchants);
    }

    /** The program's merchants (access pattern 3), paged through: an agreement lists at most 100 of them anyway. */
    private Set<String> merchantIds(String programId) {
        Set<String> ids = new HashSet<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(context.tableName()).consistentRead(true)
                    .keyConditionExpression("PK = :pk AND begins_with(SK, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", Attr.s("PROGRAM#" + programId), ":prefix", Attr.s("MERCHANT#")))
                    .projectionExpression("merchantId");
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            var page = context.dynamo().query(query.build());
            page.items().forEach(m -> ids.add(Attr.string(m, "merchantId")));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return new HashSet<>(new ArrayList<>(ids));
    }
}
