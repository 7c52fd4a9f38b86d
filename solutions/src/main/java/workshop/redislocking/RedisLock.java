package workshop.redislocking;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.RedisClient;
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
 * <p>Waiting follows {@code java.util.concurrent}: a wait of zero or less means "one attempt, no waiting", a
 * huge one (up to {@code Duration.ofSeconds(Long.MAX_VALUE)}) means "as long as it takes" (the wait is
 * converted with {@code TimeUnit.NANOSECONDS.convert}, which saturates instead of overflowing), and an
 * interrupt ends the wait with {@link InterruptedException}, its status cleared and no key left behind.
 *
 * <p>Thread-safe: instances hold no mutable state; Jedis's {@code RedisClient} is thread-safe (each command
 * borrows a connection from the client's pool).
 */
public class RedisLock {

    /** Deletes the key only if it still holds the caller's value. Returns 1 if it deleted, else 0. */
    private static final String RELEASE = """
            if redis.call('get', KEYS[1]) == ARGV[1] then
                return redis.call('del', KEYS[1])
            end
            return 0""";

    /** Sets a new TTL only if the key still holds the caller's value. Returns 1 if it did, else 0. */
    private static final String EXTEND = """
            if redis.call('get', KEYS[1]) == ARGV[1] then
                return redis.call('pexpire', KEYS[1], ARGV[2])
            end
            return 0""";

    /** Random bytes per token: 160 bits, as the Redis documentation suggests (20 bytes of /dev/urandom). */
    private static final int TOKEN_BYTES = 20;

    /** Upper bound of the random pause between two attempts to take a busy lock. */
    private static final long MAX_RETRY_DELAY_MICROS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisClient client;
    private final String name;
    private final Duration ttl;

    /**
     * @param client the Redis server's client (Jedis {@code RedisClient}: thread-safe, pools its connections)
     * @param name   the lock's name, also its Redis key; not empty or blank
     * @param ttl    how long the lock lives unless released or extended; at least 1 ms
     */
    public RedisLock(RedisClient client, String name, Duration ttl) {
        this.client = Objects.requireNonNull(client, "client");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty or blank, was \"" + name + "\"");
        }
        this.name = name;
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
     * least one attempt; a wait of zero or less means that one attempt only.
     *
     * @param wait how long to keep trying; a huge wait means as long as it takes
     * @return the token that proves ownership, or empty if the lock stayed taken
     * @throws InterruptedException if the thread is interrupted before or while it waits (the interrupt
     *                              status is cleared; this call left no key behind)
     */
    public Optional<LockToken> tryAcquire(Duration wait) throws InterruptedException {
        Objects.requireNonNull(wait, "wait");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before trying to take " + name);
        }
        long waitNanos = TimeUnit.NANOSECONDS.convert(wait); // saturates: no ArithmeticException
        long start = System.nanoTime();
        LockToken token = new LockToken(name, newTokenValue());
        while (true) {
            if (trySet(token.value())) {
                return Optional.of(token);
            }
            long elapsed = System.nanoTime() - start;
            if (elapsed >= waitNanos) { // not "remaining <= 0": waitNanos - elapsed overflows for a huge negative wait
                return Optional.empty();
            }
            long remaining = waitNanos - elapsed;
            long pause = Math.min(remaining, TimeUnit.MICROSECONDS.toNanos(
                    ThreadLocalRandom.current().nextLong(1, MAX_RETRY_DELAY_MICROS + 1)));
            TimeUnit.NANOSECONDS.sleep(pause); // random, so that clients that collided do not retry in lockstep
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
        return Long.valueOf(1).equals(client.eval(RELEASE, List.of(name), List.of(token.value())));
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
        return Long.valueOf(1).equals(client.eval(EXTEND, List.of(name),
                List.of(token.value(), Long.toString(ttl.toMillis()))));
    }

    @Override
    public String toString() {
        return "RedisLock[" + name + ", ttl " + ttl + "]";
    }

    private boolean trySet(String value) {
        return "OK".equals(client.set(name, value, SetParams.setParams().nx().px(ttl.toMillis())));
    }

    private void requireOwnToken(LockToken token) {
        Objects.requireNonNull(token, "token");
        if (!token.name().equals(name)) {
            throw new IllegalArgumentException("token belongs to the lock \"" + token.name() + "\", not to \"" + name + "\"");
        }
    }

    /** A fresh random value: {@value #TOKEN_BYTES} bytes from {@link SecureRandom}, in hex. */
    private static String newTokenValue() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static Duration requireMillis(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException(what + " must be at least 1 ms, was " + duration);
        }
        if (duration.compareTo(Duration.ofMillis(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(what + " must fit in a Redis TTL (Long.MAX_VALUE ms), was " + duration);
        }
        return duration;
    }
}
