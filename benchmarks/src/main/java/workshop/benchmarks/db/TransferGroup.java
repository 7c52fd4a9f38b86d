package workshop.benchmarks.db;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import workshop.benchmarks.RunMode;
import workshop.benchmarks.report.BarChart;
import workshop.benchmarks.report.Format;
import workshop.benchmarks.report.Latencies;
import workshop.benchmarks.report.Section;
import workshop.benchmarks.report.Table;
import workshop.dblocking.OptimisticTransferService;
import workshop.dblocking.PessimisticTransferService;
import workshop.dblocking.RetryPolicy;
import workshop.dblocking.TransferResult;
import workshop.dblocking.TransferService;

/**
 * Group 7: pessimistic vs optimistic transfers (06-db-locking's reference services) from no contention
 * to one hot account. {@value #THREADS} threads transfer 1 unit between random accounts for a fixed time;
 * every transfer's latency is recorded, and every give-up (optimistic: all attempts lost a race).
 * A harness rather than JMH: the numbers that matter are the tail and the give-ups, not one average.
 */
public final class TransferGroup {

    static final int THREADS = 8;
    static final int ACCOUNTS = 1024;
    /** The optimistic service's policy: 10 attempts, full-jitter backoff from 1 ms up to 50 ms. */
    static final RetryPolicy RETRY = new RetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(50));

    private TransferGroup() {
    }

    /** What one (database, strategy, contention) run measured. */
    record Run(String db, String strategy, int accounts, double seconds, long committed, long gaveUp, long attempts,
            long failed, Latencies latencies, List<Double> roundRates) {

        /** This run and {@code other} (another round of the same point) as one. */
        Run plus(Run other) {
            Latencies all = new Latencies();
            all.addAll(latencies);
            all.addAll(other.latencies);
            List<Double> rates = new ArrayList<>(roundRates);
            rates.addAll(other.roundRates);
            return new Run(db, strategy, accounts, seconds + other.seconds, committed + other.committed, gaveUp + other.gaveUp,
                    attempts + other.attempts, failed + other.failed, all, rates);
        }

        /** Lowest and highest committed tx/s of the rounds, or empty with one round. */
        String spread() {
            if (roundRates.size() < 2) {
                return "";
            }
            return Format.num(roundRates.stream().mapToDouble(Double::doubleValue).min().orElseThrow()) + "-"
                    + Format.num(roundRates.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        }

        double perSecond() {
            return committed / seconds;
        }

        double giveUpShare() {
            long decided = committed + gaveUp;
            return decided == 0 ? Double.NaN : (double) gaveUp / decided;
        }
    }

    public static void run(RunMode mode, Path out) throws Exception {
        List<Run> runs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        runOn("H2", mode, runs);
        String url = setting("WORKSHOP_POSTGRES_URL");
        if (url != null) {
            try {
                runOn(url, mode, runs);
            } catch (java.sql.SQLException e) {
                skipped.add("PostgreSQL at WORKSHOP_POSTGRES_URL could not be used (" + e.getMessage() + ")");
            }
        } else {
            skipped.add("PostgreSQL: not configured (set WORKSHOP_POSTGRES_URL, e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres)");
        }
        report(mode, runs, skipped).write(out);
    }

    private static void runOn(String where, RunMode mode, List<Run> runs) throws Exception {
        try (BenchDatabase db = where.equals("H2") ? BenchDatabase.h2() : BenchDatabase.postgres(where)) {
            db.createAccounts(ACCOUNTS, 1_000_000_000L);
            long total = db.totalBalance();
            TransferService pessimistic = new PessimisticTransferService(db.dataSource());
            TransferService optimistic = new OptimisticTransferService(db.dataSource(), RETRY);
            // Warm-up: JIT (H2 runs in this JVM and needs seconds of it), connections, the database's caches.
            Duration warmup = switch (mode.name()) {
                case "smoke" -> mode.harnessRun();
                case "quick" -> Duration.ofSeconds(3);
                default -> Duration.ofSeconds(5);
            };
            measure(db, "pessimistic", pessimistic, 8, warmup);
            measure(db, "optimistic", optimistic, 8, warmup);
            // Full mode: three rounds over all points, the second in reverse order, so that a trend (JIT, the
            // machine's load) does not favour the points measured last.
            int rounds = mode == RunMode.FULL ? 3 : 1;
            Duration point = mode == RunMode.FULL ? Duration.ofSeconds(2) : mode.harnessRun();
            java.util.Map<String, Run> merged = new java.util.LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                List<Integer> levels = new ArrayList<>(mode.accountCounts());
                if (round % 2 == 1) {
                    java.util.Collections.reverse(levels);
                }
                for (int accounts : levels) {
                    for (String strategy : List.of("pessimistic", "optimistic")) {
                        db.clearLog();
                        Run run = measure(db, strategy, strategy.equals("pessimistic") ? pessimistic : optimistic, accounts,
                                point);
                        merged.merge(strategy + accounts, run, Run::plus);
                        System.out.printf(Locale.ROOT, "[7] %s %s %s: %.0f tx/s, %d gave up, p99 %.2f ms%n", db.label(),
                                strategy, level(accounts), run.perSecond(), run.gaveUp(), run.latencies().percentile(99) / 1e6);
                    }
                }
            }
            runs.addAll(merged.values());
            if (db.totalBalance() != total) {
                throw new IllegalStateException("money was created or destroyed: " + total + " before, " + db.totalBalance()
                        + " after");
            }
        }
    }

    /** {@code accounts} = 0: every transfer touches account 1 (the hot one) and a random other. */
    private static Run measure(BenchDatabase db, String strategy, TransferService service, int accounts, Duration length)
            throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        Latencies[] latencies = new Latencies[THREADS];
        long[][] counts = new long[THREADS][4]; // committed, gave up, attempts, failed
        List<Thread> threads = new ArrayList<>();
        RuntimeException[] firstFailure = new RuntimeException[1];
        for (int t = 0; t < THREADS; t++) {
            int me = t;
            latencies[t] = new Latencies();
            threads.add(Thread.ofPlatform().name("transfer-" + t).start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (!stop.get()) {
                    long from;
                    long to;
                    if (accounts == 0) {
                        long other = 2 + random.nextInt(ACCOUNTS - 1);
                        boolean out = random.nextBoolean();
                        from = out ? 1 : other;
                        to = out ? other : 1;
                    } else {
                        from = 1 + random.nextInt(accounts);
                        do {
                            to = 1 + random.nextInt(accounts);
                        } while (to == from);
                    }
                    long began = System.nanoTime();
                    try {
                        TransferResult result = service.transfer(from, to, 1);
                        latencies[me].add(System.nanoTime() - began);
                        counts[me][2] += result.attempts();
                        if (result.status() == TransferResult.Status.COMMITTED) {
                            counts[me][0]++;
                        } else if (result.status() == TransferResult.Status.CONFLICT) {
                            counts[me][1]++;
                        }
                    } catch (RuntimeException e) {
                        counts[me][3]++;
                        synchronized (firstFailure) {
                            if (firstFailure[0] == null) {
                                firstFailure[0] = e;
                            }
                        }
                    }
                }
            }));
        }
        long began = System.nanoTime();
        start.countDown();
        Thread.sleep(length); // the measured interval itself, not synchronization
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        Latencies all = new Latencies();
        long[] sum = new long[4];
        for (int t = 0; t < THREADS; t++) {
            all.addAll(latencies[t]);
            for (int k = 0; k < 4; k++) {
                sum[k] += counts[t][k];
            }
        }
        if (firstFailure[0] != null) {
            System.err.println("[7] " + db.label() + " " + strategy + ": " + sum[3] + " transfer(s) failed, first: " + firstFailure[0]);
        }
        return new Run(db.label(), strategy, accounts, seconds, sum[0], sum[1], sum[2], sum[3], all, List.of(sum[0] / seconds));
    }

    static String level(int accounts) {
        return accounts == 0 ? "one hot account" : accounts + " accounts";
    }

    private static Section report(RunMode mode, List<Run> runs, List<String> skipped) {
        Section section = new Section("7-transfers", "7. Pessimistic vs optimistic transfers, from no contention to one hot account");
        section.text(String.format(Locale.ROOT, """
                The guide: "optimistic: low latency, high throughput; bad under high contention". 06-db-locking's
                reference services: `PessimisticTransferService` (`SELECT ... FOR UPDATE` on both rows in id order) and
                `OptimisticTransferService` (version-checked `UPDATE`s, retried up to 10 times with full-jitter backoff
                of 1-50 ms). %d threads, a pool of 16 connections, 1-unit transfers between two accounts picked at random
                among N; "one hot account": every transfer moves money to or from account 1. Each point runs %s after
                a warm-up; committed tx/s is over all rounds, "rounds' range" the lowest and highest round. "gave up": optimistic transfers that lost all 10 races and returned `CONFLICT` (nothing
                written). Latency: per transfer call, including retries and backoff, over all rounds.""", THREADS,
                mode == RunMode.FULL ? "3 rounds of 2 s (the second in reverse order)" : mode.harnessRun().toMillis() + " ms"));
        for (String skip : skipped) {
            section.text("*Not measured:* " + skip + ".");
        }
        List<String> dbs = runs.stream().map(Run::db).distinct().toList();
        for (String db : dbs) {
            Table table = new Table("contention", "strategy", "committed tx/s", "rounds' range", "gave up", "attempts per transfer", "mean ms",
                    "p50 ms", "p99 ms", "max ms", "failed");
            BarChart chart = new BarChart(db + ": committed transfers per second", "tx/s", false);
            StringBuilder winners = new StringBuilder();
            String previous = null;
            for (int accounts : mode.accountCounts()) {
                Run pess = find(runs, db, "pessimistic", accounts);
                Run opt = find(runs, db, "optimistic", accounts);
                for (Run r : new Run[] {pess, opt}) {
                    if (r == null) {
                        continue;
                    }
                    long decided = r.committed() + r.gaveUp();
                    table.row(level(accounts), r.strategy(), Format.num(r.perSecond()), r.spread(),
                            r.gaveUp() + " (" + Format.percent(r.giveUpShare()) + ")",
                            Format.num(decided == 0 ? Double.NaN : (double) r.attempts() / decided),
                            Format.num(r.latencies().mean() / 1e6), Format.num(r.latencies().percentile(50) / 1e6),
                            Format.num(r.latencies().percentile(99) / 1e6), Format.num(r.latencies().max() / 1e6), r.failed());
                    chart.bar(level(accounts), r.strategy(), r.perSecond(), 0);
                    String key = db.startsWith("H2") ? "h2" : "pg";
                    section.fact(key + "." + r.strategy() + "." + accounts + ".tps", r.perSecond());
                    section.fact(key + "." + r.strategy() + "." + accounts + ".p99", r.latencies().percentile(99) / 1e6);
                    section.fact(key + "." + r.strategy() + "." + accounts + ".p50", r.latencies().percentile(50) / 1e6);
                    section.fact(key + "." + r.strategy() + "." + accounts + ".giveup", r.giveUpShare());
                }
                if (pess != null && opt != null) {
                    String winner = opt.perSecond() > pess.perSecond() ? "optimistic" : "pessimistic";
                    double ratio = opt.perSecond() / pess.perSecond();
                    winners.append(String.format(Locale.ROOT, "%s%s: %s (optimistic/pessimistic = %s)",
                            winners.isEmpty() ? "" : "; ", level(accounts), winner, Format.ratio(ratio)));
                    if (previous != null && !previous.equals(winner)) {
                        winners.append(" <- crossover");
                    }
                    previous = winner;
                }
            }
            section.text("### " + db);
            section.table(table).chart(chart);
            section.text("Throughput winner by contention: " + winners + ".");
        }
        return section;
    }

    private static Run find(List<Run> runs, String db, String strategy, int accounts) {
        return runs.stream().filter(r -> r.db().equals(db) && r.strategy().equals(strategy) && r.accounts() == accounts)
                .findFirst().orElse(null);
    }

    static String setting(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            value = System.getProperty(variable.toLowerCase(Locale.ROOT).replace('_', '.'));
        }
        return value == null || value.isBlank() ? null : value.strip();
    }
}
