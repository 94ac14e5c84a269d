package app.loyalty.shared.domain.segment;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

/**
 * What a segment looks at of one member: the figures the profile already keeps (docs/data-model.md, member profile),
 * read from a page of the program member index. {@code lastPurchaseDay} is null for a member who never bought,
 * {@code birthDate} for one who did not give it; {@code tier} is null for a program without tiers.
 * {@code totalSpend} is in minor units, net of returns.
 */
public record MemberSnapshot(String memberId, String tier, Set<String> tags, Map<String, String> preferences,
                             LocalDate lastPurchaseDay, LocalDate birthDate, String enrolledBy, long availablePoints,
                             long purchaseCount, long totalSpend) {
    public MemberSnapshot {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        preferences = preferences == null ? Map.of() : Map.copyOf(preferences);
    }
}
