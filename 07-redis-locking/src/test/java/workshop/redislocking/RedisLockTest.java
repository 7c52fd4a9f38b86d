package workshop.redislocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import workshop.redislocking.support.CommandLog;
import workshop.redislocking.support.CommandLog.Command;
import workshop.redislocking.support.OnEachRedis;
import workshop.redislocking.support.Redis;
import workshop.redislocking.support.RedisTest;
import workshop.redislocking.support.Secrets;
import workshop.redislocking.support.TokenChecks;
import workshop.redislocking.support.Waiting;
import workshop.testkit.Concurrently;
import workshop.testkit.TimeLimit;

/** Exercise 1: README "1. RedisLock". */
@RedisTest
class RedisLockTest {

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT_WAIT = Duration.ofMillis(50);

    @OnEachRedis
    void aHeldLockCannotBeTakenByAnotherClient(Redis redis) throws Exception {
        String key = redis.key("lock");
        RedisLock a = new RedisLock(redis.client(), key, TTL);
        RedisLock b = new RedisLock(redis.newClient(), key, TTL);

        LockToken tokenA = a.tryAcquire(WAIT).orElseThrow(() -> new AssertionError(
                "tryAcquire on a free lock returned empty: the first client must get it"));
        Optional<LockToken> tokenB = b.tryAcquire(SHORT_WAIT);

        assertThat(tokenB).withFailMessage("client B got the lock while client A held it (B's token %s, A's %s):"
                + " SET must only create the key when it is absent (NX), and tryAcquire must report what SET answered"
                + " (README 1: SET NX PX).", tokenB.orElse(null), tokenA).isEmpty();
        assertThat(redis.get(key)).withFailMessage("the lock's key %s holds %s, not A's token value %s: the value"
                + " stored under the name must be the token's value", key, redis.get(key), tokenA.value())
                .isEqualTo(tokenA.value());
        assertThat(a.release(tokenA)).withFailMessage("A released the lock it holds, and release returned false").isTrue();
        assertThat(redis.exists(key)).withFailMessage("after release the key %s still exists", key).isFalse();
        assertThat(b.tryAcquire(WAIT)).withFailMessage("B could not take the lock after A released it").isPresent();
    }

    @OnEachRedis
    void clientsThatEachHaveTheirOwnConnectionNeverHoldTheLockTogether(Redis redis) throws Exception {
        // 8 clients, each with its own pool (own connections) and its own RedisLock, increment a counter
        // kept in Redis with a separate GET and SET: only mutual exclusion keeps it exact.
        int clients = 8;
        int incrementsEach = 25;
        String lockKey = redis.key("counter-lock");
        String counterKey = redis.key("counter");
        redis.set(counterKey, "0");
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        List<RedisLock> locks = new ArrayList<>();
        List<RedisClient> clientsOwn = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            RedisClient client = redis.newClient();
            clientsOwn.add(client);
            locks.add(new RedisLock(client, lockKey, TTL));
        }

        Concurrently.threads(clients).named("client").within(Duration.ofSeconds(30)).repeat(incrementsEach, (t, i) -> {
            LockToken token = locks.get(t).tryAcquire(WAIT).orElseThrow(() -> new AssertionError("client " + t
                    + " waited " + WAIT + " for a lock that others hold for a millisecond at a time: tryAcquire must"
                    + " keep trying until the wait is over"));
            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
            try {
                long value = Long.parseLong(clientsOwn.get(t).get(counterKey));
                clientsOwn.get(t).set(counterKey, Long.toString(value + 1));
            } finally {
                holders.decrementAndGet();
                locks.get(t).release(token);
            }
        });

