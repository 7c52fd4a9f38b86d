package workshop.redislocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;
import workshop.redislocking.support.FakeTime;
import workshop.redislocking.support.FaultyConnections;
import workshop.redislocking.support.LocalRedis;
import workshop.redislocking.support.LocalRedisServer;
import workshop.redislocking.support.RedisTest;
import workshop.redislocking.support.Secrets;
import workshop.redislocking.support.Waiting;
import workshop.testkit.BlockingCall;
import workshop.testkit.TimeFactor;

/**
 * Exercise 3: README "3. Redlock". Every test starts five independent redis-server processes of its own
 * (never five databases of one server), and may kill, freeze and restart them.
 */
@RedisTest
class RedlockTest {

    private static final int SERVERS = 5;
    private static final String NAME = "redlock";
    private static final Duration TTL = Duration.ofSeconds(10);
    /** The drift allowance for TTL: 1% of it plus 2 ms. */
    private static final Duration DRIFT = Duration.ofMillis(TTL.toMillis() / 100 + 2);
    private static final Duration WAIT = Duration.ofSeconds(1);
    /** How long a slow server's SET stays on its way (unless the attempt ends first): far more than a client's timeout. */
    private static final Duration LATE = TimeFactor.scaled(Duration.ofSeconds(1));

    /** An unfinished Redlock fails here, before five servers start for nothing. */
    @BeforeEach
    void redlockCanBeConstructed() {
        RedisClient pool = RedisClient.create("127.0.0.1", 1); // never connected
        try {
            new Redlock(List.of(pool, pool, pool), NAME, TTL);
            new Redlock(List.of(pool, pool, pool), NAME, TTL, FakeTime.frozen());
        } finally {
            pool.close();
        }
    }

    @Test
    void grantsTheLockOnEveryServerWithTheSameToken(LocalRedis local) throws Exception {
        List<LocalRedisServer> servers = local.start(SERVERS);
        Redlock redlock = new Redlock(LocalRedis.clients(servers), NAME, TTL);
        Redlock other = new Redlock(LocalRedis.clients(servers), NAME, TTL);

        RedlockLease lease = redlock.tryAcquire(WAIT).orElseThrow(() -> new AssertionError(
                "no lease from 5 healthy servers with a free lock"));

        List<String> values = values(servers);
        assertThat(values).withFailMessage("after acquiring, the servers hold %s under \"%s\"; every one must hold the"
                + " lease's token %s: one random token per attempt, the same on every server", values, NAME,
                lease.token()).containsOnly(lease.token());
        for (LocalRedisServer server : servers) {
            long pttl = pttl(server);
            assertThat(pttl).withFailMessage("%s: the key's PTTL is %d ms; it must expire after the TTL (%d ms),"
                    + " set in the same SET NX PX command", server, pttl, TTL.toMillis())
                    .isPositive().isLessThanOrEqualTo(TTL.toMillis());
        }
        assertThat(lease.validity()).isPositive().isLessThanOrEqualTo(TTL.minus(DRIFT));
        assertThat(lease.name()).isEqualTo(NAME);
        assertThat(other.tryAcquire(Duration.ofMillis(100))).withFailMessage("a second client got the lock while the"
                + " first held it on all 5 servers").isEmpty();

        redlock.release(lease);
        assertThat(values(servers)).withFailMessage("release must delete the key on every server").containsOnlyNulls();
    }

