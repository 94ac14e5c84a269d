package app.loyalty.functions.notifications;

import app.loyalty.shared.domain.notify.Channel;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.segment.Segment;
import app.loyalty.shared.store.MemberRepository;
import app.loyalty.shared.store.ProgramRepository;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A campaign's audience before it is sent (the dry run): the send's paging and filtering, with nothing sent or written. */
final class CampaignAudience {
    private final Clock clock;
    private final ProgramMembers members;
    private final ProgramRepository programs;
    private final SettingsRepository settings;

    CampaignAudience(app.loyalty.shared.runtime.AppContext context) {
        this.clock = context.clock();
        this.members = new ProgramMembers(context.dynamo(), context.tableName());
        this.programs = new ProgramRepository(context.dynamo(), context.tableName());
        this.settings = new SettingsRepository(context.dynamo(), context.tableName(), clock, context.json());
    }

    /** What a dry run answers: members in the segment; per channel, those a message would reach; and those none would. */
    record DryRun(long targeted, long reachable, long skippedNoConsent, Map<String, Long> byChannel, long membersRead) {
    }

    /** Counts without sending or writing anything: the same paging and filtering as the send. */
    /** Empty when the program does not exist. */
    Optional<DryRun> dryRun(String programId, Segment segment, List<Channel> channels) {
        Optional<Program> program = programs.find(programId);
        if (program.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, settings.cached(programId).zone());
        long targeted = 0;
        long reachable = 0;
        long membersRead = 0;
        Map<Channel, Long> byChannel = new EnumMap<>(Channel.class);
        channels.forEach(channel -> byChannel.put(channel, 0L));
        for (int shard = 0; shard < MemberRepository.PROGRAM_MEMBER_SHARDS; shard++) {
            Map<String, AttributeValue> start = null;
            do {
                ProgramMembers.Page page = members.page(programId, shard, start, program.get().rules(), now);
                for (ProgramMembers.Entry entry : page.entries()) {
                    membersRead++;
                    if (!segment.matches(entry.snapshot(), today)) {
                        continue;
                    }
                    targeted++;
                    boolean any = false;
                    for (Channel channel : channels) {
                        if (Notifier.reachable(entry.member(), channel)) {
                            byChannel.merge(channel, 1L, Long::sum);
                            any = true;
                        }
                    }
                    if (any) {
                        reachable++;
                    }
                }
                start = page.next();
            } while (start != null);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        byChannel.forEach((channel, count) -> counts.put(channel.wireName(), count));
        return Optional.of(new DryRun(targeted, reachable, targeted - reachable, counts, membersRead));
    }

}