        long expected = (long) clients * incrementsEach;
        long seen = Long.parseLong(redis.get(counterKey));
        assertThat(maxHolders.get()).withFailMessage("%d clients held the lock at the same moment: taking the lock must"
                + " be one atomic SET ... NX on the server, not a check (GET/EXISTS) followed by a SET",
                maxHolders.get()).isEqualTo(1);
        assertThat(seen).withFailMessage("expected the counter at %d after %d clients x %d increments under the lock,"
                + " saw %d: %d increments were lost, so two clients were inside the lock at once.",
                expected, clients, incrementsEach, seen, expected - seen).isEqualTo(expected);
    }

    @OnEachRedis
    void acquiringSetsTheValueAndItsExpiryInOneCommand(Redis redis) throws Exception {
        String key = redis.key("lock");
        RedisLock lock = new RedisLock(redis.client(), key, TTL);
        try (CommandLog log = redis.monitor()) {
            int mark = log.mark();
            LockToken token = lock.tryAcquire(WAIT).orElseThrow();
            List<Command> commands = log.since(mark).stream().filter(c -> c.touches(key)).toList();

            List<Command> sets = commands.stream().filter(c -> c.name().equals("SET") && c.hasOption("NX")
                    && (c.hasOption("PX") || c.hasOption("EX"))).toList();
            List<Command> separateExpiry = commands.stream().filter(c -> !c.fromScript() && List.of("EXPIRE", "PEXPIRE",
                    "EXPIREAT", "PEXPIREAT", "SETNX", "SETEX", "PSETEX", "GET", "EXISTS").contains(c.name())).toList();
            assertThat(sets.size() == 1 && separateExpiry.isEmpty()).withFailMessage(
                    "acquiring a free lock must be one command, SET key value NX PX ttl: it creates the key only if it"
                            + " is absent, together with its expiry. A separate EXPIRE after SETNX leaves a lock that"
                            + " never expires if the client dies between the two; a GET/EXISTS before the SET lets two"
                            + " clients see the lock free at once. The server saw:%n%s",
                    CommandLog.describe(commands)).isTrue();
            assertThat(redis.get(key)).isEqualTo(token.value());
        }
    }

    @OnEachRedis
    void releaseAndExtendCompareAndActInOneScriptOnTheServer(Redis redis) throws Exception {
        String key = redis.key("lock");
        RedisLock lock = new RedisLock(redis.client(), key, TTL);
        LockToken token = lock.tryAcquire(WAIT).orElseThrow();
        try (CommandLog log = redis.monitor()) {
            int mark = log.mark();
            assertThat(lock.extend(token, Duration.ofSeconds(30))).withFailMessage(
                    "extend by the holder returned false").isTrue();
            List<Command> extend = log.since(mark).stream().filter(c -> c.touches(key)).toList();
            mark = log.mark();
            assertThat(lock.release(token)).withFailMessage("release by the holder returned false").isTrue();
            List<Command> release = log.since(mark).stream().filter(c -> c.touches(key)).toList();

            assertOneScript("extend", extend, List.of("PEXPIRE", "EXPIRE", "PEXPIREAT", "EXPIREAT", "SET"));
            assertOneScript("release", release, List.of("DEL", "UNLINK"));
        }
    }

    private static void assertOneScript(String operation, List<Command> commands, List<String> acts) {
        List<Command> fromClient = commands.stream().filter(c -> !c.fromScript()).toList();
        boolean oneScript = fromClient.size() == 1 && fromClient.get(0).isScript();
        boolean actsInScript = commands.stream().anyMatch(c -> c.fromScript() && acts.contains(c.name()));
        assertThat(oneScript && actsInScript).withFailMessage(
                "%s must compare the key's value with the token and act, in one Lua script (EVAL) that runs on the"
                        + " server as one step. As separate commands from the client (GET, then %s), the lock can"
                        + " expire and pass to another client between the two, and the %s then hits that client's"
                        + " lock. The server saw:%n%s",
                operation, acts.get(0), acts.get(0), CommandLog.describe(commands)).isTrue();
    }

    @OnEachRedis
    void aHolderWhoseLockExpiredCannotReleaseOrExtendTheNextHoldersLock(Redis redis) throws Exception {
        String key = redis.key("lock");
        RedisLock a = new RedisLock(redis.client(), key, TTL);
        RedisLock b = new RedisLock(redis.newClient(), key, TTL);
        LockToken tokenA = a.tryAcquire(WAIT).orElseThrow();
        redis.forceExpiry(key); // A's lease ran out (A was paused, say)
        LockToken tokenB = b.tryAcquire(WAIT).orElseThrow(() -> new AssertionError(
                "B could not take a lock whose key had expired"));
        long ttlOfB = redis.pttl(key);

        boolean released = a.release(tokenA);
        boolean extended = a.extend(tokenA, Duration.ofMinutes(5));

        String value = redis.get(key);
        long ttlAfter = redis.pttl(key);
        assertThat(value).withFailMessage("A's release deleted B's lock (the key now holds %s): A's lock had expired"
                + " and B had taken it. Release must delete the key only if it still holds A's token value, checked"
                + " on the server in the same step (a Lua compare-and-delete), never a plain DEL.", value)
                .isEqualTo(tokenB.value());
        assertThat(ttlAfter).withFailMessage("A's extend changed the TTL of B's lock from %d ms to %d ms: extend must"
                + " set a new TTL only if the key holds A's token value (a Lua compare-and-PEXPIRE).", ttlOfB, ttlAfter)
                .isLessThanOrEqualTo(ttlOfB);
        assertThat(released).withFailMessage("release returned true for a lock that had expired and passed to"
                + " another client: it must say false, so A knows it lost the lock").isFalse();
        assertThat(extended).withFailMessage("extend returned true for a lock that now belongs to another client")
                .isFalse();
        assertThat(b.release(tokenB)).withFailMessage("B could not release its own lock").isTrue();
    }

    @OnEachRedis
    void theLockOfACrashedHolderExpires(Redis redis) throws Exception {
        String key = redis.key("lock");
        RedisClient crashingClient = redis.newClient();
        RedisLock a = new RedisLock(crashingClient, key, TTL);
        a.tryAcquire(WAIT).orElseThrow();
        crashingClient.close(); // A dies holding the lock: it will never release it

        long ttl = redis.pttl(key);
        assertThat(ttl).withFailMessage("the lock's key has PTTL %d ms right after it was taken with a TTL of %d ms."
                + " %s", ttl, TTL.toMillis(), ttl == -1 ? "-1 means it never expires: a client that crashes while holding"
                + " it blocks everyone forever. Give the key its expiry in the same SET (PX)."
                : "The TTL must be the one given to the constructor (PX takes milliseconds, EX seconds).")
                .isPositive().isLessThanOrEqualTo(TTL.toMillis()).isGreaterThan(TTL.toMillis() - 5_000);

        redis.forceExpiry(key); // no waiting for the TTL: make it run out now
        RedisLock b = new RedisLock(redis.newClient(), key, TTL);
        assertThat(b.tryAcquire(WAIT)).withFailMessage("after the crashed holder's lock expired, nobody could take it")
                .isPresent();
    }

    @OnEachRedis
    void extendGivesTheHeldLockANewTimeToLive(Redis redis) throws Exception {
        String key = redis.key("lock");
        RedisLock lock = new RedisLock(redis.client(), key, Duration.ofSeconds(2));
        LockToken token = lock.tryAcquire(WAIT).orElseThrow();

        assertThat(lock.extend(token, Duration.ofSeconds(60))).isTrue();

        long ttl = redis.pttl(key);
        assertThat(ttl).withFailMessage("after extend(token, 60 s) the key's PTTL is %d ms: extend must set the TTL it"
                + " is given (in milliseconds: PEXPIRE)", ttl).isBetween(50_000L, 60_000L);
        assertThat(redis.get(key)).isEqualTo(token.value());
    }

    @OnEachRedis
    void tryAcquireGivesUpWhenTheWaitIsOver(Redis redis) throws Exception {
        String key = redis.key("lock");
        new RedisLock(redis.client(), key, TTL).tryAcquire(WAIT).orElseThrow();
        RedisLock other = new RedisLock(redis.newClient(), key, TTL);
        Duration wait = Duration.ofMillis(300);

        long start = System.nanoTime();
        Optional<LockToken> token = other.tryAcquire(wait);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(token).withFailMessage("got a lock that another client holds").isEmpty();
        assertThat(took).withFailMessage("tryAcquire(%d ms) on a held lock returned after %d ms: it must keep trying"
                + " for about the wait, then give up", wait.toMillis(), took.toMillis())
                .isBetween(wait.minusMillis(20), wait.plusSeconds(3));
    }

    @OnEachRedis
    @TimeLimit(30)
    void tokensAreUniqueAndCarryAtLeast128RandomBits(Redis redis) throws Exception {
        int threads = 4;
        int perThread = 2_500;
        List<List<String>> byThread = Concurrently.threads(threads).named("acquirer").within(Duration.ofSeconds(25))
                .call(t -> {
                    String key = redis.key("lock-" + t);
                    RedisLock lock = new RedisLock(redis.client(), key, TTL);
                    List<String> values = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        LockToken token = lock.tryAcquire(WAIT).orElseThrow();
                        values.add(token.value());
                        lock.release(token);
                    }
                    return values;
                });
        List<String> tokens = byThread.stream().flatMap(List::stream).toList();

        Optional<String> duplicate = TokenChecks.firstDuplicate(tokens);
        assertThat(duplicate).withFailMessage("the token %s was handed out twice among %d tokens: two clients holding"
                + " the same token can release each other's locks. Tokens must be random, not derived from a"
                + " counter, a thread or the time.", duplicate.orElse(null), tokens.size()).isEmpty();
        double bits = TokenChecks.estimatedBits(tokens);
        assertThat(bits).withFailMessage("the tokens carry about %.1f bits of entropy (estimated from %d tokens, %s);"
                + " they need at least 128 random bits, so that nobody can guess or repeat one. %s",
                bits, tokens.size(), TokenChecks.describe(tokens), bits > 115 && bits < 127
                        ? "A random UUID has only 122 random bits. " : "")
                .isGreaterThanOrEqualTo(TokenChecks.MIN_BITS);
        assertThat(TokenChecks.looksLikeJavaUtilRandom(tokens)).withFailMessage("the tokens come from"
                + " java.util.Random: from one 32-bit output its whole 48-bit state can be computed, and every token"
                + " after it. Use java.security.SecureRandom (%s).", TokenChecks.describe(tokens)).isFalse();
    }

    @OnEachRedis
    void tokensDoNotRepeatInAnotherProcess(Redis redis) throws Exception {
        // Two class loaders stand in for two JVMs running the same code: a counter, a seeded generator or a
        // thread id starts over in each, and the two "processes" hand out the same tokens.
        List<String> first = tokensFromFreshCopyOfRedisLock(redis, "p1");
        List<String> second = tokensFromFreshCopyOfRedisLock(redis, "p2");
        Set<String> shared = new HashSet<>(first);
        shared.retainAll(second);
        assertThat(shared).withFailMessage("two processes running RedisLock handed out %d identical tokens (e.g. %s):"
                + " tokens made from a counter, a thread id, a hash of those, or a generator with a fixed seed repeat"
                + " in every process, so a client on another machine can release your lock. Draw them from"
                + " java.security.SecureRandom.", shared.size(), shared.stream().findFirst().orElse(null)).isEmpty();
        assertThat(first).doesNotHaveDuplicates();
    }

    private static List<String> tokensFromFreshCopyOfRedisLock(Redis redis, String process) throws Exception {
        URL classes = RedisLock.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new IsolatingLoader(classes, RedisLockTest.class.getClassLoader())) {
            Class<?> type = loader.loadClass(RedisLock.class.getName());
            Constructor<?> constructor = type.getConstructor(RedisClient.class, String.class, Duration.class);
            Object lock = constructor.newInstance(redis.client(), redis.key("lock-" + process), TTL);
            Method tryAcquire = type.getMethod("tryAcquire", Duration.class);
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Optional<?> token = (Optional<?>) tryAcquire.invoke(lock, WAIT);
                values.add(redis.get(redis.key("lock-" + process)));
                assertThat(token).isPresent();
                redis.del(redis.key("lock-" + process));
            }
            return values;
        }
    }

    /** Loads the exercise's classes itself (fresh statics), everything else from the parent. */
    private static final class IsolatingLoader extends URLClassLoader {
        IsolatingLoader(URL classes, ClassLoader parent) {
            super(new URL[] {classes}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("workshop.redislocking.") && !name.startsWith("workshop.redislocking.support.")) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded == null) {
                        loaded = findClass(name);
                    }
                    return loaded;
                }
                return super.loadClass(name, resolve);
            }
        }
    }

    @OnEachRedis
    void noToStringShowsTheTokensSecretValue(Redis redis) throws Exception {
        RedisLock lock = new RedisLock(redis.client(), redis.key("lock"), TTL);
        LockToken token = lock.tryAcquire(WAIT).orElseThrow();
        Secrets.assertHidden("LockToken", token, token.value());
        Secrets.assertHidden("RedisLock", lock, token.value());
        lock.release(token);
    }

    @OnEachRedis
    void aHugeWaitMeansAsLongAsItTakesAndANegativeOneMeansOneAttempt(Redis redis) throws Exception {
        String key = redis.key("lock");
        RedisLock mine = new RedisLock(redis.client(), key, TTL);
        Waiting.hugeAndNegativeWaits("RedisLock", mine::tryAcquire, otherClient(redis, key),
                token -> mine.release((LockToken) token));
    }

    @OnEachRedis
    void anInterruptEndsTheWaitWithInterruptedExceptionAndLeavesNoKey(Redis redis) throws Exception {
        String key = redis.key("lock");
        RedisLock mine = new RedisLock(redis.client(), key, TTL);
        Waiting.interrupts("RedisLock", mine::tryAcquire, otherClient(redis, key), () -> Arrays.asList(redis.get(key)));
    }

    /** Another client of the same lock, with its own connections. */
    private static Waiting.OtherClient otherClient(Redis redis, String key) {
        RedisLock other = new RedisLock(redis.newClient(), key, TTL);
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
        Duration ttl = Duration.ofSeconds(1);
        try {
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new RedisLock(null, \"lock\", ttl) must throw NullPointerException: reject null at"
                            + " once, naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new RedisLock(null, "lock", ttl));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new RedisLock(pool, null, ttl) must throw NullPointerException: reject null at once,"
                            + " naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new RedisLock(pool, null, ttl));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("new RedisLock(pool, \"\", ttl) must throw IllegalArgumentException: an empty name"
                            + " must be rejected (skeleton Javadoc)")
                    .isThrownBy(() -> new RedisLock(pool, "", ttl));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("new RedisLock(pool, \"  \", ttl) must throw IllegalArgumentException: a blank name is"
                            + " a legal Redis key but almost always a bug, so the skeleton's Javadoc and the README"
                            + " ask to reject it like an empty one (String.isBlank())")
                    .isThrownBy(() -> new RedisLock(pool, "  ", ttl));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new RedisLock(pool, \"lock\", null) must throw NullPointerException: reject null at"
                            + " once, naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new RedisLock(pool, "lock", null));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("new RedisLock(pool, \"lock\", Duration.ZERO) must throw IllegalArgumentException:"
                            + " reject a bad argument before anything reaches Redis, naming it (skeleton Javadoc)")
                    .isThrownBy(() -> new RedisLock(pool, "lock", Duration.ZERO))
                    .withMessageContaining("ttl");
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("new RedisLock(pool, \"lock\", Duration.ofSeconds(-1)) must throw"
                            + " IllegalArgumentException: reject a bad argument before anything reaches Redis, naming"
                            + " it (skeleton Javadoc)")
                    .isThrownBy(() -> new RedisLock(pool, "lock", Duration.ofSeconds(-1))).withMessageContaining("ttl");
            RedisLock lock = new RedisLock(pool, "lock", ttl);
            assertThatExceptionOfType(NullPointerException.class)
                    .as("lock.tryAcquire(null) must throw NullPointerException: reject null at once, naming"
                            + " the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> lock.tryAcquire(null));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("lock.release(null) must throw NullPointerException: reject null at once, naming the"
                            + " argument (Objects.requireNonNull)")
                    .isThrownBy(() -> lock.release(null));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("release(a token of the lock \"another-lock\") on the lock \"lock\" must throw"
                            + " IllegalArgumentException: that token can never own this lock")
                    .isThrownBy(() -> lock.release(new LockToken("another-lock", "abc")));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("lock.extend(new LockToken(\"another-lock\", \"abc\"), ttl) must throw"
                            + " IllegalArgumentException: reject a bad argument before anything reaches Redis, naming"
                            + " it (skeleton Javadoc)")
                    .isThrownBy(() -> lock.extend(new LockToken("another-lock", "abc"), ttl));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .as("lock.extend(new LockToken(\"lock\", \"abc\"), Duration.ZERO) must throw"
                            + " IllegalArgumentException: reject a bad argument before anything reaches Redis, naming"
                            + " it (skeleton Javadoc)")
                    .isThrownBy(() -> lock.extend(new LockToken("lock", "abc"), Duration.ZERO));
            assertThatExceptionOfType(NullPointerException.class)
                    .as("lock.extend(null, ttl) must throw NullPointerException: reject null at once, naming"
                            + " the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> lock.extend(null, ttl));
            assertThat(lock.name()).isEqualTo("lock");
            assertThat(lock.ttl()).isEqualTo(ttl);
        } finally {
            pool.close();
        }
    }
}
