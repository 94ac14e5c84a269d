package app.loyalty.functions.notifications;

import app.loyalty.functions.notifications.CampaignStore.Results;
import app.loyalty.shared.domain.notify.NotificationSettings;
import app.loyalty.shared.domain.segment.Segment;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiRequest;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.ProblemType;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.IdempotentWriter;
import app.loyalty.shared.store.ProgramRepository;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator's campaign routes: create (with its one-time schedule), read (status and results), list, cancel while
 * still scheduled, and the dry run (how many members it would reach, per channel).
 */
final class CampaignAdmin {
    private static final char[] BASE32 = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

    private final Clock clock;
    private final ObjectMapper json;
    private final CampaignStore store;
    private final CampaignAudience audience;
    private final CampaignScheduler scheduler;
    private final SettingsRepository settings;
    private final ProgramRepository programs;
    private final IdempotentWriter writer;
    private final AutoCampaignStore autoCampaigns;

    CampaignAdmin(AppContext context, CampaignScheduler scheduler) {
        this.clock = context.clock();
        this.json = context.json();
        this.store = new CampaignStore(context.dynamo(), context.tableName());
        this.audience = new CampaignAudience(context);
        this.scheduler = scheduler;
        this.settings = new SettingsRepository(context.dynamo(), context.tableName(), clock, json);
        this.programs = new ProgramRepository(context.dynamo(), context.tableName());
        this.writer = new IdempotentWriter(context.dynamo(), context.tableName(), clock);
        this.autoCampaigns = new AutoCampaignStore(context.dynamo(), context.tableName(), json);
    }

    record AutoCampaignsView(String programId, AutoCampaigns.Recurring birthday, AutoCampaigns.Recurring weMissYou) {
    }

    ApiResponse readAutoCampaigns(ApiRequest request) {
        String programId = request.pathParameter("programId");
        if (programs.find(programId).isEmpty()) {
            throw ApiException.notFound("program " + programId);
        }
        AutoCampaigns stored = autoCampaigns.read(programId);
        return ApiResponse.json(200, new AutoCampaignsView(programId, stored.birthday(), stored.weMissYou()));
    }

    /** Replaces them whole (a PUT: idempotent by nature, no Idempotency-Key), guarded by the program's existence. */
    ApiResponse replaceAutoCampaigns(ApiRequest request) {
        String programId = request.pathParameter("programId");
        AutoCampaigns body = request.body(AutoCampaigns.class);
        Instant now = clock.instant();
        AutoCampaigns checked = validated(() -> body.validated(settings.cached(programId).languageFor(null)));
        if (!autoCampaigns.replace(programId, checked, now)) {
            throw ApiException.notFound("program " + programId);
        }
        return ApiResponse.json(200, new AutoCampaignsView(programId, checked.birthday(), checked.weMissYou()));
    }

    record ResultsView(long targeted, long sent, long skippedNoConsent, long failed) {
        static ResultsView of(Results results) {
            return new ResultsView(results.targeted(), results.sent(), results.skippedNoConsent(), results.failed());
        }
    }

    record CampaignView(String campaignId, String programId, String status, String name, Segment segment,
                        Map<String, CampaignDefinition.Text> messages, String defaultLanguage, Instant sendAt,
                        List<String> channels, CampaignDefinition.PersonalOffer personalOffer, ResultsView results,
                        Instant createdAt, Instant startedAt, Instant completedAt, Instant cancelledAt) {
    }

    record CampaignPage(List<CampaignView> items, String nextCursor) {
    }

    /** The dry run's body: the segment and channels a campaign would have (other fields of a campaign are not taken). */
    record DryRunRequest(Segment segment, List<String> channels) {
    }

    record DryRunView(String programId, long targeted, long reachable, long skippedNoConsent, Map<String, Long> byChannel,
                      long membersRead) {
    }