    @Test
    void validityIsTtlMinusElapsedMinusDrift(LocalRedis local) throws Exception {
        List<LocalRedisServer> servers = local.start(SERVERS);

        // A clock that stands still: acquisition takes no time, validity = ttl - drift exactly.
        Redlock stillClock = new Redlock(LocalRedis.clients(servers), NAME, TTL, FakeTime.frozen());
        RedlockLease lease = stillClock.tryAcquire(WAIT).orElseThrow();
        Duration expected = TTL.minus(DRIFT);
        assertThat(lease.validity()).withFailMessage("with a clock that did not move while acquiring, validity must"
                + " be ttl - (ttl x 0.01 + 2 ms) = %d ms, was %d ms: subtract the clock-drift allowance (and read the"
                + " time only through the TimeSource)", expected.toMillis(), lease.validity().toMillis())
                .isBetween(expected.minusMillis(1), expected.plusMillis(1));
        stillClock.release(lease);

        // A clock that jumps 1 s at every reading: acquisition looks slow, validity = ttl - k s - drift.
        Duration step = Duration.ofSeconds(1);
        Redlock slowClock = new Redlock(LocalRedis.clients(servers), NAME, TTL, new FakeTime(step));
        RedlockLease slow = slowClock.tryAcquire(WAIT).orElseThrow(() -> new AssertionError(
                "no lease although acquisition took only a few (fake) seconds of a 10 s TTL"));
        Duration spent = TTL.minus(DRIFT).minus(slow.validity());
        long seconds = Math.round(spent.toMillis() / 1000.0);
        assertThat(seconds >= 1 && Math.abs(spent.toMillis() - seconds * 1000) <= 1).withFailMessage("the clock moved"
                + " 1 s at every reading while acquiring, so validity must be ttl - elapsed - drift = %d ms - k x 1000"
                + " ms for some k >= 1; it was %d ms. Measure elapsed from a reading before the first SET to one after"
                + " the last, on the TimeSource.", TTL.minus(DRIFT).toMillis(), slow.validity().toMillis()).isTrue();
        slowClock.release(slow);
    }

    @Test
    void noLeaseWhenAcquiringUsedUpTheValidity(LocalRedis local) throws Exception {
        List<LocalRedisServer> servers = local.start(SERVERS);
        // Every clock reading is ttl - drift later than the one before: whatever else happens, acquisition
        // took at least that long, and validity is zero or less.
        Redlock redlock = new Redlock(LocalRedis.clients(servers), NAME, TTL, new FakeTime(TTL.minus(DRIFT)));

        Optional<RedlockLease> lease = redlock.tryAcquire(WAIT);

        assertThat(lease).withFailMessage("got a lease %s although acquiring took the whole TTL (by the time source):"
                + " by the time the client uses it, the keys may have expired everywhere. Compute validity = ttl -"
                + " elapsed - drift and refuse the lease unless it is positive.", lease.orElse(null)).isEmpty();
        assertThat(values(servers)).withFailMessage("a refused attempt left keys behind: %s. Release on every server"
                + " after a failed attempt, or the lock stays taken for a whole TTL for nothing.", values(servers))
                .containsOnlyNulls();
    }

    /**
     * The quorum is a strict majority for every number of servers: N/2 + 1 in integer division. With 5
     * servers, rounding N/2 up (3) and N/2 + 1 (3) agree; with 1, 2, 4 or 6 they do not.
     */
    @Test
    void theQuorumIsAStrictMajorityForEveryNumberOfServers(LocalRedis local) throws Exception {
        List<LocalRedisServer> all = local.start(6);
        for (int count = 1; count <= 6; count++) {
            int n = count;
            List<LocalRedisServer> servers = all.subList(0, n);
            int majority = n / 2 + 1;
            Redlock redlock = new Redlock(LocalRedis.clients(servers), NAME, TTL, FakeTime.frozen());

            // One server short of a majority is free; the others are held by another client.
            for (int i = 0; i < n - (majority - 1); i++) {
                setForeign(servers.get(i));
            }
            Optional<RedlockLease> refused = redlock.tryAcquire(Duration.ofMillis(1));
            List<String> values = values(servers);
            refused.ifPresent(redlock::release);
            assertThat(refused).withFailMessage("with %d server(s), a lease was granted by %d free server(s) (the others"
                    + " held by another client): a majority of %d is %d (more than half: N/2 + 1 in integer division,"
                    + " not N/2 and not N/2 rounded up). Servers then held %s.", n, majority - 1, n, majority, values)
                    .isEmpty();
            assertThat(values.stream().filter(v -> !"another-client".equals(v)).toList()).withFailMessage("with %d"
                    + " server(s), the refused attempt left its key behind: %s. Release on every server after a failed"
                    + " attempt.", n, values).allMatch(v -> v == null);

            // Now exactly a majority is free.
            onServer(servers.get(0), jedis -> jedis.del(NAME));
            RedlockLease granted = redlock.tryAcquire(Duration.ofMillis(1)).orElseThrow(() -> new AssertionError(
                    "with " + n + " server(s) and " + majority + " of them free (a majority: N/2 + 1), no lease was"
                            + " granted: the quorum is N/2 + 1, not more"));
            redlock.release(granted);
            for (LocalRedisServer server : servers) {
                onServer(server, jedis -> jedis.del(NAME));
            }
        }
    }

