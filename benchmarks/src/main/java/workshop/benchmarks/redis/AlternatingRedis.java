package workshop.benchmarks.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;
import workshop.benchmarks.RunMode;
import workshop.benchmarks.report.Latencies;
import workshop.benchmarks.report.Section;
import workshop.redislocking.LockToken;
import workshop.redislocking.RedisLock;

/**
 * Group 8, side by side: in one JVM, on one server, one thread runs {@code RedisLock} acquire+release,
 * Redisson's {@code RLock} lock+unlock, two {@code PING}s, and the bare protocol ({@code SET NX PX} and the
 * compare-and-delete script with a fixed value) in turn, operation by operation (in a fresh
 * random order every round), so that machine noise hits all four alike. Run in a JVM of its own, pinned to a
 * CPU or not, with the server pinned to the same or the other CPU: the placement decides the round trip.
 * Writes its numbers as facts {@code 8-alternating-<placement>.tsv}.
 */
public final class AlternatingRedis {

    private static final String[] OPS = {"2x PING", "RedisLock", "Redisson RLock", "bare SET NX PX + script"};

    /** Warm-up rounds at least (each operation once per round), unless {@link #WARMUP_CAP} comes first. */
    private static final int WARMUP_ROUNDS = 20_000;
    private static final Duration WARMUP_CAP = Duration.ofSeconds(5);

    /** The compare-and-delete script, as RedisLock sends it. */
    private static final String RELEASE = """
            if redis.call('get', KEYS[1]) == ARGV[1] then
                return redis.call('del', KEYS[1])
            end
            return 0""";

    private AlternatingRedis() {
    }

    /**
     * @param placement a name for the report
     * @param serverCpu the CPU to pin the server to, or -1
     */
    public static void run(RunMode mode, Path out, String placement, int serverCpu) throws Exception {
        Latencies[] latencies = {new Latencies(), new Latencies(), new Latencies(), new Latencies()};
        try (RedisServer server = RedisServer.start(serverCpu)) {
            RedisClient client = server.newClient();
            RedisLock lock = new RedisLock(client, "bench:alternating", Duration.ofSeconds(10));
            RedissonClient redisson = RedisLockBenchmark.newRedisson(server);
            try {
                RLock rlock = redisson.getLock("bench:alternating:redisson");
                // Warm-up: connections, Lua script cache, and the JIT. Counted in rounds as well as time: the JIT
                // compiles a method after thousands of calls, not after a time, and a short run measured half-compiled
                // code (RedisLock 1.1-1.3x the bare protocol in quick mode, 1.02-1.06x in full mode).
                long warmupStart = System.nanoTime();
                long warmupEnd = warmupStart + mode.harnessRun().toNanos() / 2;
                long warmupCap = warmupStart + Math.max(mode.harnessRun().toNanos() * 4, WARMUP_CAP.toNanos());
                for (int round = 0; (round < WARMUP_ROUNDS || System.nanoTime() - warmupEnd < 0)
                        && System.nanoTime() - warmupCap < 0; round++) {
                    runRound(client, lock, rlock, null);
                }
                long end = System.nanoTime() + mode.harnessRun().toNanos() * 2;
                while (System.nanoTime() - end < 0) {
                    runRound(client, lock, rlock, latencies);
                }
            } finally {
                redisson.shutdown(0, 5, TimeUnit.SECONDS);
            }
        }
        Section facts = new Section("8-alternating-" + placement, placement);
        for (int i = 0; i < OPS.length; i++) {
            facts.fact(OPS[i] + ".p50", latencies[i].percentile(50) / 1000);
            facts.fact(OPS[i] + ".mean", latencies[i].mean() / 1000);
            facts.fact(OPS[i] + ".p99", latencies[i].percentile(99) / 1000);
            facts.fact(OPS[i] + ".count", latencies[i].count());
        }
        facts.write(out);
        System.out.printf(Locale.ROOT, "[8] %s: RedisLock p50 %.1f us, 2x PING p50 %.1f us, Redisson p50 %.1f us%n", placement,
                latencies[1].percentile(50) / 1000, latencies[0].percentile(50) / 1000, latencies[2].percentile(50) / 1000);
    }

    private static void runRound(RedisClient client, RedisLock lock, RLock rlock, Latencies[] record)
            throws InterruptedException {
        // A fresh random order every round: each operation follows every other equally often, so what one
        // leaves behind (Redisson's event-loop threads still busy, say) does not always land on the same next one.
        int[] order = {0, 1, 2, 3};
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        for (int op : order) {
            long start = System.nanoTime();
            switch (op) {
                case 0 -> {
                    check("PONG".equals(client.ping()));
                    check("PONG".equals(client.ping()));
                }
                case 1 -> {
                    LockToken token = lock.tryAcquire(Duration.ofSeconds(1)).orElseThrow();
                    check(lock.release(token));
                }
                case 2 -> {
                    rlock.lock(10, TimeUnit.SECONDS);
                    rlock.unlock();
                }
                default -> {
                    // The protocol alone, without RedisLock's token generation and checks: a fixed value.
                    check("OK".equals(client.set("bench:bare", "bare-token", SetParams.setParams().nx().px(10_000))));
                    check(Long.valueOf(1).equals(client.eval(RELEASE, List.of("bench:bare"), List.of("bare-token"))));
                }
            }
            long took = System.nanoTime() - start;
            if (record != null) {
                record[op].add(took);
            }
        }
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("a Redis operation did not do what it should");
        }
    }
}
