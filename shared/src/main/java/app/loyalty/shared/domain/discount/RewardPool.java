package app.loyalty.shared.domain.discount;

import java.util.List;

/**
 * A blind reward: at each checkout the member has {@code chanceBp} in 10000 of drawing one of the pool's rewards,
 * picked by weight. The draw is a pure function of program, pool and order ids ({@link BlindDraw}), so the quote
 * and the purchase of the same order draw the same. The pool spends from a budget: POINTS pools give points,
 * MINOR_UNITS pools give money off (a percent off a line, or a free unit of a SKU); a reward worth more than
 * what is left of the budget is cut to it, and an empty budget draws nothing.
 *
 * @param budget the pool's whole budget (points or minor units, 1..10^10); what is left comes from storage
 */
public record RewardPool(String id, Integer chanceBp, BudgetUnit budgetUnit, Long budget, List<Reward> rewards) {

    public enum BudgetUnit { POINTS, MINOR_UNITS }

    /**
     * One reward of a pool. POINTS: {@code points} (1..10^6). LINE_PERCENT: {@code percentBp} (1..10000) off the most
     * expensive line (after the steps before). FREE_SKU: one unit of {@code sku} free when the basket holds it.
     *
     * @param weight relative chance among the pool's rewards, 1..10000
     */
    public record Reward(Kind kind, Integer weight, Long points, Integer percentBp, String sku) {
        public enum Kind { POINTS, LINE_PERCENT, FREE_SKU }

        public Reward {
            if (kind == null) {
                throw new IllegalArgumentException("rewardPools[].rewards[].kind is required");
            }
            weight = weight == null ? 1 : weight;
            Bounds.range("rewardPools[].rewards[].weight", weight, 1, 10_000);
            if ((kind == Kind.POINTS) != (points != null) || (kind == Kind.LINE_PERCENT) != (percentBp != null)
                    || (kind == Kind.FREE_SKU) != (sku != null)) {
                throw new IllegalArgumentException("rewardPools[].rewards[] needs points for POINTS, percentBp for LINE_PERCENT, sku for FREE_SKU, and nothing else");
            }
            if (points != null) {
                Bounds.range("rewardPools[].rewards[].points", points, 1, 1_000_000);
            }
            if (percentBp != null) {
                Bounds.range("rewardPools[].rewards[].percentBp", percentBp, 1, Bounds.ALL_BP);
            }
            if (sku != null) {
                sku = app.loyalty.shared.domain.Text.required("rewardPools[].rewards[].sku", sku, 64);
            }
        }
    }

    public RewardPool {
        id = Bounds.id("rewardPools[].id", id);
        if (chanceBp == null) {
            throw new IllegalArgumentException("rewardPools[].chanceBp is required");
        }
        Bounds.range("rewardPools[].chanceBp", chanceBp, 0, Bounds.ALL_BP);
        if (budgetUnit == null || budget == null) {
            throw new IllegalArgumentException("rewardPools[].budgetUnit and budget are required");
        }
        Bounds.range("rewardPools[].budget", budget, 1, Bounds.MAX_AMOUNT);
        if (rewards == null || rewards.isEmpty() || rewards.size() > 100 || rewards.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("rewardPools[].rewards must hold 1..100 rewards");
        }
        rewards = List.copyOf(rewards);
        boolean pointsPool = budgetUnit == BudgetUnit.POINTS;
        if (rewards.stream().anyMatch(reward -> (reward.kind() == Reward.Kind.POINTS) != pointsPool)) {
            throw new IllegalArgumentException("rewardPools[].rewards of a POINTS budget must be POINTS, of a MINOR_UNITS budget LINE_PERCENT or FREE_SKU");
        }
    }

    int totalWeight() {
        return rewards.stream().mapToInt(Reward::weight).sum();
    }
}
