package workshop.pitfalls;

import java.lang.management.ThreadInfo;
import java.util.List;

/**
 * Exercise 3 (README: "3. DeadlockDetector"). Build what {@code jstack} does when it prints "Found one
 * Java-level deadlock": ask the JVM which threads are deadlocked, split them into cycles, and describe
 * each cycle so a person can see who holds what and who waits for whom.
 *
 * <p>Find deadlocks over {@code java.util.concurrent} locks and over {@code synchronized} monitors
 * alike. Each {@link DeadlockCycle} holds the threads of one cycle, and nothing else: two independent
 * deadlocks are two cycles. No deadlock: an empty list.
 *
 * <p>{@link DeadlockCycle#report()} has one line per thread of the cycle that names the thread, the
 * lock it waits for (class name and identity hash, as {@code java.lang.management.LockInfo} prints it:
 * {@code java.util.concurrent.locks.ReentrantLock$NonfairSync@1b6d3586}) and the thread that holds that
 * lock, for example:
 * <pre>
 * "alice" waits for java.util.concurrent.locks.ReentrantLock$NonfairSync@1b6d3586 held by "bob"
 * </pre>
 * Start with {@code java.lang.management.ManagementFactory.getThreadMXBean()}.
 */
public class DeadlockDetector {

    /** The threads of one deadlock cycle, each waiting for a lock the next one holds. */
    public record DeadlockCycle(List<ThreadInfo> threads) {

        /**
         * One line per thread: its name, the lock it waits for, and the thread that holds that lock,
         * followed by the locks the thread holds (as {@code LockInfo} prints them).
         */
        public String report() {
            throw new UnsupportedOperationException("TODO 05-pitfalls exercise 3: DeadlockCycle.report()");
        }
    }

    /** Every deadlock cycle in this JVM right now, one {@link DeadlockCycle} per cycle. */
    public List<DeadlockCycle> findDeadlocks() {
        throw new UnsupportedOperationException("TODO 05-pitfalls exercise 3: DeadlockDetector.findDeadlocks()");
    }
}
