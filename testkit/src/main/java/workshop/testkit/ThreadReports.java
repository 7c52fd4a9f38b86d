package workshop.testkit;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns the JVM's view of threads and locks into reports a learner can read: who waits for which
 * lock, who holds it, and where in the code each thread stands.
 */
public final class ThreadReports {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** How many stack frames of each thread a report shows. */
    private static final int FRAMES_SHOWN = 8;

    /** Threads described in full in one report; a report on hundreds would take seconds and bury the first ones. */
    private static final int MAX_DESCRIBED = 16;

    private ThreadReports() {
    }

    /**
     * Looks for threads deadlocked on monitors ({@code synchronized}) or ownable synchronizers
     * ({@code ReentrantLock}, {@code ReentrantReadWriteLock}) and returns a report, ignoring the
     * threads in {@code alreadyKnown} (for example deadlocks left over from an earlier failed test).
     */
    public static Optional<String> findNewDeadlock(Set<Long> alreadyKnown) {
        long[] ids = THREADS.findDeadlockedThreads();
        if (ids == null) {
            return Optional.empty();
        }
        long[] fresh = Arrays.stream(ids).filter(id -> !alreadyKnown.contains(id)).toArray();
        if (fresh.length == 0) {
            return Optional.empty();
        }
        return Optional.of(deadlockReport(fresh));
    }

    /** The ids of the threads that are deadlocked right now (empty when none). */
    public static Set<Long> deadlockedThreadIds() {
        long[] ids = THREADS.findDeadlockedThreads();
        return ids == null ? Set.of() : Arrays.stream(ids).boxed().collect(Collectors.toSet());
    }

    /**
     * A report of a deadlock among the given thread ids: the threads that wait for each other in a cycle
     * first, then those that are only stuck behind the cycle (they wait for a lock a cycle member holds).
     */
    public static String deadlockReport(long[] ids) {
        ThreadInfo[] infos = THREADS.getThreadInfo(ids, true, true);
        Map<Long, ThreadInfo> byId = new java.util.LinkedHashMap<>();
        for (ThreadInfo info : infos) {
            if (info != null) {
                byId.put(info.getThreadId(), info);
            }
        }
        List<ThreadInfo> inCycle = new ArrayList<>();
        List<ThreadInfo> behind = new ArrayList<>();
        for (ThreadInfo info : byId.values()) {
            (isInCycle(info.getThreadId(), byId) ? inCycle : behind).add(info);
        }
        StringBuilder report = new StringBuilder();
        report.append("DEADLOCK: ").append(inCycle.size()).append(" threads wait for each other and none can go on");
        if (!behind.isEmpty()) {
            report.append(" (").append(behind.size()).append(behind.size() == 1 ? " more waits" : " more wait")
                    .append(" behind them)");
        }
        report.append(".\n");
        inCycle.forEach(info -> appendWaiter(report, info));
        if (!behind.isEmpty()) {
            report.append(" Stuck behind the cycle (not part of it):\n");
            behind.forEach(info -> appendWaiter(report, info));
        }
        report.append("Each thread in the cycle holds a lock that the next one needs: a lock-ordering deadlock.\n")
                .append("Look at the order in which your code takes its locks: if every thread took them in one global\n")
                .append("order (for example by account id), no cycle could form. (See the module README, \"Deadlock\".)");
        return report.toString();
    }

    /** Whether following "waits for a lock held by" from this thread leads back to it. */
    private static boolean isInCycle(long start, Map<Long, ThreadInfo> byId) {
        long current = start;
        for (int step = 0; step <= byId.size(); step++) {
            ThreadInfo info = byId.get(current);
            if (info == null || info.getLockOwnerId() < 0) {
                return false;
            }
            current = info.getLockOwnerId();
            if (current == start) {
                return true;
            }
        }
        return false;
    }

    private static void appendWaiter(StringBuilder report, ThreadInfo info) {
        report.append("  \"").append(info.getThreadName()).append("\" waits for ")
                .append(describeAwaited(info))
                .append(" held by \"").append(info.getLockOwnerName()).append("\"\n");
        List<String> held = locksHeld(info);
        report.append("      and holds ").append(held.isEmpty() ? "no lock" : String.join(", ", held)).append('\n');
        appendFrames(report, info.getStackTrace(), "      at ");
    }

    /** Describes where each of the given threads stands: state, lock awaited and its owner, stack. */
    public static String describe(Collection<Thread> threads) {
        StringBuilder report = new StringBuilder();
        int described = 0;
        for (Thread thread : threads) {
            if (described++ == MAX_DESCRIBED) { // a pool of hundreds: the first ones show where they all are
                report.append("  ... and ").append(threads.size() - MAX_DESCRIBED).append(" more threads\n");
                break;
            }
            ThreadInfo info = THREADS.getThreadInfo(new long[] {thread.threadId()}, true, true)[0];
            if (info == null) {
                report.append("  \"").append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
                appendFrames(report, thread.getStackTrace(), "      at ");
                continue;
            }
            report.append("  \"").append(info.getThreadName()).append("\" ").append(info.getThreadState());
            if (info.getLockInfo() != null) {
                report.append(" on ").append(describeAwaited(info));
                if (info.getLockOwnerName() != null) {
                    report.append(" held by \"").append(info.getLockOwnerName()).append('"');
                }
            }
            report.append('\n');
            List<String> held = locksHeld(info);
            if (!held.isEmpty()) {
                report.append("      holds ").append(String.join(", ", held)).append('\n');
            }
            appendFrames(report, info.getStackTrace(), "      at ");
        }
        return report.toString();
    }

