/*
 * Wrong: getThreadInfo(ids, maxDepth) without the lockedMonitors/lockedSynchronizers flags: the report never says which locks a thread holds
 * Rejected by: DeadlockDetectorTest#findsACycleOfThreeThreadsInOrderAndReportsTheLocksEachHolds
 * Message: fills in ThreadInfo.getLockedSynchronizers()
 */
package workshop.pitfalls;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds deadlocked threads in this JVM and describes them, as {@code jstack} does under "Found one
 * Java-level deadlock".
 *
 * <p>Deadlocks over {@code synchronized} monitors and over ownable synchronizers
 * ({@code ReentrantLock}, the write lock of {@code ReentrantReadWriteLock}) are both found, also in
 * cycles that mix the two. Threads in the cycles are grouped by cycle: each thread waits for a lock
 * that the next thread of its cycle holds. Threads that only wait for a deadlocked thread without
 * being part of a cycle are left out.
 *
 * <p>Thread-safe: each call takes a fresh snapshot. A snapshot is not atomic across threads, but a
 * deadlock does not resolve itself, so a cycle found is a real one (unless someone interrupts a thread
 * that waits interruptibly).
 */
public class DeadlockDetector {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** The threads of one deadlock cycle, each waiting for a lock the next one holds. */
    public record DeadlockCycle(List<ThreadInfo> threads) {

        public DeadlockCycle {
            threads = List.copyOf(threads);
        }

        /**
         * One line per thread: its name, the lock it waits for, and the thread that holds that lock,
         * followed by the locks the thread holds.
         */
        public String report() {
            StringBuilder report = new StringBuilder("Deadlock cycle of ").append(threads.size()).append(" threads:\n");
            for (ThreadInfo thread : threads) {
                report.append('"').append(thread.getThreadName()).append("\" waits for ").append(thread.getLockName())
                        .append(" held by \"").append(thread.getLockOwnerName()).append("\"\n");
                List<String> held = new ArrayList<>();
                for (MonitorInfo monitor : thread.getLockedMonitors()) {
                    held.add(monitor.toString() + " (synchronized)");
                }
                for (LockInfo lock : thread.getLockedSynchronizers()) {
                    held.add(lock.toString());
                }
                if (!held.isEmpty()) {
                    report.append("    and holds ").append(String.join(", ", held)).append('\n');
                }
            }
            return report.toString();
        }
    }

    /** Every deadlock cycle in this JVM right now, one {@link DeadlockCycle} per cycle. */
    public List<DeadlockCycle> findDeadlocks() {
        long[] ids = threads.findDeadlockedThreads(); // monitors and ownable synchronizers; null when none
        if (ids == null) {
            return List.of();
        }
        Map<Long, ThreadInfo> byId = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(ids, Integer.MAX_VALUE)) {
            if (info != null) { // null: the thread ended in the meantime
                byId.put(info.getThreadId(), info);
            }
        }
        List<DeadlockCycle> cycles = new ArrayList<>();
        Set<Long> assigned = new HashSet<>();
        for (long id : Arrays.stream(ids).sorted().toArray()) {
            if (assigned.contains(id)) {
                continue;
            }
            List<ThreadInfo> cycle = cycleThrough(id, byId);
            if (!cycle.isEmpty()) {
                cycle.forEach(t -> assigned.add(t.getThreadId()));
                cycles.add(new DeadlockCycle(cycle));
            }
        }
        return List.copyOf(cycles);
    }

    /** The cycle that starts at {@code start} by following "waits for a lock held by", or empty if there is none. */
    private static List<ThreadInfo> cycleThrough(long start, Map<Long, ThreadInfo> byId) {
        List<ThreadInfo> path = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        ThreadInfo current = byId.get(start);
        while (current != null && seen.add(current.getThreadId())) {
            path.add(current);
            current = byId.get(current.getLockOwnerId());
        }
        if (current == null || current.getThreadId() != start) {
            return List.of(); // start only leads into a cycle (or out of the snapshot): not part of one
        }
        return path;
    }
}
