package workshop.benchmarks.redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;
import workshop.benchmarks.Child;
import workshop.benchmarks.Jmh;
import workshop.benchmarks.RunMode;
import workshop.benchmarks.report.BarChart;
import workshop.benchmarks.report.Format;
import workshop.benchmarks.report.Section;
import workshop.benchmarks.report.Table;

/** Group 8: RedisLock vs Redlock vs Redisson vs two PINGs. */
public final class RedisGroup {

    private static final List<String> IMPLS = List.of("2x PING", "RedisLock", "Redisson RLock", "Redlock (5 servers)");
    private static final int CONTENDED_THREADS = 4;

    private RedisGroup() {
    }

    /** A placement of client and server on the CPUs. */
    private record Placement(String name, String description, int clientCpu, int serverCpu) {
    }

    public static Section run(RunMode mode, Path out) {
        Section section = new Section("8-redis", "8. Redis locks: RedisLock, Redlock, Redisson, and the round-trip floor");
        section.text("""
                The guide: "Redlock: slower than single Redis". Real `redis-server` processes (the binary shipped in
                `embedded-redis`) on 127.0.0.1, started for the run and stopped after it. One lock operation here is
                acquire + release: `RedisLock` sends `SET NX PX` and a compare-and-delete script (two round trips),
                Redisson's `RLock.lock(leaseTime)` + `unlock()` two scripts, `Redlock` does the `SET NX PX` and the
                release on each of five servers. Two `PING`s are the physical floor of any two-round-trip lock.""");

        // (a) Latency, one thread, a lock of its own (no lock contention).
        Collection<RunResult> latency = Jmh.run(mode, RedisLockBenchmark.class, "acquireRelease", 1,
                Map.of("impl", IMPLS, "shared", List.of("false")), out.resolve("jmh-redis-latency.log"), Mode.SampleTime,
                TimeUnit.MICROSECONDS);
        Table a = new Table("operation", "mean us", "p50 us", "p99 us", "max us", "mean vs 2x PING");
        BarChart chart = new BarChart("Redis: acquire + release latency, 1 thread", "us (mean)", false);
        double pingMean = score(latency, "2x PING");
        for (String impl : IMPLS) {
            RunResult r = find(latency, impl);
            if (r == null) {
                continue;
            }
            Result<?> result = r.getPrimaryResult();
            Statistics stats = result.getStatistics();
            a.row(impl, Format.withError(result.getScore(), result.getScoreError()), Format.num(stats.getPercentile(50)),
                    Format.num(stats.getPercentile(99)), Format.num(stats.getMax()), Format.ratio(result.getScore() / pingMean));
            chart.bar("acquire + release", impl, result.getScore(), result.getScoreError());
            section.fact(impl + ".mean", result.getScore());
            section.fact(impl + ".p99", stats.getPercentile(99));
            section.fact(impl + ".max", stats.getMax());
        }
        section.text("""
                **Latency, one thread, no lock contention** (JMH `Mode.SampleTime`: every operation timed; mean ± 99.9%
                confidence half-width, percentiles over all samples):""");
        section.table(a).chart(chart);
        double redlockVsLock = score(latency, "Redlock (5 servers)") / score(latency, "RedisLock");
        section.fact("redlock.vs.redislock", redlockVsLock);
        section.text(String.format(java.util.Locale.ROOT, """
                `Redlock` over five servers costs %s of `RedisLock`. The workshop's `Redlock` sends its `SET`s (and its
                releases) to the five servers at once, one virtual thread per server, so an attempt waits for the
                slowest of five answers rather than for five answers in a row; what remains is starting the threads,
                five servers' work competing for the same two cores here, and the slowest server's tail.""",
                Format.ratio(redlockVsLock)));

        // (b) Contention: several threads, one lock.
        Collection<RunResult> contended = Jmh.run(mode, RedisLockBenchmark.class, "acquireRelease", CONTENDED_THREADS,
                Map.of("impl", IMPLS.subList(1, IMPLS.size()), "shared", List.of("true")),
                out.resolve("jmh-redis-contended.log"), Mode.Throughput, TimeUnit.SECONDS);
        Table b = new Table("lock", "acquire+release per second, " + CONTENDED_THREADS + " threads, one lock",
                "vs 1 thread, own lock");
        for (String impl : IMPLS.subList(1, IMPLS.size())) {
            RunResult r = find(contended, impl);
            if (r == null) {
                continue;
            }
            double perSecond = r.getPrimaryResult().getScore();
            double uncontended = 1e6 / score(latency, impl);
            b.row(impl, Format.withError(perSecond, r.getPrimaryResult().getScoreError()), Format.ratio(perSecond / uncontended));
            section.fact(impl + ".contended", perSecond);
            section.fact(impl + ".uncontended", uncontended);
        }
        section.text("""
                **Contention: %d threads compete for one lock** (JMH `Mode.Throughput`). `RedisLock` and `Redlock` retry
                a busy lock after a random pause (up to 10 ms and 1-50 ms); Redisson waits for the unlock message
                (pub/sub) and so hands the lock over sooner.""".formatted(CONTENDED_THREADS));
        section.table(b);

        // (c) Side by side, operation by operation, in several placements.
        List<Placement> placements = new ArrayList<>();
        placements.add(new Placement("unpinned", "client and server unpinned (the scheduler decides)", -1, -1));
        if (RedisServer.canPin() && Runtime.getRuntime().availableProcessors() >= 2) {
            placements.add(new Placement("same-cpu", "client JVM and server pinned to the same CPU 0", 0, 0));
            placements.add(new Placement("cross-cpu", "client JVM on CPU 0, server on CPU 1", 0, 1));
        }
        if (mode == RunMode.SMOKE) {
            placements = placements.subList(0, 1);
        }
        Table c = new Table("placement", "2x PING p50 us", "bare SET NX PX + script p50 us", "RedisLock p50 us", "Redisson p50 us",
                "bare / 2x PING (p50)", "RedisLock / 2x PING (p50, mean)", "RedisLock / Redisson (p50, mean)", "rounds");
        for (Placement p : placements) {
            Child.run("redis-alternating", mode, out, p.clientCpu(), List.of(), p.name(), Integer.toString(p.serverCpu()));
            Map<String, Double> f = Section.readFacts(out, "8-alternating-" + p.name());
            double ping50 = f.get("2x PING.p50");
            double lock50 = f.get("RedisLock.p50");
            double son50 = f.get("Redisson RLock.p50");
            double pingAvg = f.get("2x PING.mean");
            double lockMean = f.get("RedisLock.mean");
            double sonMean = f.get("Redisson RLock.mean");
            double bare50 = f.get("bare SET NX PX + script.p50");
            c.row(p.description(), Format.num(ping50), Format.num(bare50), Format.num(lock50), Format.num(son50),
                    Format.ratio(bare50 / ping50),
                    Format.ratio(lock50 / ping50) + ", " + Format.ratio(lockMean / pingAvg),
                    Format.ratio(lock50 / son50) + ", " + Format.ratio(lockMean / sonMean),
                    Format.num(f.get("RedisLock.count")));
            section.fact(p.name() + ".lockVsPing", lock50 / ping50);
            section.fact(p.name() + ".lockVsRedisson", lock50 / son50);
            section.fact(p.name() + ".bareVsPing", bare50 / ping50);
        }
        section.text("""
                **Side by side, alternating operation by operation** (one thread; the four run in a fresh random order every
                round, so machine noise hits all alike; pinned with `taskset`). "bare" is the same two commands with a
                fixed value, without `RedisLock`'s own work (a 160-bit `SecureRandom` token per acquire, the retry
                loop): the difference between bare and `RedisLock` is client-side cost; the difference between two
                PINGs and bare is the server's work on `SET NX PX` and the script, which shows when a round trip is
                short (client and server on one CPU). Target: `RedisLock` at most 1.15x the bare protocol, at most
                1.15x two PINGs when client and server are on different CPUs, and below Redisson's lock+unlock.""");
        section.table(c);
        return section;
    }

    private static RunResult find(Collection<RunResult> results, String impl) {
        return results.stream().filter(r -> r.getParams().getParam("impl").equals(impl)).findFirst().orElse(null);
    }

    private static double score(Collection<RunResult> results, String impl) {
        RunResult r = find(results, impl);
        return r == null ? Double.NaN : r.getPrimaryResult().getScore();
    }
}
