package workshop.redislocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import workshop.redislocking.support.CommandLog;
import workshop.redislocking.support.CommandLog.Command;
import workshop.redislocking.support.HoldingConnections;
import workshop.redislocking.support.LocalRedis;
import workshop.redislocking.support.LocalRedisServer;
import workshop.redislocking.support.OnEachRedis;
import workshop.redislocking.support.Redis;
import workshop.redislocking.support.RedisTest;
import workshop.redislocking.support.Secrets;
import workshop.redislocking.support.Waiting;
import workshop.testkit.BlockingCall;
import workshop.testkit.ThreadLeaks;
import workshop.testkit.TimeFactor;

/** Exercise 2: README "2. RenewingLock". */
@RedisTest
class RenewingLockTest {

    /** Short, so the test sees several TTLs go by; 700 ms between renewal and expiry leave room for a loaded machine. */
    private static final Duration TTL = Duration.ofMillis(800);
    private static final Duration RENEW_EVERY = Duration.ofMillis(100);
    private static final Duration WAIT = Duration.ofSeconds(2);
    /** How long a renewal may take to show: 15 renewal periods (WORKSHOP_TIME_FACTOR stretches it on a busy machine). */
    private static final Duration DETECTION = TimeFactor.millis(1500);
    /** How long close() gets to return while a renewal is held back: it must not, so this is waited out in full. */
    private static final Duration CLOSE_GRACE = Duration.ofMillis(300);

    @OnEachRedis
    void keepsTheLockThroughSeveralTtlsWhileTheLeaseIsOpen(Redis redis) throws Exception {
        String key = redis.key("lock");
        RenewingLock lock = new RenewingLock(new RedisLock(redis.client(), key, TTL), RENEW_EVERY);
        try (Lease lease = lock.tryAcquire(WAIT).orElseThrow()) {
            long start = System.nanoTime();
            AtomicLong last = new AtomicLong(Long.MAX_VALUE);
            AtomicInteger renewals = new AtomicInteger();
            AtomicLong highestAfterRenewal = new AtomicLong();
            await("the lease to outlive 3 TTLs").pollInSameThread().atMost(Duration.ofSeconds(8))
                    .pollInterval(Duration.ofMillis(10)).until(() -> {
                        long pttl = redis.pttl(key);
                        String value = redis.get(key);
                        long elapsed = (System.nanoTime() - start) / 1_000_000;
                        if (pttl < 0 || !lease.token().value().equals(value)) {
                            throw new AssertionError("the lock expired " + elapsed + " ms after it was taken with a TTL"
                                    + " of " + TTL.toMillis() + " ms, although its lease was open (" + renewals.get()
                                    + " renewals seen). While the lease is open, extend the lock every renewEvery ("
                                    + RENEW_EVERY.toMillis() + " ms) by the lock's full TTL, from a background thread.");
                        }
                        if (pttl > last.get()) {
                            renewals.incrementAndGet();
                            highestAfterRenewal.accumulateAndGet(pttl, Math::max);
                        }
                        last.set(pttl);
                        return elapsed >= 3 * TTL.toMillis();
                    });
            assertThat(renewals.get()).withFailMessage("the key's TTL went up only %d times in 3 TTLs: the lease must"
                    + " renew every %d ms", renewals.get(), RENEW_EVERY.toMillis()).isGreaterThanOrEqualTo(4);
            assertThat(highestAfterRenewal.get()).withFailMessage("after a renewal the key had at most %d ms to live:"
                    + " renew with the lock's TTL (%d ms)", highestAfterRenewal.get(), TTL.toMillis())
                    .isGreaterThan(TTL.toMillis() - RENEW_EVERY.toMillis() * 2);
            assertThat(lease.isLost()).isFalse();
        }
    }

