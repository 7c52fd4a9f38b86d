package workshop.redislocking;

import redis.clients.jedis.JedisPool;

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
 */
@SuppressWarnings({"deprecation", "unused"}) // JedisPool: deprecated in Jedis 7 for RedisClient; the workshop keeps the classic pool
public class RedisTransferService {

    public RedisTransferService(JedisPool pool) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 5: RedisTransferService(JedisPool)");
    }

    /**
     * Moves {@code amount} from one account to another under two locks.
     *
     * @return true if moved, false if the balance of {@code from} does not cover it (nothing changes)
     * @throws IllegalStateException if an account stayed locked for too long
     */
    public boolean transfer(String from, String to, long amount) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 5: RedisTransferService.transfer(String, String, long)");
    }

    /**
     * Moves {@code amount} with one Lua script, without any lock.
     *
     * @return true if moved, false if the balance of {@code from} does not cover it (nothing changes)
     */
    public boolean transferAtomically(String from, String to, long amount) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 5: RedisTransferService.transferAtomically(String, String, long)");
    }
}