    /**
     * A failed attempt must be undone on every server it asked, after every call of the attempt has
     * finished: server 4 carries out the SET but its reply is lost (an error to the client), and the SET to
     * server 3 is held back on its way and lands late. Releasing only where the answer was OK misses server
     * 4; giving up on a slow call and releasing while it is still on its way misses server 3.
     */
    @Test
    void aFailedAttemptIsUndoneWhereTheReplyWasLostOrTheSetLandedLate(LocalRedis local) throws Exception {
        List<LocalRedisServer> servers = local.start(SERVERS);
        for (int i : new int[] {0, 1, 2}) {
            setForeign(servers.get(i)); // no majority is possible: every attempt fails
        }
        FaultyConnections late = new FaultyConnections(servers.get(3), LocalRedis.FAULT_TIMEOUT, FaultyConnections.Fault.HOLD);
        FaultyConnections lost = new FaultyConnections(servers.get(4), LocalRedis.FAULT_TIMEOUT,
                FaultyConnections.Fault.LOSE_REPLY);
        List<RedisClient> clients = new ArrayList<>(LocalRedis.clients(servers.subList(0, 3)));
        clients.add(servers.get(3).newClient(LocalRedis.FAULT_TIMEOUT, late));
        clients.add(servers.get(4).newClient(LocalRedis.FAULT_TIMEOUT, lost));
        Redlock redlock = new Redlock(clients, NAME, TTL, FakeTime.frozen());

        Optional<RedlockLease> lease;
        try (BlockingCall<Optional<RedlockLease>> attempt = BlockingCall.start("redlock-tryAcquire",
                () -> redlock.tryAcquire(Duration.ofMillis(1)))) {
            assertThat(late.awaitFirstSet(BlockingCall.PATIENCE)).withFailMessage("the attempt sent no SET to server 3"
                    + " within %d ms", BlockingCall.PATIENCE.toMillis()).isTrue();
            BlockingCall.joins(attempt.thread(), LATE); // a slow server: the SET stays on its way this long
            late.letGo();
            lease = attempt.assertFinishes("tryAcquire did not return after the held SET was let go");
            assertThat(late.awaitLanded(BlockingCall.PATIENCE) && lost.awaitLanded(BlockingCall.PATIENCE))
                    .withFailMessage("the disturbed SETs never reached servers 3 and 4").isTrue();
        }
        List<String> values = values(servers);
        assertThat(lease).withFailMessage("got a lease %s although 3 of 5 servers were held by another client",
                lease.orElse(null)).isEmpty();
        assertThat(values.subList(3, 5)).withFailMessage("after the failed attempt servers 3 and 4 still hold %s and %s"
                + " (null means no key). Server 4 carried out the SET but its reply was lost: release on every server"
                + " you asked, not only where the answer was OK. Server 3's SET was slow and landed late: wait for every"
                + " call of the attempt to finish (each is bounded by its client's timeouts) before you release, or"
                + " a SET still on its way lands after your release and stays for a whole TTL.",
                values.get(3), values.get(4)).containsOnlyNulls();
    }