    @OnEachRedis
    void closeReleasesTheLockStopsRenewingAndLeavesNoThread(Redis redis) throws Exception {
        String key = redis.key("lock");
        RenewingLock lock = new RenewingLock(new RedisLock(redis.client(), key, TTL), RENEW_EVERY);
        try (CommandLog log = redis.monitor()) {
            Set<Long> before = ThreadLeaks.snapshot();
            Lease lease = lock.tryAcquire(WAIT).orElseThrow();
            await("a first renewal").pollInSameThread().atMost(DETECTION).pollInterval(Duration.ofMillis(5))
                    .until(() -> redis.pttl(key) > TTL.toMillis() - RENEW_EVERY.toMillis() / 2
                            && log.since(0).stream().filter(c -> !c.fromScript()).count() >= 2);

            lease.close();
            int closed = log.mark();
            List<Thread> left = ThreadLeaks.startedSince(before).stream().filter(Thread::isAlive).toList();

            assertThat(redis.exists(key)).withFailMessage("after close() the lock's key still exists: close must"
                    + " release the lock").isFalse();
            assertThat(left).withFailMessage("close() returned while the lease's thread(s) %s still ran: stop the"
                    + " renewal and wait for its thread to end (join it, or shut its executor down and await"
                    + " termination) before close() returns", left.stream().map(Thread::getName).toList()).isEmpty();
            // Watch the server for three renewal periods: nothing may touch the key any more.
            try {
                await("silence on the key").pollInSameThread().during(RENEW_EVERY.multipliedBy(3))
                        .atMost(RENEW_EVERY.multipliedBy(3).plusSeconds(3)).until(() -> log.recordedSince(closed).stream().allMatch(c -> c.name().equals("EXISTS")));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // reported below, with the commands
            }
            List<Command> after = log.since(closed).stream().filter(c -> !c.name().equals("EXISTS")).toList(); // ours
            assertThat(after).withFailMessage("after close() returned, these commands still reached the server:%n%s"
                    + "A renewal after close can extend a lock that another client took in the meantime (or keep"
                    + " yours alive forever). Stop the renewal, and wait for a renewal in flight to finish, before"
                    + " releasing.", CommandLog.describe(after)).isEmpty();
            lease.close(); // idempotent
        }
    }

    /**
     * A renewal is held back just before it reaches the server, and close() is called meanwhile. close()
     * must not return before that renewal has finished and the renewer has ended: a renewal that lands
     * after close() returned can extend a lock that another client holds by then.
     */
    @OnEachRedis
    void closeWaitsForARenewalInFlightBeforeItReturns(Redis redis) throws Exception {
        String key = redis.key("lock");
        HoldingConnections pool = new HoldingConnections(redis.target());
        RedisClient client = redis.newClient(pool); // closed (with pool) by redis after the test
        try (CommandLog log = redis.monitor()) {
            RenewingLock lock = new RenewingLock(new RedisLock(client, key, TTL), RENEW_EVERY);
            Lease lease = lock.tryAcquire(WAIT).orElseThrow();
            boolean returnedDuringTheRenewal;
            Thread renewer;
            pool.holdNext();
            try {
                renewer = pool.awaitHeld(DETECTION);
                assertThat(renewer).withFailMessage("no renewal asked for a connection within %d ms of the lock being"
                        + " taken (renewEvery is %d ms)", DETECTION.toMillis(), RENEW_EVERY.toMillis()).isNotNull();
            } catch (AssertionError | InterruptedException e) {
                pool.letGo();
                throw e;
            }
            try (BlockingCall<Void> closer = BlockingCall.run("closer", lease::close)) { // close() while the renewal is in flight
                try {
                    await("close() to return or to wait").pollInSameThread().atMost(DETECTION)
                            .pollInterval(Duration.ofMillis(1)).until(() -> closer.thread().getState() != Thread.State.NEW
                                    && closer.thread().getState() != Thread.State.RUNNABLE);
                    // A correct close() keeps waiting for the held renewal.
                    returnedDuringTheRenewal = BlockingCall.joins(closer.thread(), CLOSE_GRACE);
                } finally {
                    pool.letGo();
                }
                closer.assertFinishesWithin(HoldingConnections.LONGEST_HOLD.multipliedBy(2), "close() did not return"
                        + " after the held renewal was let go");
            }
            int closed = log.mark();
            boolean renewerAlive = renewer.isAlive();

            assertThat(returnedDuringTheRenewal).withFailMessage("close() returned while a renewal was still on its way"
                    + " to the server (the test held it back). Once let go, it reaches the server after close()"
                    + " returned and can extend a lock that another client holds by then. close() must stop the"
                    + " renewer AND wait for it to end (join the thread, or shut the executor down and"
                    + " awaitTermination) before it releases the lock.")
                    .isFalse();
            assertThat(renewerAlive).withFailMessage("close() returned while the renewer thread \"%s\" still ran: wait"
                    + " for it to end before close() returns", renewer.getName()).isFalse();
            assertThat(redis.exists(key)).withFailMessage("after close() the lock's key still exists: close must"
                    + " release the lock").isFalse();
            List<Command> after = log.since(closed).stream().filter(c -> !c.name().equals("EXISTS")).toList(); // ours
            assertThat(after).withFailMessage("after close() returned, these commands still reached the server:%n%s",
                    CommandLog.describe(after)).isEmpty();
        }
    }

