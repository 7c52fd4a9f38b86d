/*
 * Wrong: a quorum of N/2 (2 of 5)
 * Rejected by: RedlockTest#refusesWithThreeOfFiveServersDeadAndLeavesNoKey, RedlockTest#refusesWhenAnotherClientHoldsThreeServersAndLeavesItsKeysAlone, RedlockTest#theQuorumIsAStrictMajorityForEveryNumberOfServers
 * Message: majority
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
import java.util.function.Predicate;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * The Redlock algorithm over N independent Redis servers (independent processes, ideally machines:
 * N databases of one server fail together and are not N servers).
 *
 * <p>One attempt: take the start time; {@code SET name token NX PX ttl} on every server at once (one
 * virtual thread per server, so an attempt costs the slowest server's answer, not the sum of all), with
 * the same random token; count the servers that answered OK (an error or timeout is not a grant). The
 * lock is acquired when a majority ({@code N/2 + 1}) granted it and its validity is still positive:
 * {@code validity = ttl - elapsed - (ttl * 0.01 + 2 ms)}, the time spent acquiring and an allowance for
 * the servers' clocks drifting apart subtracted. Otherwise the attempt is undone on every server (a
 * compare-and-delete, so nobody else's lock is touched) and, after a random delay that keeps competing
 * clients from colliding again in lockstep, the next attempt starts, until {@code wait} has passed.
 *
 * <p>Each server call can only take as long as its client's connect and read timeout: give the clients
 * short timeouts (a small fraction of the TTL), so a frozen or unreachable server costs little and
 * does not eat the validity.
 *
 * <p>A wait of zero or less means one attempt; a huge one means as long as it takes (converted with
 * {@code TimeUnit.NANOSECONDS.convert}, which saturates). An interrupt ends the wait with
 * {@link InterruptedException}, status cleared, after the current attempt was undone on every server.
 *
 * <p>Redlock's safety rests on timing assumptions: bounded pauses, bounded network delays, clocks that
 * run at about the same rate, and servers that keep their keys across restarts. When one of them fails
 * two clients can hold the lock at once. Treat it as a lease for efficiency, and fence writes where
 * correctness matters ({@link FencedLock}).
 *
 * <p>Thread-safe: instances hold no mutable state.
 */
public class Redlock {

    /** Share of the TTL allowed for clock drift between servers (the Redlock paper's 1%). */
    private static final long DRIFT_PERCENT = 1;
    /** Fixed part of the drift allowance. */
    private static final Duration DRIFT_MIN = Duration.ofMillis(2);
    /** Deletes the key only if it still holds the caller's value. Returns 1 if it deleted, else 0. */
    private static final String RELEASE = """
            if redis.call('get', KEYS[1]) == ARGV[1] then
                return redis.call('del', KEYS[1])
            end
            return 0""";
    /** Random bytes per token: 160 bits. */
    private static final int TOKEN_BYTES = 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Bounds of the random delay between two attempts. */
    private static final long MIN_RETRY_DELAY_MICROS = 1_000;
    private static final long MAX_RETRY_DELAY_MICROS = 50_000;

    private final List<RedisClient> servers;
    private final String name;
    private final Duration ttl;
    private final TimeSource time;
    private final int quorum;

    /**
     * A Redlock on the real clock.
     *
     * @param servers one client per independent Redis server (at least one; use 5), each with short timeouts
     * @param name    the lock's name, its key on every server
     * @param ttl     how long the lock lives on each server; at least 1 ms
     */
    public Redlock(List<RedisClient> servers, String name, Duration ttl) {
        this(servers, name, ttl, TimeSource.system());
    }

