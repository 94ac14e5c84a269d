package app.loyalty.functions.notifications;

import app.loyalty.functions.notifications.CampaignStore.Results;
import app.loyalty.functions.notifications.CampaignStore.Status;
import app.loyalty.functions.notifications.MessageLog.Outcome;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.notify.Channel;
import app.loyalty.shared.domain.notify.NotificationSettings;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import app.loyalty.shared.domain.segment.Segment;
import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import app.loyalty.shared.store.TableSchema;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Campaign sends and dry runs: page through a program's members (the member index, {@link ProgramMembers}), keep the
 * segment's members, and per consenting channel claim a message in the member's message log before publishing it.
 * The claim's key is the campaign's ({@code MSG#<sendAt>#<campaignId>#<channel>}), so a repeated or resumed run finds
 * the members already reached and sends them nothing: each member gets a campaign at most once per channel.
 */
final class Campaigns {
    static final String CAMPAIGN_EVENT_TYPE = "Campaign";
    static final String SEND_CAMPAIGN = "send-campaign";
    static final String DAILY_CAMPAIGNS = "daily-campaigns";
    static final String BIRTHDAY_EVENT_TYPE = "Birthday";
    static final String WE_MISS_YOU_EVENT_TYPE = "WeMissYou";

    private final Clock clock;
    private final ObjectMapper json;
    private final CampaignStore store;
    private final ProgramMembers members;
    private final ProgramRepository programs;
    private final SettingsRepository settings;
    private final MessageLog log;
    private final Notifier notifier;
    private final AutoCampaignStore autoCampaigns;

    Campaigns(app.loyalty.shared.runtime.AppContext context, Notifier notifier) {
        this.clock = context.clock();
        this.json = context.json();
        this.store = new CampaignStore(context.dynamo(), context.tableName());
        this.members = new ProgramMembers(context.dynamo(), context.tableName());
        this.programs = new ProgramRepository(context.dynamo(), context.tableName());
        this.settings = new SettingsRepository(context.dynamo(), context.tableName(), clock, json);
        this.log = new MessageLog(context.dynamo(), context.tableName());
        this.notifier = notifier;
        this.autoCampaigns = new AutoCampaignStore(context.dynamo(), context.tableName(), json);
    }

    static String scheduleName(String campaignId) {
        return "campaign-" + campaignId;
    }

    /** The input the one-time schedule hands the notifications function. */
    static String scheduleInput(ObjectMapper json, String programId, String campaignId) {
        return json.createObjectNode().put("job", SEND_CAMPAIGN).put("programId", programId).put("campaignId", campaignId).toString();
    }

    CampaignDefinition definition(Map<String, AttributeValue> item) {
        try {
            return json.readValue(Attr.string(item, "definition"), CampaignDefinition.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Stored definition of campaign " + Attr.string(item, "campaignId") + " does not parse", e);
        }
    }

    /** What a run did, for the function's answer and log line. */
    record RunResult(String campaignId, String outcome, Results results) {
    }

    /**
     * Sends a campaign whose time has come, or resumes one whose run died. Takes the campaign with a lease (a second
     * run at the same time finds it taken and does nothing), continues from the checkpoint (shard and page), and after
     * each page of members records the results so far and the next page; at the end marks it sent with the
     * CampaignSent event. A crash between a page's sends and its checkpoint re-reads that page on resume: its members
     * find their messages claimed and are counted, not sent again.
     */
    RunResult send(String programId, String campaignId) {
        Instant started = clock.instant();
        String runId = UUID.randomUUID().toString();
        Optional<Map<String, AttributeValue>> taken = store.acquire(programId, campaignId, runId, started);
        if (taken.isEmpty()) {
            Optional<Map<String, AttributeValue>> item = store.read(programId, campaignId);
            String why = item.map(i -> Attr.string(i, "status")).orElse("not-found");
            notifier.logLine("campaign-not-run", Map.of("campaignId", campaignId, "status", why));
            return new RunResult(campaignId, "not-run:" + why, item.map(Results::of).orElse(Results.NONE));
        }
        Map<String, AttributeValue> item = taken.get();
        CampaignDefinition campaign = definition(item);
        Program program = programs.find(programId).orElseThrow(() ->
                new IllegalStateException("Campaign " + campaignId + " of a program that does not exist: " + programId));
        NotificationSettings programSettings = settings.cached(programId);
        Results results = Results.of(item);
        int shard = Attr.optionalNumber(item, "progressShard").map(Long::intValue).orElse(0);
        Map<String, AttributeValue> start = item.containsKey("progressKey") ? item.get("progressKey").m() : null;
        String sendAt = Attr.string(item, "sendAt");
        for (; shard < MemberRepository.PROGRAM_MEMBER_SHARDS; shard++) {
            do {
                Instant now = clock.instant();
                ProgramMembers.Page page = members.page(programId, shard, start, program.rules(), now);
                LocalDate today = LocalDate.ofInstant(now, programSettings.zone());
                Results pageResults = Results.NONE;
                for (ProgramMembers.Entry entry : page.entries()) {
                    if (campaign.segmentOrEveryone().matches(entry.snapshot(), today)) {
                        pageResults = pageResults.plus(reach(campaign, CAMPAIGN_EVENT_TYPE, campaignId, sendAt, programId, entry, now));
                    }
                }
                results = results.plus(pageResults);
                start = page.next();
                boolean shardDone = start == null;
                if (!store.checkpoint(programId, campaignId, runId, shardDone ? shard + 1 : shard, start, results, clock.instant())) {
                    notifier.logLine("campaign-lease-lost", Map.of("campaignId", campaignId));
                    return new RunResult(campaignId, "lease-lost", results);
                }
            } while (start != null);
        }
        Instant finished = clock.instant();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("campaignId", campaignId);
        data.put("targeted", results.targeted());
        data.put("sent", results.sent());
        data.put("skippedNoConsent", results.skippedNoConsent());
        data.put("failed", results.failed());
        DomainEvent sentEvent = new DomainEvent(UUID.randomUUID().toString(), "CampaignSent", finished, programId, data);
        if (!store.finish(programId, campaignId, runId, results, sentEvent, finished)) {
            return new RunResult(campaignId, "lease-lost", results);
        }
        notifier.logLine("campaign-sent", Map.of("campaignId", campaignId, "targeted", results.targeted(),
                "sent", results.sent(), "skippedNoConsent", results.skippedNoConsent(), "failed", results.failed()));
        return new RunResult(campaignId, Status.SENT.wire(), results);
    }

    /**
     * One member of the segment: each consenting channel's message is claimed, then published. A message already
     * claimed (an earlier or crashed run) counts as sent unless it failed, in which case this run tries it again.
     */
    private Results reach(CampaignDefinition campaign, String eventType, String eventId, String occurredAt, String programId,
                          ProgramMembers.Entry entry, Instant now) {
        Member member = entry.member();
        List<Channel> channels = new ArrayList<>();
        for (Channel channel : campaign.channelList()) {
            if (Notifier.reachable(member, channel)) {
                channels.add(channel);
            }
        }
        if (channels.isEmpty()) {
            return new Results(1, 0, 1, 0);
        }
        String language = campaign.languageFor(member.profile().preferences().get(app.loyalty.shared.domain.notify.Language.PREFERENCE));
        CampaignDefinition.Text text = campaign.render(language, entry.snapshot().availablePoints(), member.profile().preferences());
        NotificationEvent event = new NotificationEvent(eventType, eventId, occurredAt, programId, member.memberId(),
                json.createObjectNode());
        return deliver(event, member, channels, language, "campaign", text.subject(), text.body(), now);
    }

    /** Claims and publishes one message per channel; answers the member as targeted with the messages' outcomes. */
    Results deliver(NotificationEvent event, Member member, List<Channel> channels, String language, String templateSource,
                    String subject, String body, Instant now) {
        long sent = 0;
        long failed = 0;
        for (Channel channel : channels) {
            Map<String, AttributeValue> record = MessageLog.newRecord(event, channel, language, templateSource, Outcome.SENDING, now);
            String sortKey = Attr.string(record, TableSchema.SK);
            MessageLog.Claim claim = log.claim(record);
            if (!claim.claimed()) {
                String existing = Attr.optionalString(claim.existing(), "outcome").orElse("");
                if (!existing.equals(Outcome.FAILED.wire())) {
                    sent++; // reached by an earlier run (or cut short after SNS took it: never sent twice)
                    continue;
                }
                if (!log.takeOver(member.memberId(), sortKey, Outcome.FAILED)) {
                    sent++;
                    continue;
                }
            }
            Optional<String> error = notifier.publish(channel, member, event.programId(), event.eventId(), language, subject, body,
                    sortKey, now);
            if (error.isPresent()) {
                log.failed(member.memberId(), sortKey, error.get());
                failed++;
            } else {
                sent++;
            }
        }
        return new Results(1, sent, 0, failed);
    }

    /**
     * The sweep's safety net: open campaigns whose send time has passed and that no run holds (the schedule did not
     * fire, or its run died) are sent or resumed now, at most {@code limit} per sweep.
     */
    List<RunResult> sendDue(int limit) {
        List<RunResult> runs = new ArrayList<>();
        for (Map<String, AttributeValue> item : store.due(clock.instant(), limit)) {
            String status = Attr.string(item, "status");
            boolean leaseRunning = Status.SENDING.wire().equals(status)
                    && Attr.optionalString(item, "leaseUntil").map(Instant::parse).map(until -> until.isAfter(clock.instant())).orElse(false);
            if (!leaseRunning) {
                runs.add(send(Attr.string(item, "programId"), Attr.string(item, "campaignId")));
            }
        }
        return runs;
    }

    /** What the daily job did for one program. */
    record DailyResult(String programId, Results birthday, Results weMissYou) {
    }

    /**
     * The daily schedule: for each program with recurring campaigns (their index), pages its members once and sends
     * the birthday campaign to those whose birthday it is today in the program's time zone (message key
     * {@code birthday-<year>}: once per member and year) and the we-miss-you campaign to those whose last purchase day
     * is at least {@code afterDays} ago (key {@code we-miss-you-<last purchase day>}: once per lapse). Consent,
     * contact and language as for any campaign; running it twice a day sends nothing more.
     */
    List<DailyResult> daily() {
        List<DailyResult> out = new ArrayList<>();
        for (AutoCampaignStore.Program configured : autoCampaigns.programsWithAny()) {
            String programId = configured.programId();
            Optional<Program> program = programs.find(programId);
            if (program.isEmpty()) {
                notifier.logLine("daily-campaigns-no-program", Map.of("programId", programId));
                continue;
            }
            Instant now = clock.instant();
            NotificationSettings programSettings = settings.cached(programId);
            LocalDate today = LocalDate.ofInstant(now, programSettings.zone());
            AutoCampaigns auto = configured.settings();
            String fallbackLanguage = programSettings.languageFor(null);
            CampaignDefinition birthday = auto.birthday() == null ? null : auto.birthday().asCampaign("birthday", fallbackLanguage);
            CampaignDefinition weMissYou = auto.weMissYou() == null ? null : auto.weMissYou().asCampaign("weMissYou", fallbackLanguage);
            Results birthdays = Results.NONE;
            Results lapses = Results.NONE;
            for (int shard = 0; shard < MemberRepository.PROGRAM_MEMBER_SHARDS; shard++) {
                Map<String, AttributeValue> start = null;
                do {
                    ProgramMembers.Page page = members.page(programId, shard, start, program.get().rules(), now);
                    for (ProgramMembers.Entry entry : page.entries()) {
                        if (birthday != null && Segment.isBirthday(entry.snapshot().birthDate(), today)) {
                            birthdays = birthdays.plus(reach(birthday, BIRTHDAY_EVENT_TYPE, "birthday-" + today.getYear(),
                                    today.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toString(), programId, entry, now));
                        }
                        LocalDate last = entry.snapshot().lastPurchaseDay();
                        if (weMissYou != null && last != null && !last.plusDays(auto.weMissYou().afterDays()).isAfter(today)) {
                            LocalDate lapsedOn = last.plusDays(auto.weMissYou().afterDays());
                            lapses = lapses.plus(reach(weMissYou, WE_MISS_YOU_EVENT_TYPE, "we-miss-you-" + last,
                                    lapsedOn.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toString(), programId, entry, now));
                        }
                    }
                    start = page.next();
                } while (start != null);
            }
            notifier.logLine("daily-campaigns", Map.of("programId", programId, "birthdaySent", birthdays.sent(),
                    "weMissYouSent", lapses.sent(), "failed", birthdays.failed() + lapses.failed()));
            out.add(new DailyResult(programId, birthdays, lapses));
        }
        return out;
    }

    AutoCampaignStore autoCampaigns() {
        return autoCampaigns;
    }

    CampaignStore store() {
        return store;
    }

    SettingsRepository settings() {
        return settings;
    }

    ProgramRepository programs() {
        return programs;
    }
}