    @Test
    void stillGrantsWithTwoOfFiveServersDead(LocalRedis local) throws Exception {
        List<LocalRedisServer> servers = local.start(SERVERS);
        Redlock redlock = new Redlock(LocalRedis.clients(servers), NAME, TTL);
        servers.get(1).kill();
        servers.get(3).kill();

        RedlockLease lease = redlock.tryAcquire(WAIT).orElseThrow(() -> new AssertionError("no lease with 3 of 5"
                + " servers up: 3 is a majority of 5 (N/2 + 1), enough to grant the lock"));

        for (int i : new int[] {0, 2, 4}) {
            assertThat(value(servers.get(i))).isEqualTo(lease.token());
        }
        redlock.release(lease); // two servers are down: release must skip them, not throw
        assertThat(value(servers.get(0))).isNull();
    }

    @Test
    void refusesWithThreeOfFiveServersDeadAndLeavesNoKey(LocalRedis local) throws Exception {
        List<LocalRedisServer> servers = local.start(SERVERS);
        Redlock redlock = new Redlock(LocalRedis.clients(servers), NAME, TTL);
        servers.get(0).kill();
        servers.get(2).kill();
        servers.get(4).kill();

        Optional<RedlockLease> lease = redlock.tryAcquire(Duration.ofMillis(300));

        assertThat(lease).withFailMessage("got a lease %s with only 2 of 5 servers up: a majority of 5 is 3 (N/2 + 1);"
                + " a server that throws is not a grant", lease.orElse(null)).isEmpty();
        assertThat(Arrays.asList(value(servers.get(1)), value(servers.get(3)))).withFailMessage("the failed attempt left its"
                + " key on the live servers: release everywhere after an attempt without a majority").containsOnlyNulls();
    }

    @Test
    void refusesWhenAnotherClientHoldsThreeServersAndLeavesItsKeysAlone(LocalRedis local) throws Exception {
        List<LocalRedisServer> servers = local.start(SERVERS);
        for (int i : new int[] {0, 1, 2}) {
            setForeign(servers.get(i));
        }
        Redlock redlock = new Redlock(LocalRedis.clients(servers), NAME, TTL);

        Optional<RedlockLease> lease = redlock.tryAcquire(Duration.ofMillis(300));

        assertThat(lease).withFailMessage("got a lease %s with 2 grants of 5 (3 servers are held by another client):"
                + " the quorum is N/2 + 1 = 3, not N/2", lease.orElse(null)).isEmpty();
        assertThat(Arrays.asList(value(servers.get(3)), value(servers.get(4)))).withFailMessage("the failed attempt left its"
                + " keys on the 2 servers that granted it: they stay locked for a whole TTL and block everyone."
                + " Release on every server after a failed attempt.").containsOnlyNulls();
        for (int i : new int[] {0, 1, 2}) {
            assertThat(value(servers.get(i))).withFailMessage("the other client's key on server %d was changed or deleted:"
                    + " release only keys that hold your token (compare-and-delete)", i).isEqualTo("another-client");
            assertThat(pttl(servers.get(i))).isGreaterThan(50_000);
        }

        // With two servers held by the other client, three are free: a majority.
        onServer(servers.get(2), jedis -> jedis.del(NAME));
        RedlockLease granted = redlock.tryAcquire(WAIT).orElseThrow(() -> new AssertionError(
                "no lease although 3 of 5 servers were free"));
        assertThat(value(servers.get(0))).isEqualTo("another-client");
        redlock.release(granted);
        assertThat(value(servers.get(1))).isEqualTo("another-client");
    }

