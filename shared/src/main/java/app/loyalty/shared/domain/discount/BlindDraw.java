package app.loyalty.shared.domain.discount;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The blind reward draw: SHA-256 of "programId / poolId / orderId" gives two numbers, the first deciding whether
 * the order wins (below chanceBp out of 10000) and the second which reward (by weight). No randomness and no
 * clock: the quote and the purchase of one order draw the same, a retried purchase draws the same, and a member
 * cannot re-roll by asking again (only by a new order id, which the caller binds to a real order).
 */
public final class BlindDraw {
    private BlindDraw() {
    }

    /** The reward this order draws from the pool, or null when it draws nothing. */
    public static RewardPool.Reward draw(String programId, RewardPool pool, String orderId) {
        ByteBuffer digest = ByteBuffer.wrap(sha256(programId + "/" + pool.id() + "/" + orderId));
        long roll = Long.remainderUnsigned(digest.getLong(), Bounds.ALL_BP);
        if (roll >= pool.chanceBp()) {
            return null;
        }
        long pick = Long.remainderUnsigned(digest.getLong(), pool.totalWeight());
        for (RewardPool.Reward reward : pool.rewards()) {
            pick -= reward.weight();
            if (pick < 0) {
                return reward;
            }
        }
        throw new IllegalStateException("the pick is below the total weight, so a reward is always found");
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