    /**
     * The campaign id comes from the Idempotency-Key (a hash of scope, program and key), so the schedule can be
     * created before the transaction under a name a retry finds again: inside the writer's preparation, the send time
     * is checked (a retry after it is refused there, and the writer then replays the first answer), the schedule made
     * (an existing name is fine), then one transaction (program exists + campaign put + idempotency record). A refusal
     * after the schedule was made (the program does not exist) deletes it again; a crash in between leaves a schedule
     * that fires, finds no campaign and ends.
     */
    ApiResponse create(ApiRequest request) {
        String programId = request.pathParameter("programId");
        CampaignDefinition body = request.body(CampaignDefinition.class);
        NotificationSettings programSettings = settings.cached(programId);
        CampaignDefinition campaign = validated(() -> body.validated(programSettings.languageFor(null)));
        String campaignId = campaignId(request.caller().idempotencyScope(), programId,
                request.header(IdempotentWriter.HEADER).orElse(""));
        String scheduleName = Campaigns.scheduleName(campaignId);
        String definitionJson;
        try {
            definitionJson = json.writeValueAsString(campaign);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        IdempotentWriter.Marker exists = new IdempotentWriter.Marker(CampaignStore.key(programId, campaignId), existing -> {
            throw new ApiException(ProblemType.CONFLICT, "Campaign " + campaignId + " was created with this Idempotency-Key more than "
                    + IdempotentWriter.RETENTION.toHours() + " h ago; use a new key for a new campaign");
        });
        AtomicInteger attempts = new AtomicInteger();
        try {
            return writer.execute(request, exists, () -> {
                if (attempts.incrementAndGet() > 1 && programs.find(programId).isEmpty()) {
                    throw ApiException.notFound("program " + programId);
                }
                Instant now = clock.instant();
                validated(() -> {
                    campaign.requireSendAtAhead(now);
                    return campaign;
                });
                if (programSettings.effectiveQuietHours().deferUntil(campaign.sendAt(), programSettings.zone()).isPresent()) {
                    throw ApiException.validation("sendAt " + campaign.sendAt() + " falls in the program's quiet hours ("
                            + programSettings.zone() + "); pick a time outside them");
                }
                scheduler.schedule(scheduleName, campaign.sendAt(), Campaigns.scheduleInput(json, programId, campaignId));
                CampaignView view = new CampaignView(campaignId, programId, CampaignStore.Status.SCHEDULED.wire(), campaign.name(),
                        campaign.segment(), campaign.messages(), campaign.defaultLanguage(), campaign.sendAt(), campaign.channels(),
                        campaign.personalOffer(), ResultsView.of(Results.NONE), now, null, null, null);
                return new IdempotentWriter.Write(201, view, List.of(programs.requireExists(programId),
                        store.create(programId, campaignId, definitionJson, campaign.sendAt(), scheduleName, now)), List.of());
            });
        } catch (ApiException refused) {
            if (refused.type() == ProblemType.NOT_FOUND) {
                scheduler.cancel(scheduleName);
            }
            throw refused;
        }
    }

    ApiResponse read(ApiRequest request) {
        String programId = request.pathParameter("programId");
        String campaignId = request.pathParameter("campaignId");
        return ApiResponse.json(200, view(store.read(programId, campaignId)
                .orElseThrow(() -> ApiException.notFound("campaign " + campaignId + " in program " + programId))));
    }

    ApiResponse list(ApiRequest request) {
        String programId = request.pathParameter("programId");
        int limit = request.query("limit").map(CampaignAdmin::limit).orElse(CampaignStore.DEFAULT_PAGE);
        String cursor = request.query("cursor").orElse(null);
        CampaignStore.Page page = validated(() -> store.list(programId, cursor, limit));
        if (page.items().isEmpty() && cursor == null && programs.find(programId).isEmpty()) {
            throw ApiException.notFound("program " + programId);
        }
        return ApiResponse.json(200, new CampaignPage(page.items().stream().map(this::view).toList(), page.nextCursor()));
    }

    /** Cancels a scheduled campaign (one conditional update), then deletes its schedule; a started send is 409. */
    ApiResponse cancel(ApiRequest request) {
        String programId = request.pathParameter("programId");
        String campaignId = request.pathParameter("campaignId");
        ApiResponse response = writer.execute(request, () -> {
            Map<String, AttributeValue> item = store.read(programId, campaignId)
                    .orElseThrow(() -> ApiException.notFound("campaign " + campaignId + " in program " + programId));
            String status = Attr.string(item, "status");
            if (!CampaignStore.Status.SCHEDULED.wire().equals(status)) {
                throw new ApiException(ProblemType.CONFLICT, "Campaign " + campaignId + " is " + status
                        + "; only a scheduled campaign can be cancelled");
            }
            Instant now = clock.instant();
            Map<String, AttributeValue> cancelled = new java.util.HashMap<>(item);
            cancelled.put("status", Attr.s(CampaignStore.Status.CANCELLED.wire()));
            cancelled.put("cancelledAt", Attr.s(now.toString()));
            return new IdempotentWriter.Write(200, view(cancelled), List.of(store.cancel(programId, campaignId, now)), List.of());
        });
        if (response.status() == 200) {
            scheduler.cancel(Campaigns.scheduleName(campaignId));
        }
        return response;
    }

    ApiResponse dryRun(ApiRequest request) {
        String programId = request.pathParameter("programId");
        DryRunRequest body = request.body(DryRunRequest.class);
        CampaignDefinition asked = new CampaignDefinition(null, body.segment(), null, null, null, body.channels(), null);
        var channels = validated(asked::channelList);
        CampaignAudience.DryRun counts = audience.dryRun(programId, asked.segmentOrEveryone(), channels)
                .orElseThrow(() -> ApiException.notFound("program " + programId));
        return ApiResponse.json(200, new DryRunView(programId, counts.targeted(), counts.reachable(), counts.skippedNoConsent(),
                counts.byChannel(), counts.membersRead()));
    }

    private CampaignView view(Map<String, AttributeValue> item) {
        CampaignDefinition campaign;
        try {
            campaign = json.readValue(Attr.string(item, "definition"), CampaignDefinition.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Stored definition of campaign " + Attr.string(item, "campaignId") + " does not parse", e);
        }
        return new CampaignView(Attr.string(item, "campaignId"), Attr.string(item, "programId"), Attr.string(item, "status"),
                campaign.name(), campaign.segment(), campaign.messages(), campaign.defaultLanguage(), campaign.sendAt(),
                campaign.channels(), campaign.personalOffer(), ResultsView.of(Results.of(item)),
                Instant.parse(Attr.string(item, "createdAt")), instant(item, "startedAt"), instant(item, "completedAt"),
                instant(item, "cancelledAt"));
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        return Attr.optionalString(item, name).map(Instant::parse).orElse(null);
    }

    /** {@code cmp_} and 20 base32 characters of SHA-256(scope, program, key): the same key finds the same campaign. */
    static String campaignId(String scope, String programId, String idempotencyKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((scope + "\n" + programId + "\n" + idempotencyKey)
                    .getBytes(StandardCharsets.UTF_8));
            char[] id = new char[20];
            for (int i = 0; i < id.length; i++) {
                id[i] = BASE32[(digest[i] & 0xff) % 32];
            }
            return "cmp_" + new String(id);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static int limit(String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= CampaignStore.MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal below
        }
        throw ApiException.validation("limit must be an integer 1.." + CampaignStore.MAX_PAGE);
    }

    static <T> T validated(java.util.function.Supplier<T> construction) {
        try {
            return construction.get();
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(e.getMessage());
        }
    }
}