    @Test
    void aFrozenServerDoesNotStallAcquisition(LocalRedis local) throws Exception {
        assumeThat(LocalRedisServer.supportsSignals()).as("freezing a server needs SIGSTOP/SIGCONT, which Windows lacks")
                .isTrue();
        List<LocalRedisServer> servers = local.start(SERVERS);
        Redlock redlock = new Redlock(LocalRedis.clients(servers), NAME, TTL);
        LocalRedisServer frozen = servers.get(2);
        frozen.freeze(); // it accepts connections but answers nothing, like a black-holed node

        long start = System.nanoTime();
        Optional<RedlockLease> lease = redlock.tryAcquire(Duration.ofSeconds(3));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        frozen.resume();

        assertThat(lease).withFailMessage("no lease with 4 of 5 servers answering: a frozen server must count as a"
                + " failure once the pool's timeout (%d ms) runs out, not stop the attempt",
                LocalRedis.FAULT_TIMEOUT.toMillis()).isPresent();
        assertThat(took).withFailMessage("acquiring with one frozen server took %d ms: each server may cost at most"
                + " about its pool's timeout (%d ms)", took.toMillis(), LocalRedis.FAULT_TIMEOUT.toMillis())
                .isLessThan(Duration.ofSeconds(3));
        assertThat(lease.get().validity()).isLessThan(TTL.minus(DRIFT));
        for (int i : new int[] {0, 1, 3, 4}) {
            assertThat(value(servers.get(i))).isEqualTo(lease.get().token());
        }
    }

    @Test
    void retriesAfterRandomDelaysUntilTheWaitIsOver(LocalRedis local) throws Exception {
        List<LocalRedisServer> servers = local.start(SERVERS);
        for (int i : new int[] {0, 1, 2}) {
            setForeign(servers.get(i));
        }
        FakeTime time = new FakeTime(Duration.ofMillis(5)); // sleeping moves it; every reading adds 5 ms
        Redlock redlock = new Redlock(LocalRedis.clients(servers), NAME, TTL, time);

        Optional<RedlockLease> lease = redlock.tryAcquire(WAIT);

        List<Duration> delays = time.sleeps();
        assertThat(lease).isEmpty();
        assertThat(delays.size()).withFailMessage("while the lock was held elsewhere for a %d ms wait, the client"
                + " waited %d times between attempts: it must retry until the wait is over, pausing between attempts"
                + " through the TimeSource's sleep", WAIT.toMillis(), delays.size()).isGreaterThanOrEqualTo(3);
        assertThat(delays).withFailMessage("the delays between attempts must be more than zero, were %s", delays)
                .allMatch(d -> d.toNanos() > 0);
        assertThat(new HashSet<>(delays).size()).withFailMessage("all %d delays between attempts were the same (%s):"
                + " clients that collide once then retry in lockstep and collide again. Wait a random delay.",
                delays.size(), delays.get(0)).isGreaterThanOrEqualTo(Math.min(3, delays.size()));
        Duration slept = delays.stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(slept).withFailMessage("the client slept %d ms in total for a wait of %d ms", slept.toMillis(),
                WAIT.toMillis()).isLessThanOrEqualTo(WAIT.plusMillis(1));
        assertThat(Arrays.asList(value(servers.get(3)), value(servers.get(4)))).containsOnlyNulls();
    }

    @Test
    void releaseSkipsAServerThatIsDown(LocalRedis local) throws Exception {
        List<LocalRedisServer> servers = local.start(SERVERS);
        Redlock redlock = new Redlock(LocalRedis.clients(servers), NAME, TTL);
        RedlockLease lease = redlock.tryAcquire(WAIT).orElseThrow();
        servers.get(0).kill();

        redlock.release(lease);

        for (int i = 1; i < SERVERS; i++) {
            assertThat(value(servers.get(i))).withFailMessage("server %d still holds the lock after release (server 0"
                    + " was down): a server that fails must not stop the release on the others", i).isNull();
        }
    }

    /** The two ways one node can forget a lock in the case study. */
    enum Forgetting {
        RESTARTED_WITHOUT_PERSISTENCE,
        EXPIRED_EARLY_AS_IF_ITS_CLOCK_JUMPED
    }