    @OnEachRedis
    void reportsLossWhenTheKeyDisappears(Redis redis) throws Exception {
        String key = redis.key("lock");
        RenewingLock lock = new RenewingLock(new RedisLock(redis.client(), key, TTL), RENEW_EVERY);
        try (Lease lease = lock.tryAcquire(WAIT).orElseThrow()) {
            assertThat(lease.isLost()).isFalse();
            redis.del(key); // an operator, a FLUSHALL, a failover to a replica that never saw the key...

            awaitLoss(lease, "the key was deleted");
            assertThat(redis.exists(key)).withFailMessage("a renewal re-created or kept a key it no longer owned")
                    .isFalse();
        }
    }

    @OnEachRedis
    void reportsLossWhenAnotherClientOwnsTheKeyAndLeavesItsLockAlone(Redis redis) throws Exception {
        String key = redis.key("lock");
        RenewingLock lock = new RenewingLock(new RedisLock(redis.client(), key, TTL), RENEW_EVERY);
        try (Lease lease = lock.tryAcquire(WAIT).orElseThrow()) {
            // The lease expired unseen and another client took the lock, with a TTL of a minute.
            redis.client().set(key, "another-client", SetParams.setParams().px(60_000));

            awaitLoss(lease, "another client owns the key");
            long ttl = redis.pttl(key);
            assertThat(redis.get(key)).isEqualTo("another-client");
            assertThat(ttl).withFailMessage("a renewal changed the other client's TTL from 60000 ms to %d ms: renew"
                    + " only a key that still holds your token (compare-and-extend, RedisLock.extend)", ttl)
                    .isGreaterThan(50_000);
        }
        assertThat(redis.get(key)).withFailMessage("closing the lost lease deleted the other client's lock")
                .isEqualTo("another-client");
    }

    @Test
    void reportsLossWhenTheServerIsGoneForLongerThanTheTtl(LocalRedis local) throws Exception {
        LocalRedisServer server = local.start();
        RedisClient pool = server.newClient(LocalRedis.FAULT_TIMEOUT);
        RenewingLock lock = new RenewingLock(new RedisLock(pool, "lock", TTL), RENEW_EVERY);
        Set<Long> before = ThreadLeaks.snapshot();
        Lease lease = lock.tryAcquire(WAIT).orElseThrow();

        server.kill(); // the lock died with the server: the renewals fail from now on

        await("the lease to report loss").pollInSameThread().atMost(TTL.plus(DETECTION)).pollInterval(Duration.ofMillis(10))
                .until(lease::isLost);
        try {
            lease.close();
        } catch (JedisException e) {
            // Closing may report that the server cannot be reached; what matters is that it returns.
        }
        List<Thread> left = ThreadLeaks.startedSince(before).stream().filter(Thread::isAlive).toList();
        assertThat(left).withFailMessage("the lease's thread(s) %s outlived close(): a renewal that fails must not"
                + " leave the renewer behind", left.stream().map(Thread::getName).toList()).isEmpty();
    }

    private static void awaitLoss(Lease lease, String why) {
        long start = System.nanoTime();
        try {
            await().pollInSameThread().atMost(DETECTION).pollInterval(Duration.ofMillis(5)).until(lease::isLost);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("isLost() stayed false for " + (System.nanoTime() - start) / 1_000_000 + " ms after "
                    + why + ": the next renewal must notice (extend returns false) and the lease must say so", e);
        }
    }

