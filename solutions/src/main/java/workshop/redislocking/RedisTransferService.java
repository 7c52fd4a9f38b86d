package workshop.redislocking;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Transaction;

/**
 * Moves money between accounts kept in Redis, two ways.
 *
 * <p>An account is a key holding its balance as an integer; a key that does not exist holds 0. A
 * transfer that the balance of {@code from} does not cover changes nothing and returns false.
 *
 * <ul>
 *   <li>{@link #transfer}: the client-side way. It locks both accounts with {@link RedisLock}s (keys
 *       {@code account + ":lock"}), always in the same order (by account name), so two opposing transfers
 *       never wait for each other forever; then reads, checks and writes the balances.</li>
 *   <li>{@link #transferAtomically}: one Lua script that reads, checks and writes on the server, where
 *       scripts run one at a time. No lock, one round trip, nothing to expire halfway, no client pause
 *       that can break it: the better design whenever all the data lives in one Redis.</li>
 * </ul>
 *
 * <p>Thread-safe: instances hold no mutable state.
 */
@SuppressWarnings("deprecation") // JedisPool: deprecated in Jedis 7 for RedisClient; the workshop keeps the classic pool
public class RedisTransferService {

    /** Checks the balance and moves the money, all on the server. Returns 1 if moved, 0 if funds are short. */
    static final String TRANSFER = """
            local amount = tonumber(ARGV[1])
            local balance = tonumber(redis.call('get', KEYS[1]) or '0')
            if balance < amount then
                return 0
            end
            redis.call('decrby', KEYS[1], amount)
            redis.call('incrby', KEYS[2], amount)
            return 1""";

    /** How long an account lock lives: far longer than a transfer takes. */
    private static final Duration LOCK_TTL = Duration.ofSeconds(10);
    /** How long a transfer waits for an account lock before it gives up. */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(5);

    private final JedisPool pool;

    public RedisTransferService(JedisPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /**
     * Moves {@code amount} from one account to another under two locks taken in a fixed order.
     *
     * @return true if moved, false if the balance of {@code from} does not cover it (nothing changes)
     * @throws IllegalArgumentException if an account name is empty, both are the same, or amount <= 0
     * @throws IllegalStateException    if an account stayed locked for longer than the lock wait
     */
    public boolean transfer(String from, String to, long amount) {
        checkArguments(from, to, amount);
        boolean fromFirst = from.compareTo(to) < 0; // one global order: by name
        RedisLock first = new RedisLock(pool, (fromFirst ? from : to) + ":lock", LOCK_TTL);
        RedisLock second = new RedisLock(pool, (fromFirst ? to : from) + ":lock", LOCK_TTL);
        LockToken firstToken = acquire(first);
        try {
            LockToken secondToken = acquire(second);
            try {
                return moveWhileLocked(from, to, amount);
            } finally {
                second.release(secondToken);
            }
        } finally {
            first.release(firstToken);
        }
    }

    /**
     * Moves {@code amount} with one Lua script: no lock.
     *
     * @return true if moved, false if the balance of {@code from} does not cover it (nothing changes)
     * @throws IllegalArgumentException if an account name is empty, both are the same, or amount <= 0
     */
    public boolean transferAtomically(String from, String to, long amount) {
        checkArguments(from, to, amount);
        try (Jedis jedis = pool.getResource()) {
            return Long.valueOf(1).equals(jedis.eval(TRANSFER, List.of(from, to), List.of(Long.toString(amount))));
        }
    }

    private boolean moveWhileLocked(String from, String to, long amount) {
        try (Jedis jedis = pool.getResource()) {
            String balance = jedis.get(from);
            if (balance == null || Long.parseLong(balance) < amount) {
                return false;
            }
            Transaction both = jedis.multi(); // both writes or neither, should the client die in between
            both.decrBy(from, amount);
            both.incrBy(to, amount);
            both.exec();
            return true;
        }
    }

    private static LockToken acquire(RedisLock lock) {
        return lock.tryAcquire(LOCK_WAIT).orElseThrow(() -> new IllegalStateException(
                "could not take " + lock.name() + " within " + LOCK_WAIT));
    }

    private static void checkArguments(String from, String to, long amount) {
        RedisLock.requireName(from, "from");
        RedisLock.requireName(to, "to");
        if (from.equals(to)) {
            throw new IllegalArgumentException("from and to must be different accounts, both were \"" + from + "\"");
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be more than zero, was " + amount);
        }
    }
}