    @ParameterizedTest(name = "a node {0}")
    @EnumSource(Forgetting.class)
    void caseStudy_aNodeThatForgetsTheLockLetsASecondClientTakeIt(Forgetting how, LocalRedis local) throws Exception {
        // Redlock's safety assumes that a server keeps its keys until they expire. Here one does not.
        List<LocalRedisServer> servers = local.start(SERVERS);
        for (int i : new int[] {3, 4}) {
            setForeign(servers.get(i)); // a third client holds the lock on servers 3 and 4 for now
        }
        Redlock clientA = new Redlock(LocalRedis.clients(servers), NAME, TTL);
        RedlockLease leaseA = clientA.tryAcquire(WAIT).orElseThrow(); // granted by servers 0, 1, 2
        long acquiredA = System.nanoTime();
        for (int i : new int[] {3, 4}) {
            onServer(servers.get(i), jedis -> jedis.pexpire(NAME, 1)); // the third client's lease ends
        }
        if (how == Forgetting.RESTARTED_WITHOUT_PERSISTENCE) {
            servers.get(2).restartEmpty(); // crashes and comes back empty (no AOF, no fsync)
        } else {
            onServer(servers.get(2), jedis -> jedis.pexpire(NAME, 1)); // its clock jumped ahead: A's key expires early
        }

        Redlock clientB = new Redlock(LocalRedis.clients(servers), NAME, TTL);
        Optional<RedlockLease> leaseB = clientB.tryAcquire(WAIT); // servers 2, 3 and 4 grant it
        Duration leftForA = leaseA.validity().minus(Duration.ofNanos(System.nanoTime() - acquiredA));

        assertThat(leaseB).withFailMessage("client B should have been granted the lock by servers 2, 3 and 4 (a"
                + " majority) after server 2 forgot A's key").isPresent();
        assertThat(leftForA).withFailMessage("A's lease should still be valid for a while").isPositive();
        // What this shows: two clients hold "the" lock at once, each with a majority and a positive validity.
        // Redlock cannot prevent it; a fencing token checked by the resource can (FencedLock, FencedStore).
        assertThat(values(servers)).containsExactly(leaseA.token(), leaseA.token(), leaseB.get().token(),
                leaseB.get().token(), leaseB.get().token());
    }

    @Test
    void noToStringShowsTheTokensSecretValue(LocalRedis local) throws Exception {
        Redlock redlock = new Redlock(LocalRedis.clients(local.start(3)), NAME, TTL);
        RedlockLease lease = redlock.tryAcquire(WAIT).orElseThrow();
        Secrets.assertHidden("RedlockLease", lease, lease.token());
        Secrets.assertHidden("Redlock", redlock, lease.token());
        redlock.release(lease);
    }

    @Test
    void aHugeWaitMeansAsLongAsItTakesAndANegativeOneMeansOneAttempt(LocalRedis local) throws Exception {
        List<LocalRedisServer> servers = local.start(SERVERS);
        Redlock mine = new Redlock(LocalRedis.clients(servers), NAME, TTL);
        Waiting.hugeAndNegativeWaits("Redlock", mine::tryAcquire, otherClient(servers),
                lease -> mine.release((RedlockLease) lease));
    }

    @Test
    void anInterruptEndsTheWaitWithInterruptedExceptionAndLeavesNoKey(LocalRedis local) throws Exception {
        List<LocalRedisServer> servers = local.start(SERVERS);
        Redlock mine = new Redlock(LocalRedis.clients(servers), NAME, TTL);
        Waiting.interrupts("Redlock", mine::tryAcquire, otherClient(servers), () -> values(servers));
    }

