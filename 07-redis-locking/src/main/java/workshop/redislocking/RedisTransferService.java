package workshop.redislocking;

import redis.clients.jedis.RedisClient;

/**
 * Exercise 5 (README: "5. RedisTransferService"). Move money between accounts kept in Redis, two ways.
 * An account is a key holding its balance as an integer (a missing key holds 0); a transfer the balance
 * does not cover changes nothing and returns false.
 *
 * <ul>
 *   <li>{@link #transfer}: lock both accounts with {@link RedisLock}s on the keys {@code account + ":lock"},
 *       in an order that cannot deadlock, then read, check and write the balances.</li>
 *   <li>{@link #transferAtomically}: the same with one Lua script and no lock at all.</li>
 * </ul>
 * Many threads transfer at once; money must be neither created nor destroyed, and no balance may go
 * below zero. Reject empty or equal account names and amounts that are not positive.
 *
 * <p>No input may lose or create money. A balance is a non-negative integer Redis can count with (at most
 * {@code Long.MAX_VALUE}, written as {@code INCRBY} writes it). When a balance is not such an integer, or
 * the destination's balance would pass {@code Long.MAX_VALUE}, both methods change nothing and throw
 * {@link IllegalArgumentException}. Check before you write: Redis does not roll back a {@code MULTI}/{@code
 * EXEC} transaction or a Lua script in which a command failed (README 5). Check the result of
 * {@code EXEC}. In the script, remember that Lua's numbers are doubles, exact only up to 2^53: amounts up
 * to {@code Long.MAX_VALUE} must move exactly. In {@link #transfer}, read and check the balance only once
 * both locks are held.
 */
@SuppressWarnings("unused")
public class RedisTransferService {

    public RedisTransferService(RedisClient client) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 5: RedisTransferService(RedisClient)");
    }

    /**
     * Moves {@code amount} from one account to another under two locks.
     *
     * @return true if moved, false if the balance of {@code from} does not cover it (nothing changes)
     * @throws IllegalArgumentException if a balance is not a non-negative integer or the destination's would
     *                                  pass {@code Long.MAX_VALUE} (nothing changes)
     * @throws IllegalStateException    if an account stayed locked for too long, or the thread was
     *                                  interrupted while it waited for a lock (keep its interrupt status set)
     */
    public boolean transfer(String from, String to, long amount) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 5: RedisTransferService.transfer(String, String, long)");
    }

    /**
     * Moves {@code amount} with one Lua script, without any lock.
     *
     * @return true if moved, false if the balance of {@code from} does not cover it (nothing changes)
     * @throws IllegalArgumentException as {@link #transfer}
     */
    public boolean transferAtomically(String from, String to, long amount) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 5: RedisTransferService.transferAtomically(String, String, long)");
    }
}
