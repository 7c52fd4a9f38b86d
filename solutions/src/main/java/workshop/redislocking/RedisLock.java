package workshop.redislocking;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.SetParams;

/**
 * A lock on one Redis server, in the classic single-instance form: the key {@code name} holds a random
 * value while a client holds the lock, and expires after {@code ttl} if the client never releases it
 * (it crashed, or lost its connection).
 *
 * <ul>
 *   <li>Acquire: {@code SET name value NX PX ttl}, one atomic command: the key is created only if it is
 *       absent, and it is created with its expiry, so no crash can leave a lock that lives forever.</li>
 *   <li>Release and extend: a Lua script that compares the value in Redis with the token's and deletes
 *       (or re-expires) the key only if they match. The compare and the act run on the server as one
 *       step, so a client whose lock expired can never delete or extend the lock of the client that
 *       took it over.</li>
 *   <li>The value: 160 bits from {@link SecureRandom}, unique across threads, processes and machines.</li>
 * </ul>
 *
 * <p>This is a lease, not a mutex: once the TTL runs out another client may take the lock, whatever the
 * first client believes. Use it to avoid doing work twice; when correctness depends on it, make the
 * protected resource reject stale writers ({@link FencedLock}).
 *
 * <p>Thread-safe: instances hold no mutable state; each call borrows its own connection from the pool.
 */
@SuppressWarnings("deprecation") // JedisPool: deprecated in Jedis 7 for RedisClient; the workshop keeps the classic pool
public class RedisLock {

    /** Deletes the key only if it still holds the caller's value. Returns 1 if it deleted, else 0. */
    static final String RELEASE = """
            if redis.call('get', KEYS[1]) == ARGV[1] then
                return redis.call('del', KEYS[1])
            end
            return 0""";

    /** Sets a new TTL only if the key still holds the caller's value. Returns 1 if it did, else 0. */
    static final String EXTEND = """
            if redis.call('get', KEYS[1]) == ARGV[1] then
                return redis.call('pexpire', KEYS[1], ARGV[2])
            end
            return 0""";

    /** Random bytes per token: 160 bits, as the Redis documentation suggests (20 bytes of /dev/urandom). */
    private static final int TOKEN_BYTES = 20;

    /** Upper bound of the random pause between two attempts to take a busy lock. */
    private static final long MAX_RETRY_DELAY_MICROS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JedisPool pool;
    private final String name;
    private final Duration ttl;

    /**
     * @param pool connections to the Redis server
     * @param name the lock's name, also its Redis key; not empty
     * @param ttl  how long the lock lives unless released or extended; at least 1 ms
     */
    public RedisLock(JedisPool pool, String name, Duration ttl) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.name = requireName(name, "name");
        this.ttl = requireMillis(ttl, "ttl");
    }

    /** The lock's name, which is also its Redis key. */
    public String name() {
        return name;
    }

    /** How long the lock lives after it was acquired or extended. */
    public Duration ttl() {
        return ttl;
    }

    /**
     * Tries to take the lock, retrying after short random pauses until {@code wait} has passed. Makes at
     * least one attempt. An interrupt ends the wait early: the method returns empty and the thread's
     * interrupt status is set.
     *
     * @param wait how long to keep trying; more than zero
     * @return the token that proves ownership, or empty if the lock stayed taken
     */
    public Optional<LockToken> tryAcquire(Duration wait) {
        requirePositive(wait, "wait");
        LockToken token = new LockToken(name, newTokenValue());
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            if (trySet(token.value())) {
                return Optional.of(token);
            }
            if (!pauseBeforeRetry(deadline)) {
                return Optional.empty();
            }
        }
    }

    /**
     * Releases the lock if {@code token} still owns it.
     *
     * @return true if the lock was released; false if it had expired or belongs to someone else now
     *         (that lock is left untouched)
     * @throws IllegalArgumentException if the token belongs to a lock with another name
     */
    public boolean release(LockToken token) {
        requireOwnToken(token);
        try (Jedis jedis = pool.getResource()) {
            return Long.valueOf(1).equals(jedis.eval(RELEASE, List.of(name), List.of(token.value())));
        }
    }

    /**
     * Gives the lock a new time to live of {@code ttl} if {@code token} still owns it.
     *
     * @return true if the lock was extended; false if it had expired or belongs to someone else now
     * @throws IllegalArgumentException if the token belongs to a lock with another name, or ttl is under 1 ms
     */
    public boolean extend(LockToken token, Duration ttl) {
        requireOwnToken(token);
        requireMillis(ttl, "ttl");
        try (Jedis jedis = pool.getResource()) {
            return Long.valueOf(1).equals(jedis.eval(EXTEND, List.of(name),
                    List.of(token.value(), Long.toString(ttl.toMillis()))));
        }
    }

    private boolean trySet(String value) {
        try (Jedis jedis = pool.getResource()) {
            return "OK".equals(jedis.set(name, value, SetParams.setParams().nx().px(ttl.toMillis())));
        }
    }

    private void requireOwnToken(LockToken token) {
        Objects.requireNonNull(token, "token");
        if (!token.name().equals(name)) {
            throw new IllegalArgumentException("token belongs to the lock \"" + token.name() + "\", not to \"" + name + "\"");
        }
    }

    /**
     * Sleeps a random 1 us to {@value #MAX_RETRY_DELAY_MICROS} us (random, so that clients that collided
     * do not retry in lockstep), but not past {@code deadline} ({@code System.nanoTime()} based).
     *
     * @return false if the deadline has passed or the thread was interrupted (its interrupt status is
     *     then set again): stop trying
     */
    static boolean pauseBeforeRetry(long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return false;
        }
        long pause = Math.min(remaining, TimeUnit.MICROSECONDS.toNanos(
                ThreadLocalRandom.current().nextLong(1, MAX_RETRY_DELAY_MICROS + 1)));
        try {
            TimeUnit.NANOSECONDS.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A fresh random value: {@value #TOKEN_BYTES} bytes from {@link SecureRandom}, in hex. */
    static String newTokenValue() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String requireName(String name, String what) {
        Objects.requireNonNull(name, what);
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty or blank, was \"" + name + "\"");
        }
        return name;
    }

    static Duration requireMillis(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.toMillis() < 1) {
            throw new IllegalArgumentException(what + " must be at least 1 ms, was " + duration);
        }
        return duration;
    }

    static Duration requirePositive(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be more than zero, was " + duration);
        }
        return duration;
    }
}
