package workshop.benchmarks;

import java.nio.file.Path;
import java.util.Map;
import workshop.benchmarks.report.Format;
import workshop.benchmarks.report.Section;
import workshop.benchmarks.report.Table;

/**
 * Group 9: the guide's comparison table (pessimistic / optimistic / Redis lock / Redlock x latency,
 * throughput, contention handling) with the numbers groups 7 and 8 measured, and a verdict on each
 * performance claim the groups measured.
 */
public final class Summary {

    private Summary() {
    }

    public static Section run(RunMode mode, Path out) {
        Section section = new Section("9-summary", "9. The guide's comparison table, measured");
        Map<String, Double> db = Section.readFacts(out, "7-transfers");
        Map<String, Double> redis = Section.readFacts(out, "8-redis");
        String key = db.containsKey("pg.pessimistic.1024.tps") ? "pg" : "h2";
        String dbName = key.equals("pg") ? "PostgreSQL" : "H2 in memory";
        int high = 2;
        section.text("""
                Latency: one operation without contention (a transfer among 1,024 accounts: p50 / p99; a Redis lock:
                acquire + release, one thread, mean / p99). Throughput: transfers committed per second with 8 threads
                and no contention; lock operations per second of one client thread. Under contention: transfers among
                %d accounts and with one hot account (8 threads); a Redis lock that 4 threads compete for. Database: %s.
                """.formatted(high, dbName));
        Table table = new Table("strategy", "latency", "throughput", "under contention", "the guide");
        for (String strategy : new String[] {"pessimistic", "optimistic"}) {
            String p = key + "." + strategy + ".";
            if (!db.containsKey(p + "1024.tps")) {
                continue;
            }
            String contention = String.format("%s tx/s, p99 %s ms, %s gave up (%d accounts); hot account: %s tx/s, p99 %s ms, %s gave up",
                    Format.num(db.get(p + high + ".tps")), Format.num(db.get(p + high + ".p99")),
                    Format.percent(db.getOrDefault(p + high + ".giveup", Double.NaN)), high,
                    Format.num(db.getOrDefault(p + "0.tps", Double.NaN)), Format.num(db.getOrDefault(p + "0.p99", Double.NaN)),
                    Format.percent(db.getOrDefault(p + "0.giveup", Double.NaN)));
            table.row(strategy.equals("pessimistic") ? "Pessimistic (`SELECT ... FOR UPDATE`)" : "Optimistic (version check + retry)",
                    Format.num(db.get(p + "1024.p50")) + " / " + Format.num(db.get(p + "1024.p99")) + " ms",
                    Format.num(db.get(p + "1024.tps")) + " tx/s", contention,
                    strategy.equals("pessimistic") ? "" : "\"low latency, high throughput; bad under high contention\"");
        }
        for (String[] lock : new String[][] {{"RedisLock", "Redis lock (`RedisLock`, 1 server)", ""},
                {"Redlock (5 servers)", "Redlock (`Redlock`, 5 servers)", "\"slower than single Redis\""},
                {"Redisson RLock", "Redisson `RLock` (for reference)", ""}}) {
            if (!redis.containsKey(lock[0] + ".mean")) {
                continue;
            }
            table.row(lock[1], Format.num(redis.get(lock[0] + ".mean")) + " / " + Format.num(redis.get(lock[0] + ".p99")) + " us",
                    Format.num(redis.get(lock[0] + ".uncontended")) + " ops/s (1 thread)",
                    Format.num(redis.getOrDefault(lock[0] + ".contended", Double.NaN)) + " ops/s with 4 threads on one lock",
                    lock[2]);
        }
        if (table.isEmpty()) {
            section.text("*Groups 7 and 8 did not run: nothing to fill the table with.*");
        } else {
            section.table(table);
        }
        return section;
    }
}
