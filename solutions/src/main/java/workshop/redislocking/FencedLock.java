package workshop.redislocking;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * A Redis lock that hands out a fencing token with every grant: a number that grows with each grant,
 * so the protected resource can tell a stale holder from the current one ({@link FencedStore}).
 *
 * <p>Keys: {@code name} holds the lock (a random value, with a TTL, as in {@link RedisLock});
 * {@code name + ":fence"} holds the counter, which never expires. One Lua script does
 * {@code SET name value NX PX ttl} and, only if that succeeded, {@code INCR name:fence}: both happen on
 * the server in one step, so the numbers follow the order in which the lock was granted. (With two
 * round trips a client whose lock expired between its SET and its INCR could get a higher number than
 * the client that took the lock over.)
 *
 * <p>Thread-safe: instances hold no mutable state.
 */
@SuppressWarnings("deprecation") // JedisPool: deprecated in Jedis 7 for RedisClient; the workshop keeps the classic pool
public class FencedLock {

    /** Takes the lock and, only then, draws the next number. Returns the number, or nil (null). */
    static final String ACQUIRE = """
            if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
                return redis.call('incr', KEYS[2])
            end
            return false""";

    private final JedisPool pool;
    private final String name;
    private final String counterKey;
    private final Duration ttl;

    /**
     * @param pool connections to the Redis server
     * @param name the lock's name, its Redis key; not empty
     * @param ttl  how long the lock lives unless released; at least 1 ms
     */
    public FencedLock(JedisPool pool, String name, Duration ttl) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.name = RedisLock.requireName(name, "name");
        this.counterKey = name + ":fence";
        this.ttl = RedisLock.requireMillis(ttl, "ttl");
    }

    /**
     * Tries to take the lock, retrying after short random pauses until {@code wait} has passed. An
     * interrupt ends the wait early: the method returns empty and the interrupt status is set.
     *
     * @param wait how long to keep trying; more than zero
     * @return the lock's token with its fencing number, or empty if the lock stayed taken
     */
    public Optional<FencedToken> tryAcquire(Duration wait) {
        RedisLock.requirePositive(wait, "wait");
        String value = RedisLock.newTokenValue();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Object number;
            try (Jedis jedis = pool.getResource()) {
                number = jedis.eval(ACQUIRE, List.of(name, counterKey), List.of(value, Long.toString(ttl.toMillis())));
            }
            if (number instanceof Long fencingToken) {
                return Optional.of(new FencedToken(new LockToken(name, value), fencingToken));
            }
            if (!RedisLock.pauseBeforeRetry(deadline)) {
                return Optional.empty();
            }
        }
    }

    /**
     * Releases the lock if {@code token} still owns it (compare-and-delete, as {@link RedisLock#release}).
     *
     * @return true if released; false if it had expired or belongs to someone else now
     * @throws IllegalArgumentException if the token belongs to a lock with another name
     */
    public boolean release(FencedToken token) {
        Objects.requireNonNull(token, "token");
        if (!token.lock().name().equals(name)) {
            throw new IllegalArgumentException("token belongs to the lock \"" + token.lock().name() + "\", not to \"" + name + "\"");
        }
        try (Jedis jedis = pool.getResource()) {
            return Long.valueOf(1).equals(jedis.eval(RedisLock.RELEASE, List.of(name), List.of(token.lock().value())));
        }
    }
}