    /**
     * A Redlock that reads the clock and waits between attempts through {@code time} (tests pass a fake).
     */
    public Redlock(List<RedisClient> servers, String name, Duration ttl, TimeSource time) {
        Objects.requireNonNull(servers, "servers");
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("servers must not be empty");
        }
        servers.forEach(s -> Objects.requireNonNull(s, "servers must not contain null"));
        this.servers = List.copyOf(servers);
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty or blank, was \"" + name + "\"");
        }
        this.name = name;
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(Duration.ofMillis(1)) < 0 || ttl.compareTo(Duration.ofMillis(Long.MAX_VALUE / 1_000_000)) > 0) {
            throw new IllegalArgumentException("ttl must be at least 1 ms and at most Long.MAX_VALUE ns, was " + ttl);
        }
        this.ttl = ttl;
        this.time = Objects.requireNonNull(time, "time");
        this.quorum = this.servers.size() / 2;
    }

    /**
     * Tries to take the lock on a majority of the servers, retrying after random delays until
     * {@code wait} (measured on the time source) has passed. Makes at least one attempt; a wait of zero or
     * less means that one attempt only, a huge one as long as it takes.
     *
     * @param wait how long to keep trying
     * @return the lease with its validity, or empty if no attempt reached a majority in time
     * @throws InterruptedException if the thread is interrupted before an attempt or while it waits
     *                              between two (status cleared; the failed attempt was undone everywhere)
     */
    public Optional<RedlockLease> tryAcquire(Duration wait) throws InterruptedException {
        Objects.requireNonNull(wait, "wait");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before trying to take " + name);
        }
        long waitNanos = TimeUnit.NANOSECONDS.convert(wait); // saturates: no ArithmeticException
        long begin = time.nanoTime();
        long drift = ttl.toNanos() * DRIFT_PERCENT / 100 + DRIFT_MIN.toNanos();
        while (true) {
            String token = newTokenValue();
            long start = time.nanoTime();
            int granted = 0;
            for (boolean grant : onEveryServer(server -> trySet(server, token))) {
                if (grant) {
                    granted++;
                }
            }
            long validity = ttl.toNanos() - (time.nanoTime() - start) - drift;
            if (granted >= quorum && validity > 0) {
                return Optional.of(new RedlockLease(name, token, Duration.ofNanos(validity)));
            }
            // Every server asked, also those that said no or did not answer: a SET whose reply was lost may
            // have landed. Nobody waits for a partial lock.
            releaseEverywhere(token);
            if (Thread.interrupted()) { // onEveryServer finished the attempt first; now report the interrupt
                throw new InterruptedException("interrupted while trying to take " + name);
            }
            long elapsed = time.nanoTime() - begin;
            if (elapsed >= waitNanos) { // not "remaining <= 0": waitNanos - elapsed overflows for a huge negative wait
                return Optional.empty();
            }
            long remaining = waitNanos - elapsed;
            long delayMicros = ThreadLocalRandom.current().nextLong(MIN_RETRY_DELAY_MICROS, MAX_RETRY_DELAY_MICROS + 1);
            time.sleep(Duration.ofNanos(Math.min(remaining, delayMicros * 1_000)));
        }
    }

    /**
     * Releases the lock on every server that still holds this lease's token (a server that is down is
     * skipped; its key expires by itself).
     *
     * @throws IllegalArgumentException if the lease belongs to a lock with another name
     */
    public void release(RedlockLease lease) {
        Objects.requireNonNull(lease, "lease");
        if (!lease.name().equals(name)) {
            throw new IllegalArgumentException("lease belongs to the lock \"" + lease.name() + "\", not to \"" + name + "\"");
        }
        releaseEverywhere(lease.token());
    }

    private boolean trySet(RedisClient server, String token) {
        try {
            return "OK".equals(server.set(name, token, SetParams.setParams().nx().px(ttl.toMillis())));
        } catch (JedisException e) {
            return false; // down, frozen or unreachable: not a grant
        }
    }

    private void releaseEverywhere(String token) {
        onEveryServer(server -> {
            try {
                return Long.valueOf(1).equals(server.eval(RELEASE, List.of(name), List.of(token)));
            } catch (JedisException e) {
                return false; // unreachable now: if it did store our key, the key expires after the TTL
            }
        });
    }

    /**
     * Makes one call per server, all at once on virtual threads, and waits for every one of them: each
     * call is bounded by its client's timeouts, so the wait is too. An interrupt does not cut the wait short
     * (a call left running could grant a lock nobody releases); it is restored afterwards.
     *
     * @return each server's answer, in the order of {@code servers}
     */
    private boolean[] onEveryServer(Predicate<RedisClient> call) {
        boolean[] answers = new boolean[servers.size()];
        Thread[] calls = new Thread[servers.size()];
        for (int i = 0; i < calls.length; i++) {
            int server = i;
            calls[i] = Thread.ofVirtual().name("redlock-" + name + "-" + i)
                    .start(() -> answers[server] = call.test(servers.get(server)));
        }
        boolean interrupted = false;
        for (Thread thread : calls) {
            while (true) {
                try {
                    thread.join(); // happens-before: its answer is visible after this
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return answers;
    }

    /** A fresh random value: {@value #TOKEN_BYTES} bytes from {@link SecureRandom}, in hex. */
    private static String newTokenValue() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "Redlock[" + name + " on " + servers.size() + " servers, quorum " + quorum + ", ttl " + ttl + "]";
    }
}
