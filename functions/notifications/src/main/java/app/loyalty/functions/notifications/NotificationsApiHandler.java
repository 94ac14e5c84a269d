package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.notify.NotificationSettings;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Caller;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.runtime.AwsClients;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;

/**
 * The notifications function's operator routes: a member's message log, a page at a time, newest first, and the
 * program's notification settings (time zone, default language, quiet hours, channels per event, template
 * overrides), and campaigns ({@link CampaignAdmin}). PUT replaces the settings whole, so it is idempotent by nature (no Idempotency-Key).
 */
public final class NotificationsApiHandler extends ApiFunction {
    private final MessageLog log;
    private final SettingsRepository settings;
    private final ProgramRepository programs;
    private final MemberRepository members;

    public NotificationsApiHandler() {
        this(AppContext.fromEnvironment());
    }

    public NotificationsApiHandler(AppContext context) {
        this(context, SdkCampaignScheduler.fromEnvironment(AwsClients.build(SchedulerClient.builder())));
    }

    public NotificationsApiHandler(AppContext context, CampaignScheduler scheduler) {
        this(context, new Routes[1], new CampaignAdmin(context, scheduler));
    }

    /** The routes need the fields, the super constructor the routes: built through a holder filled after. */
    private NotificationsApiHandler(AppContext context, Routes[] holder, CampaignAdmin campaigns) {
        super(Map.of(
                "GET /v1/programs/{programId}/members/{memberId}/messages", Route.operator(request -> holder[0].listMessages(request)),
                "GET /v1/programs/{programId}/notification-settings", Route.operator(request -> holder[0].readSettings(request)),
                "PUT /v1/programs/{programId}/notification-settings", Route.operator(request -> holder[0].replaceSettings(request)),
                "POST /v1/programs/{programId}/campaigns", Route.operator(campaigns::create),
                "GET /v1/programs/{programId}/campaigns", Route.operator(campaigns::list),
                "GET /v1/programs/{programId}/campaigns/{campaignId}", Route.operator(campaigns::read),
                "POST /v1/programs/{programId}/campaigns/{campaignId}/cancel", Route.operator(campaigns::cancel),
                "POST /v1/programs/{programId}/campaigns/dry-run", Route.operator(campaigns::dryRun),
                "GET /v1/programs/{programId}/auto-campaigns", Route.operator(campaigns::readAutoCampaigns),
                "PUT /v1/programs/{programId}/auto-campaigns", Route.operator(campaigns::replaceAutoCampaigns)));
        this.log = new MessageLog(context.dynamo(), context.tableName());
        this.settings = new SettingsRepository(context.dynamo(), context.tableName(), context.clock(), context.json());
        this.programs = new ProgramRepository(context.dynamo(), context.tableName());
        this.members = new MemberRepository(context.dynamo(), context.tableName());
        holder[0] = new Routes();
    }

    @Override
    protected List<APIGatewayV2HTTPEvent> primingRequests() {
        Caller operator = Caller.operator();
        return List.of(
                primingGet("GET /v1/programs/{programId}/notification-settings", Map.of("programId", "prg_priming"), operator),
                primingGet("GET /v1/programs/{programId}/members/{memberId}/messages",
                        Map.of("programId", "prg_priming", "memberId", "mbr_priming"), operator));
    }

    /** One message of the log as the operator reads it: ids, template, outcome, times; no text, no contact. */
    record MessageView(String eventId, String eventType, String channel, String language, String templateSource,
                       String outcome, String occurredAt, String createdAt, String sendAfter, String sentAt,
                       Long attempts, String snsMessageId, String error) {
        static MessageView of(Map<String, AttributeValue> item) {
            return new MessageView(Attr.string(item, "eventId"), Attr.string(item, "eventType"), Attr.string(item, "channel"),
                    Attr.string(item, "language"), Attr.string(item, "templateSource"), Attr.string(item, "outcome"),
                    Attr.string(item, "occurredAt"), Attr.string(item, "createdAt"),
                    Attr.optionalString(item, "sendAfter").orElse(null), Attr.optionalString(item, "sentAt").orElse(null),
                    Attr.number(item, "attempts"), Attr.optionalString(item, "snsMessageId").orElse(null),
                    Attr.optionalString(item, "error").orElse(null));
        }
    }

    record MessagePage(String programId, String memberId, List<MessageView> items, String nextCursor) {
    }

    record SettingsView(String programId, NotificationSettings settings) {
    }

    private final class Routes {
        ApiResponse listMessages(ApiRequest request) {
            String programId = request.pathParameter("programId");
            String memberId = request.pathParameter("memberId");
            int limit = request.query("limit").map(Routes::limit).orElse(MessageLog.DEFAULT_PAGE);
            String cursor = request.query("cursor").orElse(null);
            // The member must belong to the program of the path (one GetItem of the profile; its PII is not answered).
            boolean inProgram = members.load(memberId).map(state -> state.member().programId().equals(programId)).orElse(false);
            if (!inProgram) {
                throw ApiException.notFound("member " + memberId + " in program " + programId);
            }
            MessageLog.Page page;
            try {
                page = log.page(memberId, cursor, limit);
            } catch (IllegalArgumentException e) {
                throw ApiException.validation(e.getMessage());
            }
            return ApiResponse.json(200, new MessagePage(programId, memberId,
                    page.items().stream().map(MessageView::of).toList(), page.nextCursor()));
        }

        ApiResponse readSettings(ApiRequest request) {
            String programId = request.pathParameter("programId");
            if (programs.find(programId).isEmpty()) {
                throw ApiException.notFound("program " + programId);
            }
            return ApiResponse.json(200, new SettingsView(programId, settings.read(programId)));
        }

        ApiResponse replaceSettings(ApiRequest request) {
            String programId = request.pathParameter("programId");
            NotificationSettings body = request.body(NotificationSettings.class);
            if (!settings.replace(programId, body)) {
                throw ApiException.notFound("program " + programId);
            }
            return ApiResponse.json(200, new SettingsView(programId, body));
        }

        private static int limit(String value) {
            try {
                int limit = Integer.parseInt(value);
                if (limit >= 1 && limit <= MessageLog.MAX_PAGE) {
                    return limit;
                }
            } catch (NumberFormatException e) {
                // falls through to the refusal below
            }
            throw ApiException.validation("limit must be an integer 1.." + MessageLog.MAX_PAGE);
        }
    }
}