    @OnEachRedis
    void aSecondClientCannotTakeTheLockWhileALeaseIsOpen(Redis redis) throws Exception {
        String key = redis.key("lock");
        RenewingLock a = new RenewingLock(new RedisLock(redis.client(), key, TTL), RENEW_EVERY);
        RenewingLock b = new RenewingLock(new RedisLock(redis.newClient(), key, TTL), RENEW_EVERY);
        try (Lease lease = a.tryAcquire(WAIT).orElseThrow()) {
            Optional<Lease> other = b.tryAcquire(Duration.ofMillis(50));
            other.ifPresent(Lease::close);
            assertThat(other).withFailMessage("two clients got the lock at once").isEmpty();
            assertThat(lease.token().value()).isEqualTo(redis.get(key));
        }
        try (Lease lease = b.tryAcquire(WAIT).orElseThrow(() -> new AssertionError(
                "after the first lease was closed, the second client could not take the lock"))) {
            assertThat(lease.isLost()).isFalse();
        }
    }

    @OnEachRedis
    void noToStringShowsTheTokensSecretValue(Redis redis) throws Exception {
        RenewingLock lock = new RenewingLock(new RedisLock(redis.client(), redis.key("lock"), TTL), RENEW_EVERY);
        try (Lease lease = lock.tryAcquire(WAIT).orElseThrow()) {
            Secrets.assertHidden("Lease", lease, lease.token().value());
            Secrets.assertHidden("RenewingLock", lock, lease.token().value());
        }
    }

    @OnEachRedis
    void aHugeWaitMeansAsLongAsItTakesAndANegativeOneMeansOneAttempt(Redis redis) throws Exception {
        String key = redis.key("lock");
        RenewingLock mine = new RenewingLock(new RedisLock(redis.client(), key, TTL), RENEW_EVERY);
        Waiting.hugeAndNegativeWaits("RenewingLock", mine::tryAcquire, otherClient(redis, key),
                lease -> ((Lease) lease).close());
    }

    @OnEachRedis
    void anInterruptEndsTheWaitWithInterruptedExceptionAndLeavesNoKey(Redis redis) throws Exception {
        String key = redis.key("lock");
        RenewingLock mine = new RenewingLock(new RedisLock(redis.client(), key, TTL), RENEW_EVERY);
        Waiting.interrupts("RenewingLock", mine::tryAcquire, otherClient(redis, key), () -> Arrays.asList(redis.get(key)));
    }

    /** Another client of the same lock (a plain RedisLock with its own connections, a long TTL). */
    private static Waiting.OtherClient otherClient(Redis redis, String key) {
        RedisLock other = new RedisLock(redis.newClient(), key, Duration.ofSeconds(30));
        return new Waiting.OtherClient() {
            private LockToken token;

            @Override
            public void take() throws InterruptedException {
                token = other.tryAcquire(WAIT).orElseThrow(() -> new AssertionError("the other client could not"
                        + " take a free lock"));
            }

            @Override
            public void release() {
                other.release(token);
            }
        };
    }

    @Test
    void rejectsBadArgumentsClearly() {
        @SuppressWarnings("resource")
        RedisClient pool = RedisClient.create("127.0.0.1", 1); // never connected: every check comes first
        try {
            RedisLock redisLock = new RedisLock(pool, "lock", TTL);
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new RenewingLock(null, RENEW_EVERY) must throw NullPointerException: reject null at"
                            + " once, naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new RenewingLock(null, RENEW_EVERY));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new RenewingLock(redisLock, null) must throw NullPointerException: reject null at"
                            + " once, naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new RenewingLock(redisLock, null));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("new RenewingLock(redisLock, Duration.ZERO) must throw IllegalArgumentException:"
                            + " reject a bad argument before anything reaches Redis, naming it (skeleton Javadoc)")
                    .isThrownBy(() -> new RenewingLock(redisLock, Duration.ZERO));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("new RenewingLock(redisLock, Duration.ofMillis(-1)) must throw"
                            + " IllegalArgumentException: reject a bad argument before anything reaches Redis, naming"
                            + " it (skeleton Javadoc)")
                    .isThrownBy(() -> new RenewingLock(redisLock, Duration.ofMillis(-1)));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("renewEvery equal to the TTL must be rejected with IllegalArgumentException: the lock would"
                            + " expire between renewals")
                    .isThrownBy(() -> new RenewingLock(redisLock, TTL));
            RenewingLock lock = new RenewingLock(redisLock, RENEW_EVERY);
            assertThatExceptionOfType(NullPointerException.class)
                    .as("lock.tryAcquire(null) must throw NullPointerException: reject null at once, naming"
                            + " the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> lock.tryAcquire(null));
        } finally {
            pool.close();
        }
    }
}
