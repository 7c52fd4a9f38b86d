/*
 * Wrong: the fencing number from a counter in the client
 * Rejected by: FencedLockTest#fencingTokensGrowWithEveryGrantAcrossClients, FencedLockTest#theLockAndItsNumberAreTakenInOneScript
 * Message: higher number
 * Caught by: `fencingTokensGrowWithEveryGrantAcrossClients`, `theLockAndItsNumberAreTakenInOneScript`, the paused-client case study
 */
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
 * <p>The counter is never given a TTL and never reset: a lock that expired, was released, or lay idle for
 * longer than its TTL still hands out a higher number next time. (A counter that expired with the lock,
 * or a number kept under the lock's key, would start over at 1, and the store would take the new holder
 * for a stale one, or worse, a stale holder for the current one.)
 *
 * <p>Waiting as in {@link RedisLock#tryAcquire}: zero or less means one attempt, a huge wait as long as it
 * takes, an interrupt ends it with {@link InterruptedException} (status cleared, no key left behind).
 *
 * <p>Thread-safe: instances hold no mutable state.
 */
public class FencedLock {

    /** Takes the lock and, only then, draws the next number. Returns the number, or nil (null). */
    private static final String ACQUIRE = """
            if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
                return redis.call('incr', KEYS[2])
            end
            return false""";

    /** Deletes the key only if it still holds the caller's value. Returns 1 if it deleted, else 0. */
    private static final String RELEASE = """
            if redis.call('get', KEYS[1]) == ARGV[1] then
                return redis.call('del', KEYS[1])
            end
            return 0""";

    /** Random bytes per lock value: 160 bits. */
    private static final int TOKEN_BYTES = 20;
    /** Upper bound of the random pause between two attempts to take a busy lock. */
    private static final long MAX_RETRY_DELAY_MICROS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong();

    private final RedisClient client;
    private final String name;
    private final String counterKey;
    private final Duration ttl;

    /**
     * @param client the Redis server's client (Jedis {@code RedisClient}: thread-safe, pools its connections)
     * @param name   the lock's name, its Redis key; not empty or blank
     * @param ttl    how long the lock lives unless released; at least 1 ms
     */
    public FencedLock(RedisClient client, String name, Duration ttl) {
        this.client = Objects.requireNonNull(client, "client");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty or blank, was \"" + name + "\"");
        }
        this.name = name;
        this.counterKey = name + ":fence";
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(Duration.ofMillis(1)) < 0 || ttl.compareTo(Duration.ofMillis(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("ttl must be at least 1 ms (and fit in a Redis TTL), was " + ttl);
        }
        this.ttl = ttl;
    }

    /**
     * Tries to take the lock, retrying after short random pauses until {@code wait} has passed. Makes at
     * least one attempt; a wait of zero or less means that one attempt only.
     *
     * @param wait how long to keep trying; a huge wait means as long as it takes
     * @return the lock's token with its fencing number, or empty if the lock stayed taken
     * @throws InterruptedException if the thread is interrupted before or while it waits (status cleared,
     *                              no key left behind)
     */
    public Optional<FencedToken> tryAcquire(Duration wait) throws InterruptedException {
        Objects.requireNonNull(wait, "wait");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before trying to take " + name);
        }
        long waitNanos = TimeUnit.NANOSECONDS.convert(wait); // saturates: no ArithmeticException
        long start = System.nanoTime();
        String value = newTokenValue();
        while (true) {
            Object number = "OK".equals(client.set(name, value, redis.clients.jedis.params.SetParams.setParams().nx()
                    .px(ttl.toMillis()))) ? (Object) COUNTER.incrementAndGet() : null;
            if (number instanceof Long fencingToken) {
                return Optional.of(new FencedToken(new LockToken(name, value), fencingToken));
            }
            long elapsed = System.nanoTime() - start;
            if (elapsed >= waitNanos) { // not "remaining <= 0": waitNanos - elapsed overflows for a huge negative wait
                return Optional.empty();
            }
            long remaining = waitNanos - elapsed;
            TimeUnit.NANOSECONDS.sleep(Math.min(remaining, TimeUnit.MICROSECONDS.toNanos(
                    ThreadLocalRandom.current().nextLong(1, MAX_RETRY_DELAY_MICROS + 1))));
        }
    }

    /**
     * Releases the lock if {@code token} still owns it (compare-and-delete, as {@link RedisLock#release}).
     * The fencing counter stays as it is.
     *
     * @return true if released; false if it had expired or belongs to someone else now
     * @throws IllegalArgumentException if the token belongs to a lock with another name
     */
    public boolean release(FencedToken token) {
        Objects.requireNonNull(token, "token");
        if (!token.lock().name().equals(name)) {
            throw new IllegalArgumentException("token belongs to the lock \"" + token.lock().name() + "\", not to \"" + name + "\"");
        }
        return Long.valueOf(1).equals(client.eval(RELEASE, List.of(name), List.of(token.lock().value())));
    }

    @Override
    public String toString() {
        return "FencedLock[" + name + ", ttl " + ttl + "]";
    }

    private static String newTokenValue() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
