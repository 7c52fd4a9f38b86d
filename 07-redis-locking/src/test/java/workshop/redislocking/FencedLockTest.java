package workshop.redislocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import workshop.redislocking.support.CommandLog;
import workshop.redislocking.support.CommandLog.Command;
import workshop.redislocking.support.OnEachRedis;
import workshop.redislocking.support.Redis;
import workshop.redislocking.support.RedisTest;
import workshop.redislocking.support.Secrets;
import workshop.redislocking.support.Waiting;
import workshop.testkit.BlockingCall;

/** Exercise 4: README "4. FencedLock, FencedStore" (the lock; FencedStoreTest tests the store). */
@RedisTest
class FencedLockTest {

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(2);

    @OnEachRedis
    void fencingTokensGrowWithEveryGrantAcrossClients(Redis redis) throws Exception {
        String key = redis.key("lock");
        FencedLock a = new FencedLock(redis.client(), key, TTL);
        FencedLock b = new FencedLock(redis.newClient(), key, TTL);
        List<Long> numbers = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            FencedLock client = round % 2 == 0 ? a : b;
            FencedToken token = client.tryAcquire(WAIT).orElseThrow();
            numbers.add(token.fencingToken());
            assertThat(client.release(token)).isTrue();
        }
        FencedToken expiring = a.tryAcquire(WAIT).orElseThrow();
        redis.forceExpiry(key);
        FencedToken next = b.tryAcquire(WAIT).orElseThrow();
        numbers.add(expiring.fencingToken());
        numbers.add(next.fencingToken());

