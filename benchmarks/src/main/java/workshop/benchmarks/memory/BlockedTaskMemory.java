package workshop.benchmarks.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import workshop.benchmarks.Child;
import workshop.benchmarks.RunMode;
import workshop.benchmarks.report.BarChart;
import workshop.benchmarks.report.Format;
import workshop.benchmarks.report.Section;
import workshop.benchmarks.report.Table;

/**
 * Group 5: memory per blocked task. In a fresh JVM with native memory tracking, start N tasks that each
 * block on a latch (a shallow stack), and compare before and after: the process's resident memory (RSS,
 * from {@code /proc/self/status}; Linux only), the heap in use after a GC, and what native memory tracking
 * counts for thread stacks (reserved: address space; committed: backed by memory). Platform threads and
 * virtual threads each in a JVM of their own.
 */
public final class BlockedTaskMemory {

    private static final Pattern NMT_THREAD = Pattern.compile("Thread \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    private BlockedTaskMemory() {
    }

    /** In the parent: runs both kinds in their own JVMs and reports. */
    public static Section run(RunMode mode, Path out) {
        List<String> flags = List.of("-XX:NativeMemoryTracking=summary", "-Xmx2g");
        for (String kind : List.of("platform", "virtual")) {
            Child.run("memory", mode, out, -1, flags, kind);
        }
        Section section = new Section("5-memory", "5. Memory per blocked task: platform threads vs virtual threads");
        section.text(String.format(Locale.ROOT, """
                The guide: "~1MB per thread vs ~50KB per coroutine". %,d tasks each blocked on a `CountDownLatch`
                (a shallow stack), in a fresh JVM per kind; the difference before/after, divided by the number of tasks.
                RSS: the process's resident memory (`VmRSS` in `/proc/self/status`, Linux). Heap: used heap after a
                full GC (a blocked virtual thread's stack lives there). Stacks reserved/committed: the JVM's native
                memory tracking, category Thread. Kernel memory per thread (its kernel stack and task structures, about
                10-25 KiB) is in none of these numbers.""", mode.blockedTasks()));
        Table table = new Table("per blocked task", "RSS KiB", "heap KiB", "thread stacks reserved KiB",
                "thread stacks committed KiB", "the guide says");
        BarChart chart = new BarChart("Memory per blocked task", "KiB per task", true);
        for (String kind : List.of("platform", "virtual")) {
            var facts = Section.readFacts(out, "5-memory-" + kind);
            String label = kind.equals("platform") ? "platform thread" : "virtual thread";
            table.row(label, Format.num(facts.getOrDefault("rss", Double.NaN)), Format.num(facts.getOrDefault("heap", Double.NaN)),
                    Format.num(facts.getOrDefault("reserved", Double.NaN)), Format.num(facts.getOrDefault("committed", Double.NaN)),
                    kind.equals("platform") ? "~1 MB" : "~50 KB (coroutine)");
            for (String metric : List.of("rss", "heap", "committed", "reserved")) {
                double v = facts.getOrDefault(metric, Double.NaN);
                if (!Double.isNaN(v) && v > 0) {
                    chart.bar(metric.equals("rss") ? "RSS" : metric.equals("heap") ? "heap" : "stacks " + metric, label, v, 0);
                }
                section.fact(kind + "." + metric, v);
            }
        }
        section.table(table).chart(chart);
        return section;
    }

    /** In the child JVM: measures one kind and writes {@code 5-memory-<kind>.tsv}. */
    public static void measure(RunMode mode, Path out, String kind) throws Exception {
        int tasks = mode.blockedTasks();
        Thread.Builder builder = kind.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform();
        // Warm up: load the classes both phases use.
        startBlocked(builder, 10).release();

        Snapshot before = Snapshot.take();
        Blocked blocked = startBlocked(builder, tasks);
        Snapshot during = Snapshot.take();
        blocked.release();

        Section facts = new Section("5-memory-" + kind, kind);
        facts.fact("rss", (during.rssKib() - before.rssKib()) / tasks);
        facts.fact("heap", (during.heapBytes() - before.heapBytes()) / 1024.0 / tasks);
        facts.fact("reserved", (during.stackReservedKib() - before.stackReservedKib()) / tasks);
        facts.fact("committed", (during.stackCommittedKib() - before.stackCommittedKib()) / tasks);
        facts.write(out);
        System.out.printf(Locale.ROOT, "[5] %,d blocked %s threads: RSS +%.1f KiB each, heap +%.2f KiB each%n", tasks, kind,
                (during.rssKib() - before.rssKib()) / tasks, (during.heapBytes() - before.heapBytes()) / 1024.0 / tasks);
    }

    /** Tasks blocked on a latch; {@link #release()} lets them end and waits for them. */
    private record Blocked(CountDownLatch gate, List<Thread> threads) {
        void release() throws InterruptedException {
            gate.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    private static Blocked startBlocked(Thread.Builder builder, int count) throws InterruptedException {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(count);
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            threads.add(builder.start(() -> {
                started.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        started.await();
        // Every task is now at, or on its way to, gate.await(): wait until all are parked.
        for (Thread thread : threads) {
            while (thread.getState() != Thread.State.WAITING) {
                Thread.yield(); // it is about to park: let it run
            }
        }
        return new Blocked(gate, threads);
    }

    /** The memory numbers at one moment. */
    private record Snapshot(double rssKib, long heapBytes, double stackReservedKib, double stackCommittedKib) {

        static Snapshot take() throws Exception {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            System.gc();
            long heap = memory.getHeapMemoryUsage().getUsed();
            double[] stacks = nmtThreads();
            return new Snapshot(readRssKib(), heap, stacks[0], stacks[1]);
        }

        /** VmRSS in KiB, NaN where there is no /proc (macOS, Windows). */
        static double readRssKib() throws Exception {
            Path status = Path.of("/proc/self/status");
            if (!Files.isReadable(status)) {
                return Double.NaN;
            }
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", ""));
                }
            }
            return Double.NaN;
        }

        /** Native memory tracking's Thread category (reserved, committed) in KiB; NaN when NMT is off. */
        static double[] nmtThreads() {
            try {
                String summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                        new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
                Matcher m = NMT_THREAD.matcher(summary);
                if (m.find()) {
                    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
                }
            } catch (Exception e) {
                System.err.println("[5] native memory tracking unavailable: " + e);
            }
            return new double[] {Double.NaN, Double.NaN};
        }
    }
}