    /** Every live platform thread, by id. */
    public static Map<Long, Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .collect(Collectors.toMap(Thread::threadId, t -> t, (a, b) -> a));
    }

    private static List<String> locksHeld(ThreadInfo info) {
        List<String> held = new ArrayList<>();
        for (MonitorInfo monitor : info.getLockedMonitors()) {
            held.add(describeMonitor(monitor));
        }
        for (LockInfo synchronizer : info.getLockedSynchronizers()) {
            held.add(describeSynchronizer(synchronizer));
        }
        return held;
    }

    /**
     * What the thread waits for, in the words that fit how it waits: a monitor when it is BLOCKED entering
     * {@code synchronized} or waits in {@code Object.wait()}; otherwise the object it parked on with
     * {@code LockSupport.park(blocker)} (a {@code ReentrantLock}'s queue, a latch, or the learner's own lock).
     */
    static String describeAwaited(ThreadInfo info) {
        LockInfo lock = info.getLockInfo();
        if (lock == null) {
            return "nothing";
        }
        if (info.getThreadState() == Thread.State.BLOCKED || inObjectWait(info.getStackTrace())) {
            return describeMonitor(lock);
        }
        return describeParkedOn(lock);
    }

    private static boolean inObjectWait(StackTraceElement[] frames) {
        return frames.length > 0 && frames[0].getClassName().equals("java.lang.Object")
                && frames[0].getMethodName().startsWith("wait");
    }

    /** "monitor of Account@4554617c (synchronized)": the lock every Java object carries. */
    static String describeMonitor(LockInfo monitor) {
        String className = monitor.getClassName();
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return "monitor of " + simple + "@" + Integer.toHexString(monitor.getIdentityHashCode()) + " (synchronized)";
    }

    /** What a thread parked on: a JDK lock or latch by its own class, anything else (a learner's lock) as parked on. */
    private static String describeParkedOn(LockInfo lock) {
        String name = describeSynchronizer(lock);
        return isJdkInnerClass(lock) ? name : name + " (parked with LockSupport.park)";
    }

    /**
     * "ReentrantLock@1b6d3586 (ReentrantLock$NonfairSync)": the JVM names a JDK lock's inner {@code Sync}
     * object, the reader knows the outer class; any other class by its name, "SimpleMutex$Sync@40fd65a4".
     */
    static String describeSynchronizer(LockInfo lock) {
        String className = lock.getClassName();
        String hash = Integer.toHexString(lock.getIdentityHashCode());
        String nested = className.substring(className.lastIndexOf('.') + 1);
        if (!isJdkInnerClass(lock)) {
            return nested + "@" + hash;
        }
        String outer = nested.endsWith("$ConditionObject") ? "Condition" : nested.substring(0, nested.indexOf('$'));
        return outer + "@" + hash + " (" + nested + ")";
    }

    private static boolean isJdkInnerClass(LockInfo lock) {
        return lock.getClassName().startsWith("java.") && lock.getClassName().indexOf('$') > 0;
    }

    /** Frames of the test machinery and lambda plumbing: they say nothing about the code under test. */
    private static boolean isMachinery(StackTraceElement frame) {
        String className = frame.getClassName();
        return className.startsWith("workshop.testkit.Concurrently") || className.startsWith("workshop.testkit.WorkshopExtension$")
                || className.equals("workshop.testkit.WorkshopExtension") || className.contains("$$Lambda")
                || className.startsWith("jdk.internal.") || className.startsWith("java.lang.invoke.")
                || className.equals("java.util.concurrent.locks.LockSupport")
                || className.startsWith("java.util.concurrent.locks.AbstractQueuedSynchronizer")
                || className.startsWith("java.util.concurrent.locks.ReentrantLock$")
                || className.startsWith("java.util.concurrent.locks.ReentrantReadWriteLock$")
                || (className.equals("java.lang.Thread") && frame.getMethodName().startsWith("run"));
    }

    private static void appendFrames(StringBuilder report, StackTraceElement[] frames, String prefix) {
        int shown = 0;
        for (StackTraceElement frame : frames) {
            if (isMachinery(frame)) {
                continue;
            }
            if (shown == FRAMES_SHOWN) {
                report.append(prefix).append("...\n");
                break;
            }
            report.append(prefix).append(frame).append('\n');
            shown++;
        }
    }
}