        for (int i = 1; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).withFailMessage("the fencing tokens of successive grants were %s: every grant must"
                    + " get a higher number than the one before (INCR on one counter shared by all clients), or the"
                    + " store cannot tell the current holder from a stale one", numbers)
                    .isGreaterThan(numbers.get(i - 1));
        }
        assertThat(redis.get(key + ":fence")).withFailMessage("the counter must live at the key name + \":fence\" and"
                + " hold the last number handed out").isEqualTo(Long.toString(next.fencingToken()));
        assertThat(next.lock().name()).isEqualTo(key);
        assertThat(redis.get(key)).isEqualTo(next.lock().value());
    }

    /**
     * The counter must outlive every grant: a counter that expires (with the lock, or on a TTL of its own)
     * or starts over when the lock is free hands out a number the store has seen, and the store then takes
     * the new holder for a stale one. Time passes by PEXPIRE: every key with a TTL expires, as after an idle
     * spell longer than the TTL.
     */
    @OnEachRedis
    void fencingTokensKeepGrowingAcrossExpiriesReleasesAndIdleSpells(Redis redis) throws Exception {
        String key = redis.key("lock");
        FencedLock lock = new FencedLock(redis.client(), key, TTL);
        List<String> events = new ArrayList<>();
        long last = 0;
        for (int round = 0; round < 3; round++) {
            FencedToken released = lock.tryAcquire(WAIT).orElseThrow();
            last = assertGrew(events, last, released, "after a release");
            lock.release(released);
            List<String> expired = redis.expireEverythingThatExpires(); // idle for longer than the TTL
            FencedToken afterIdle = lock.tryAcquire(WAIT).orElseThrow();
            last = assertGrew(events, last, afterIdle, "after an idle spell longer than the TTL (expired: " + expired + ")");
            expired = redis.expireEverythingThatExpires(); // the holder's lock expires under it
            FencedToken afterExpiry = lock.tryAcquire(WAIT).orElseThrow();
            last = assertGrew(events, last, afterExpiry, "after the holder's lock expired (expired: " + expired + ")");
            lock.release(afterExpiry);
        }
        assertThat(redis.pttl(key + ":fence")).withFailMessage("the counter %s:fence has a PTTL of %d ms: it must never"
                + " expire (no PX/EXPIRE on it), or the numbers start over", key, redis.pttl(key + ":fence"))
                .isEqualTo(-1);
    }

    private static long assertGrew(List<String> events, long last, FencedToken token, String when) {
        events.add(token.fencingToken() + " " + when);
        assertThat(token.fencingToken()).withFailMessage("the fencing tokens, grant by grant: %s. A token must be"
                + " higher than every token before it, whatever happened in between; this one is not. The counter"
                + " (name + \":fence\") must never expire and never be reset: no TTL on it, no SET, only INCR.",
                events).isGreaterThan(last);
        return token.fencingToken();
    }

    @OnEachRedis
    void theLockAndItsNumberAreTakenInOneScript(Redis redis) throws Exception {
        String key = redis.key("lock");
        FencedLock lock = new FencedLock(redis.client(), key, TTL);
        try (CommandLog log = redis.monitor()) {
            int mark = log.mark();
            lock.tryAcquire(WAIT).orElseThrow();
            List<Command> commands = log.since(mark);

            List<Command> fromClient = commands.stream().filter(c -> !c.fromScript()).toList();
            boolean setInScript = commands.stream().anyMatch(c -> c.fromScript() && c.name().equals("SET")
                    && c.touches(key) && c.hasOption("NX") && (c.hasOption("PX") || c.hasOption("EX")));
            boolean incrInScript = commands.stream().anyMatch(c -> c.fromScript() && c.name().equals("INCR")
                    && c.touches(key + ":fence"));
            assertThat(fromClient.size() == 1 && fromClient.get(0).isScript() && setInScript && incrInScript)
                    .withFailMessage("taking the lock must be one Lua script that runs SET key value NX PX ttl and,"
                            + " only if that succeeded, INCR key:fence. As two commands, a client whose lock expires"
                            + " between its SET and its INCR gets a higher number than the client that took the lock"
                            + " after it, and the fence protects the wrong one. The server saw:%n%s",
                            CommandLog.describe(commands)).isTrue();
        }
    }

    @OnEachRedis
    void aHeldLockCannotBeTakenAndOnlyItsHolderReleasesIt(Redis redis) throws Exception {
        String key = redis.key("lock");
        FencedLock a = new FencedLock(redis.client(), key, TTL);
        FencedLock b = new FencedLock(redis.newClient(), key, TTL);
        FencedToken tokenA = a.tryAcquire(WAIT).orElseThrow();
        long pttl = redis.pttl(key);
        assertThat(pttl).withFailMessage("the lock's key has PTTL %d ms: it must expire after the TTL (%d ms)", pttl,
                TTL.toMillis()).isPositive().isLessThanOrEqualTo(TTL.toMillis());
        assertThat(b.tryAcquire(Duration.ofMillis(50))).withFailMessage("B took a lock that A holds").isEmpty();

        redis.forceExpiry(key);
        FencedToken tokenB = b.tryAcquire(WAIT).orElseThrow();
        assertThat(a.release(tokenA)).withFailMessage("A's release of an expired lock returned true").isFalse();
        assertThat(redis.get(key)).withFailMessage("A's release deleted B's lock: compare-and-delete, in one script")
                .isEqualTo(tokenB.lock().value());
        assertThat(b.release(tokenB)).isTrue();
    }

    @OnEachRedis
    void caseStudy_aPausedClientsLateWriteCorruptsAnUnfencedStoreButNotAFencedOne(Redis redis) throws Exception {
        String key = redis.key("lock");
        FencedStore fenced = new FencedStore();
        Map<String, String> unfenced = new ConcurrentHashMap<>();
        CountDownLatch aHoldsTheLock = new CountDownLatch(1);
        CountDownLatch aResumes = new CountDownLatch(1);
        AtomicBoolean aWroteFenced = new AtomicBoolean(true);

        try (BlockingCall<Void> clientA = BlockingCall.run("client-A", () -> {
            FencedToken token = new FencedLock(redis.newClient(), key, TTL).tryAcquire(WAIT).orElseThrow();
            aHoldsTheLock.countDown();
            // A stops here for longer than its TTL: a GC pause, a frozen VM, a slow disk...
            if (!aResumes.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("client A was never resumed");
            }
            // ...and then carries on, sure that it still holds the lock.
            unfenced.put("file", "written by A");
            aWroteFenced.set(fenced.write(token.fencingToken(), "file", "written by A"));
        })) {
            try {
                assertThat(aHoldsTheLock.await(5, TimeUnit.SECONDS)).withFailMessage("client A did not get the free"
                        + " lock within 5 s").isTrue();
                redis.forceExpiry(key); // A's lease runs out while A is paused

                FencedToken tokenB = new FencedLock(redis.newClient(), key, TTL).tryAcquire(WAIT).orElseThrow();
                unfenced.put("file", "written by B");
                assertThat(fenced.write(tokenB.fencingToken(), "file", "written by B")).withFailMessage("the fenced"
                        + " store refused B's write with the newest fencing token").isTrue();
            } finally {
                aResumes.countDown();
            }
            clientA.assertFinishes("client A did not finish its late write");
        }

        // Without fencing, the stale client overwrote the current holder's data: the lock did not protect it.
        assertThat(unfenced.get("file")).isEqualTo("written by A");
        // With fencing, the store saw B's higher number first and turned A away.
        assertThat(aWroteFenced.get()).withFailMessage("the fenced store accepted A's late write, made with a lower"
                + " fencing token than B's").isFalse();
        assertThat(fenced.read("file")).withFailMessage("B's data must stay in the fenced store")
                .isEqualTo(Optional.of("written by B"));
    }

    @OnEachRedis
    void noToStringShowsTheTokensSecretValue(Redis redis) throws Exception {
        FencedLock lock = new FencedLock(redis.client(), redis.key("lock"), TTL);
        FencedToken token = lock.tryAcquire(WAIT).orElseThrow();
        Secrets.assertHidden("FencedToken", token, token.lock().value());
        Secrets.assertHidden("FencedLock", lock, token.lock().value());
        lock.release(token);
    }

    @OnEachRedis
    void aHugeWaitMeansAsLongAsItTakesAndANegativeOneMeansOneAttempt(Redis redis) throws Exception {
        String key = redis.key("lock");
        FencedLock mine = new FencedLock(redis.client(), key, TTL);
        Waiting.hugeAndNegativeWaits("FencedLock", mine::tryAcquire, otherClient(redis, key),
                token -> mine.release((FencedToken) token));
    }

    @OnEachRedis
    void anInterruptEndsTheWaitWithInterruptedExceptionAndLeavesNoKey(Redis redis) throws Exception {
        String key = redis.key("lock");
        FencedLock mine = new FencedLock(redis.client(), key, TTL);
        Waiting.interrupts("FencedLock", mine::tryAcquire, otherClient(redis, key),
                () -> Arrays.asList(redis.get(key), redis.get(key + ":fence")));
    }

    private static Waiting.OtherClient otherClient(Redis redis, String key) {
        FencedLock other = new FencedLock(redis.newClient(), key, TTL);
        return new Waiting.OtherClient() {
            private FencedToken token;

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
        RedisClient pool = RedisClient.create("127.0.0.1", 1); // never connected: every check comes first
        try {
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new FencedLock(null, \"lock\", TTL) must throw NullPointerException: reject null at"
                            + " once, naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new FencedLock(null, "lock", TTL));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new FencedLock(pool, null, TTL) must throw NullPointerException: reject null at once,"
                            + " naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new FencedLock(pool, null, TTL));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("new FencedLock(pool, \"\", TTL) must throw IllegalArgumentException: an empty name"
                            + " must be rejected (skeleton Javadoc)")
                    .isThrownBy(() -> new FencedLock(pool, "", TTL));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("new FencedLock(pool, \"lock\", Duration.ZERO) must throw IllegalArgumentException:"
                            + " reject a bad argument before anything reaches Redis, naming it (skeleton Javadoc)")
                    .isThrownBy(() -> new FencedLock(pool, "lock", Duration.ZERO));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new FencedLock(pool, \"lock\", null) must throw NullPointerException: reject null at"
                            + " once, naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new FencedLock(pool, "lock", null));
            FencedLock lock = new FencedLock(pool, "lock", TTL);
            assertThatExceptionOfType(NullPointerException.class)
                    .as("lock.tryAcquire(null) must throw NullPointerException: reject null at once, naming"
                            + " the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> lock.tryAcquire(null));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("lock.release(null) must throw NullPointerException: reject null at once, naming the"
                            + " argument (Objects.requireNonNull)")
                    .isThrownBy(() -> lock.release(null));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("lock.release(new FencedToken(new LockToken(\"another-lock\", \"abc\"), 7)) must throw"
                            + " IllegalArgumentException: reject a bad argument before anything reaches Redis, naming"
                            + " it (skeleton Javadoc)")
                    .isThrownBy(() -> lock.release(new FencedToken(new LockToken("another-lock", "abc"), 7)));
        } finally {
            pool.close();
        }
    }
}