    /** Another client that holds the lock on 3 of the 5 servers (a majority), with a long TTL. */
    private static Waiting.OtherClient otherClient(List<LocalRedisServer> servers) {
        return new Waiting.OtherClient() {
            @Override
            public void take() {
                for (int i : new int[] {0, 1, 2}) {
                    setForeign(servers.get(i));
                }
            }

            @Override
            public void release() {
                for (int i : new int[] {0, 1, 2}) {
                    onServer(servers.get(i), jedis -> jedis.del(NAME));
                }
            }
        };
    }

    @Test
    void rejectsBadArgumentsClearly() {
        RedisClient pool = RedisClient.create("127.0.0.1", 1); // never connected: every check comes first
        try {
            List<RedisClient> pools = List.of(pool, pool, pool);
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new Redlock(null, NAME, TTL) must throw NullPointerException: reject null at once,"
                            + " naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new Redlock(null, NAME, TTL));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("new Redlock(List.of(), NAME, TTL) must throw IllegalArgumentException: reject a bad"
                            + " argument before anything reaches Redis, naming it (skeleton Javadoc)")
                    .isThrownBy(() -> new Redlock(List.of(), NAME, TTL));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new Redlock(Arrays.asList(pool, null), NAME, TTL) must throw NullPointerException:"
                            + " reject null at once, naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new Redlock(Arrays.asList(pool, null), NAME, TTL));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new Redlock(pools, null, TTL) must throw NullPointerException: reject null at once,"
                            + " naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new Redlock(pools, null, TTL));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("new Redlock(pools, \"\", TTL) must throw IllegalArgumentException: an empty name must"
                            + " be rejected (skeleton Javadoc)")
                    .isThrownBy(() -> new Redlock(pools, "", TTL));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new Redlock(pools, NAME, null) must throw NullPointerException: reject null at once,"
                            + " naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new Redlock(pools, NAME, null));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("new Redlock(pools, NAME, Duration.ZERO) must throw IllegalArgumentException: reject a"
                            + " bad argument before anything reaches Redis, naming it (skeleton Javadoc)")
                    .isThrownBy(() -> new Redlock(pools, NAME, Duration.ZERO));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new Redlock(pools, NAME, TTL, null) must throw NullPointerException: reject null at"
                            + " once, naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new Redlock(pools, NAME, TTL, null));
            Redlock redlock = new Redlock(pools, NAME, TTL);
            assertThatExceptionOfType(NullPointerException.class)
                    .as("redlock.tryAcquire(null) must throw NullPointerException: reject null at once, naming"
                            + " the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> redlock.tryAcquire(null));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("redlock.release(null) must throw NullPointerException: reject null at once, naming"
                            + " the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> redlock.release(null));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("redlock.release(new RedlockLease(\"another-lock\", \"abc\", Duration.ofSeconds(1)))"
                            + " must throw IllegalArgumentException: reject a bad argument before anything reaches"
                            + " Redis, naming it (skeleton Javadoc)")
                    .isThrownBy(() -> redlock.release(new RedlockLease("another-lock", "abc", Duration.ofSeconds(1))));
        } finally {
            pool.close();
        }
    }

    private static void setForeign(LocalRedisServer server) {
        onServer(server, jedis -> jedis.set(NAME, "another-client", SetParams.setParams().px(60_000)));
    }

    private static String value(LocalRedisServer server) {
        return onServer(server, jedis -> jedis.get(NAME));
    }

    private static long pttl(LocalRedisServer server) {
        return onServer(server, jedis -> jedis.pttl(NAME));
    }

    private static List<String> values(List<LocalRedisServer> servers) {
        List<String> values = new ArrayList<>();
        servers.forEach(s -> values.add(value(s)));
        return values;
    }

    /** One command on one connection of its own (a plain {@code Jedis}: the test's view, not a client's). */
    private static <T> T onServer(LocalRedisServer server, Function<Jedis, T> command) {
        try (Jedis jedis = new Jedis(server.address(), DefaultJedisClientConfig.builder().serverDefaultProtocol()
                .timeoutMillis(2_000).build())) {
            return command.apply(jedis);
        }
    }
}
