package workshop.benchmarks.waiting;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import workshop.benchmarks.RunMode;
import workshop.benchmarks.report.BarChart;
import workshop.benchmarks.report.Format;
import workshop.benchmarks.report.Latencies;
import workshop.benchmarks.report.Section;
import workshop.benchmarks.report.Table;

/**
 * Group 6: what waiting costs. A waiter waits for a flag that another thread sets after a fixed time;
 * measured: the waiter's CPU time while it waited ({@code ThreadMXBean}), as a share of the wait, and how
 * long after the flag was set it noticed (wake-up latency). Runs in a JVM of its own.
 */
public final class WaitingCpu {

    private static final int ROUNDS = 5;

    private WaitingCpu() {
    }

    /** One way to wait for {@code ready}. */
    private interface Waiter {
        void awaitReady(Signal signal) throws InterruptedException;
    }

    /** The flag, and the condition that announces it. */
    private static final class Signal {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        volatile boolean ready;
        volatile long setAt;

        void set() {
            lock.lock();
            try {
                setAt = System.nanoTime();
                ready = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private record Way(String name, Waiter waiter) {
    }

    private static final List<Way> WAYS = List.of(
            new Way("busy wait (volatile flag)", s -> {
                while (!s.ready) {
                    // spin
                }
            }),
            new Way("busy wait + Thread.onSpinWait()", s -> {
                while (!s.ready) {
                    Thread.onSpinWait();
                }
            }),
            new Way("sleep-poll every 1 ms", s -> {
                while (!s.ready) {
                    Thread.sleep(1);
                }
            }),
            new Way("Condition.await()", s -> {
                s.lock.lock();
                try {
                    while (!s.ready) {
                        s.changed.await();
                    }
                } finally {
                    s.lock.unlock();
                }
            }));

    public static void run(RunMode mode, Path out) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isCurrentThreadCpuTimeSupported()) {
            new Section("6-waiting", "6. Busy waiting vs waiting on a condition")
                    .text("*Not measured:* this JVM cannot measure a thread's CPU time (ThreadMXBean).").write(out);
            return;
        }
        mx.setThreadCpuTimeEnabled(true);
        long waitNanos = mode.harnessRun().toNanos() / ROUNDS;
        Section section = new Section("6-waiting", "6. Busy waiting vs waiting on a condition");
        section.text(String.format(Locale.ROOT, """
                The guide: busy waiting wastes CPU; wait on a condition instead. A waiter waits for a flag that the main
                thread sets after %d ms (%d rounds per way of waiting). CPU: the waiter's own CPU time while it waited
                (`ThreadMXBean.getCurrentThreadCpuTime`), as a share of the wait (100%% = one core busy the whole time).
                Wake-up: from setting the flag (and signalling) to the waiter running again; median and worst of the
                rounds.""", waitNanos / 1_000_000, ROUNDS));
        Table table = new Table("how the waiter waits", "CPU used while waiting", "CPU ms per second of waiting", "wake-up p50 us",
                "wake-up max us");
        BarChart chart = new BarChart("CPU burned while waiting", "% of one core", true);
        for (Way way : WAYS) {
            double cpuShare = 0;
            Latencies wake = new Latencies();
            for (int round = 0; round < ROUNDS + 1; round++) { // round 0 warms up
                Signal signal = new Signal();
                long[] result = new long[2]; // cpu nanos, woke at
                CountDownLatch waiting = new CountDownLatch(1);
                Thread waiter = Thread.ofPlatform().name("waiter").start(() -> {
                    long cpuBefore = mx.getCurrentThreadCpuTime();
                    waiting.countDown();
                    try {
                        way.waiter().awaitReady(signal);
                    } catch (InterruptedException e) {
                        return;
                    }
                    result[1] = System.nanoTime();
                    result[0] = mx.getCurrentThreadCpuTime() - cpuBefore;
                });
                waiting.await();
                long began = System.nanoTime();
                Thread.sleep(java.time.Duration.ofNanos(waitNanos)); // the wait being measured, not synchronization
                signal.set();
                waiter.join();
                if (round > 0) {
                    cpuShare += (double) result[0] / (signal.setAt - began) / ROUNDS;
                    wake.add(result[1] - signal.setAt);
                }
            }
            table.row(way.name(), Format.percent(cpuShare), Format.num(cpuShare * 1000), Format.num(wake.percentile(50) / 1000),
                    Format.num(wake.max() / 1000));
            chart.bar("waiter", way.name(), Math.max(cpuShare * 100, 0.001), 0);
            section.fact(way.name() + ".cpu", cpuShare);
            section.fact(way.name() + ".wake", wake.percentile(50) / 1000);
            System.out.printf(Locale.ROOT, "[6] %s: %.2f%% CPU, wake-up %.0f us%n", way.name(), cpuShare * 100,
                    wake.percentile(50) / 1000);
        }
        section.table(table).chart(chart);
        section.write(out);
    }
}
