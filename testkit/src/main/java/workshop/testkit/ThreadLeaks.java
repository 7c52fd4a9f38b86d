package workshop.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Finds threads that a test started and left running. The JVM, JUnit, Lincheck and the virtual
 * thread scheduler start threads of their own as they need them; those are not the test's.
 */
public final class ThreadLeaks {

    /** Infrastructure threads that appear lazily and are not owned by any test. */
    private static final Pattern INFRASTRUCTURE = Pattern.compile(
            "junit-.*|ForkJoinPool\\.commonPool-worker-.*|Attach Listener|process reaper.*|VirtualThread-unblocker|ForkJoinPool-\\d+-delayScheduler|Common-Cleaner|MasterPoller"
                    + "|JNA Cleaner|Notification Thread|Signal Dispatcher|Finalizer|Reference Handler"
                    + "|surefire-.*|ping-.*|" + WorkshopExtension.RUNNER_PREFIX + ".*"
                    + "|.*[Ll]incheck.*|FixedActiveThreadsExecutor.*|testcontainers-.*|ducttape-.*"
                    + "|Read-Poller|Write-Poller|InnocuousThread-.*|MemoryPoolMXBean.*|Keep-Alive-.*"
                    + "|PostgreSQL-JDBC-Cleaner");

    /** Threads a failed test left behind: reported with that failure, never again. */
    private static final Set<Long> ABANDONED = ConcurrentHashMap.newKeySet();

    private ThreadLeaks() {
    }

    /** Ids of all live threads now: take one before a test, compare after. */
    public static Set<Long> snapshot() {
        return Set.copyOf(ThreadReports.liveThreads().keySet());
    }

    /** Threads alive now that were not in {@code before}, leaving out infrastructure and abandoned ones. */
    public static List<Thread> startedSince(Set<Long> before) {
        List<Thread> started = new ArrayList<>();
        for (Map.Entry<Long, Thread> entry : ThreadReports.liveThreads().entrySet()) {
            Thread thread = entry.getValue();
            if (!before.contains(entry.getKey()) && !ABANDONED.contains(entry.getKey()) && !isInfrastructure(thread)
                    && thread != Thread.currentThread()) {
                started.add(thread);
            }
        }
        return started;
    }

    /**
     * Gives the threads started since {@code before} up to {@code grace} to end (a thread that was told
     * to stop may take a moment), and returns those still running.
     */
    public static List<Thread> stillRunningAfter(Set<Long> before, Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread thread : startedSince(before)) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                thread.join(Duration.ofNanos(left));
            }
        }
        // The state, not isAlive(): a thread is TERMINATED (and join returns) a moment before isAlive() says false.
        return startedSince(before).stream().filter(t -> t.getState() != Thread.State.TERMINATED).toList();
    }

    /** Marks threads of a failed test, so later tests do not report them again. */
    static void abandon(Collection<Thread> threads) {
        threads.forEach(t -> ABANDONED.add(t.threadId()));
    }

    static boolean isInfrastructure(Thread thread) {
        return INFRASTRUCTURE.matcher(thread.getName()).matches()
                || thread.getClass().getName().equals("jdk.internal.misc.CarrierThread");
    }

    /** The failure message for threads a test left running. */
    static String report(String where, List<Thread> leaked) {
        return where + " left " + leaked.size() + " thread(s) running after it ended:\n"
                + ThreadReports.describe(leaked)
                + "Every thread a test starts, directly or through the code under test, must end before the test does:\n"
                + "join it, shut its ExecutorService down (and await termination), or close the object that owns it.";
    }
}
