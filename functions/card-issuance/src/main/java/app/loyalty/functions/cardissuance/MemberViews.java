package app.loyalty.functions.cardissuance;

import app.loyalty.shared.domain.discount.card.DiscountCard;
import app.loyalty.shared.domain.ledger.Balance;
import app.loyalty.shared.domain.ledger.PointsFigures;
import app.loyalty.shared.domain.redeem.Spendable;
import app.loyalty.shared.domain.member.Card;
import app.loyalty.shared.domain.member.Member;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The member as the API shows it: profile, consents, current card, balance, tier and discount. */
final class MemberViews {
    /** "Expiring soon" in the balance: points that burn within this window. */
    static final Duration EXPIRING_SOON = Duration.ofDays(30);

    private final Clock clock;

    MemberViews(Clock clock) {
        this.clock = clock;
    }

    record Profile(String name, String phone, String email, LocalDate birthDate, Map<String, String> preferences) {
    }

    record Consents(boolean sms, boolean email, boolean push, boolean sharePartners) {
    }

    record CardSummary(String cardNumber, String status, String kind) {
    }

    /**
     * The discount card at this moment (evaluated lazily: a level that lapsed while nothing was written shows as
     * fallen). {@code keep}: spend this by the end of {@code by} or the level falls on {@code fallsOn}; {@code next}:
     * spend this now to reach the next level. Absent parts do not apply (entry level, top level, other schemes).
     */
    record DiscountView(String scheme, int discountBp, int levelBp, String tier, LocalDate since, LocalDate graceUntil,
                        long windowSpend, int windowDays, int graceDays, DiscountCard.Keep keep, DiscountCard.Next next,
                        DiscountCard.NextTier nextTier) {
        static DiscountView of(ProgramRules.Discount rules, DiscountCard.Evaluation evaluation) {
            var state = evaluation.state();
            return new DiscountView(rules.scheme().name(), evaluation.discountBp(), state.levelBp(), state.tier(),
                    state.since(), state.graceUntil(), evaluation.windowSpend(), rules.windowDays(), rules.graceDays(),
                    evaluation.keep(), evaluation.next(), evaluation.nextTier());
        }
    }

    /**
     * {@code available} is what the member can spend now: points past their pending period and not expired, less
     * {@code held}, the points live holds reserve for open orders (the same figure a new hold or a points payment is
     * checked against). A hold that lapsed counts nothing, whether or not a later write has closed it yet.
     */
    record BalanceView(long available, long held, long pending, long expiringSoon, Instant expiringSoonBefore) {
    }

    /**
     * {@code tags}: the merchants' segment tags (absent when none); {@code externalId}: the calling merchant's own
     * customer id for the member (absent when it set none; another merchant's is never shown).
     */
    record MemberView(String memberId, String programId, String kind, String status, Profile profile, Consents consents,
                      CardSummary card, BalanceView balance, String tier, int discountBp, long rollingSpend,
                      DiscountView discount, String currency, Instant enrolledAt, java.util.List<String> tags,
                      String externalId) {
        /**
         * The view without personal data: what enrolment answers, because that answer is stored for replays and
         * PII may live only in the profile item. The caller sent the profile; GET /v1/members/{id} shows it.
         */
        MemberView withoutProfile() {
            return new MemberView(memberId, programId, kind, status, null, consents, card, balance, tier, discountBp,
                    rollingSpend, discount, currency, enrolledAt, tags, null);
        }

        MemberView with(java.util.List<String> newTags, String newExternalId) {
            return new MemberView(memberId, programId, kind, status, profile, consents, card, balance, tier, discountBp,
                    rollingSpend, discount, currency, enrolledAt, newTags == null || newTags.isEmpty() ? null : newTags,
                    newExternalId);
        }
    }

    /**
     * The member as shown. The balance comes from the profile's points figures, never from lots, and the card is the
     * profile's current one: a replacement moves the profile to the new, active card in the same transaction that
     * blocks the old one, so the current card is active and needs no read. The discount card is evaluated for now
     * from the profile's spend by day and stored level ({@link DiscountCard#evaluate}); tier, discountBp and
     * rollingSpend repeat its figures.
     */
    MemberView view(Member member, Program program, PointsFigures figures, List<Spendable.Reservation> holds,
                    String cardKind, DiscountCard.Evaluation card) {
        Instant now = clock.instant();
        Balance balance = figures.balanceAt(now, EXPIRING_SOON);
        long held = Spendable.heldAt(holds, now);
        ProgramRules rules = program.rules();
        var profile = member.profile();
        // An erased member has no profile and its last card was blocked by the erasure.
        boolean erased = member.status() == Member.Status.ERASED;
        return new MemberView(member.memberId(), member.programId(), member.kind().name().toLowerCase(Locale.ROOT),
                member.status().name().toLowerCase(Locale.ROOT),
                profile == null ? null
                        : new Profile(profile.name(), profile.phone(), profile.email(), profile.birthDate(), profile.preferences()),
                new Consents(member.consents().sms(), member.consents().email(), member.consents().push(),
                        member.consents().sharePartners()),
                new CardSummary(member.cardNumber(), (erased ? Card.Status.BLOCKED : Card.Status.ACTIVE).name()
                        .toLowerCase(Locale.ROOT), cardKind),
                new BalanceView(Math.max(0, balance.available() - held), held, balance.pending(), balance.expiringSoon(),
                        now.plus(EXPIRING_SOON)),
                card.state().tier(), card.discountBp(), card.windowSpend(), DiscountView.of(rules.discount(), card),
                program.currency(), member.enrolledAt(), null, null);
    }
}
