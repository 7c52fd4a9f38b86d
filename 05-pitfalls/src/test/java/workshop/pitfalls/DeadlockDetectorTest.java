package workshop.pitfalls;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.pitfalls.DeadlockDetector.DeadlockCycle;
import workshop.testkit.BlockingCall;
import workshop.testkit.DeadlocksOnPurpose;

/**
 * Exercise 3: README "3. DeadlockDetector". These tests make real deadlocks and break them again: every
 * deadlocked thread waits for at least one lock interruptibly ({@code lockInterruptibly}), so interrupting
 * it frees the cycle. (A cycle of {@code synchronized} blocks alone could never be undone: a thread
 * blocked on entering a monitor ignores interrupts. That is why the "monitor" test uses a cycle of one
 * monitor and one lock.) Other deadlocks in this JVM (say, from a bank that still deadlocks) may be
 * visible too; the tests only look at cycles with their own threads.
 */
@DeadlocksOnPurpose("the detector needs real deadlocks to find; each test breaks its own by interrupting its threads")
public class DeadlockDetectorTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void findsADeadlockOverTwoReentrantLocks() throws Exception {
        try (Deadlock deadlock = Deadlock.overTwoLocks("alice", "bob")) {
            List<DeadlockCycle> cycles = cyclesWith(new DeadlockDetector().findDeadlocks(), deadlock);

            assertOneCycleOfExactly(cycles, deadlock);
            assertReportNamesWhoWaitsForWhat(cycles.get(0).report(), deadlock);
            assertThat(cycles.get(0).report()).withFailMessage(
                    "the report should name the lock class (ReentrantLock), it was:%n%s", cycles.get(0).report())
                    .contains("ReentrantLock");
        }
    }

    @Test
    void findsADeadlockOverASynchronizedMonitorAndALock() throws Exception {
        try (Deadlock deadlock = Deadlock.overAMonitorAndALock("carol", "dave")) {
            List<DeadlockCycle> cycles = cyclesWith(new DeadlockDetector().findDeadlocks(), deadlock);

            assertOneCycleOfExactly(cycles, deadlock);
            String report = cycles.get(0).report();
            assertReportNamesWhoWaitsForWhat(report, deadlock);
            String monitor = deadlock.monitor.getClass().getName() + "@"
                    + Integer.toHexString(System.identityHashCode(deadlock.monitor));
            assertThat(report).withFailMessage(
                    "\"dave\" waits to enter synchronized (%s) while \"carol\" is inside; the report should name that"
                            + " monitor (class and identity hash), it was:%n%s", monitor, report)
                    .contains(monitor);
        }
    }

    @Test
    void leavesOutAThreadThatOnlyWaitsForADeadlockedThread() throws Exception {
        // mallory waits for a lock that alice holds: she is stuck behind the deadlock (the JVM lists her
        // among the deadlocked threads), but she is not part of the cycle.
        try (Deadlock deadlock = Deadlock.overTwoLocks("alice", "bob");
                BlockingCall<Void> mallory = BlockingCall.start("mallory", () -> {
                    deadlock.locks.get(0).lockInterruptibly();
                    deadlock.locks.get(0).unlock();
                    return null;
                })) {
            long alice = deadlock.threads.get(0).threadId();
            boolean waiting = eventually(() -> {
                ThreadInfo info = THREADS.getThreadInfo(mallory.thread().threadId());
                return info != null && info.getLockOwnerId() == alice;
            }, BlockingCall.PATIENCE);
            assertThat(waiting).withFailMessage("test setup: \"mallory\" did not start waiting for alice's lock within %d"
                    + " ms. %s", BlockingCall.PATIENCE.toMillis(), workshop.testkit.TimeFactor.hint()).isTrue();

            List<DeadlockCycle> all = new DeadlockDetector().findDeadlocks();

            List<DeadlockCycle> withMallory = all.stream().filter(c -> c.threads().stream()
                    .anyMatch(t -> t.getThreadId() == mallory.thread().threadId())).toList();
            assertThat(withMallory).withFailMessage(
                    "\"mallory\" waits for a lock that \"alice\" holds, but nobody waits for mallory: she is stuck"
                            + " behind the cycle, not part of it. findDeadlockedThreads() lists such threads too; follow"
                            + " the lock owners to find which threads form the cycle. Found %s", describe(withMallory))
                    .isEmpty();
            assertOneCycleOfExactly(cyclesWith(all, deadlock), deadlock);
        }
    }

    @Test
    void separatesTwoIndependentDeadlocksIntoTwoCycles() throws Exception {
        try (Deadlock first = Deadlock.overTwoLocks("erin", "frank");
                Deadlock second = Deadlock.overAMonitorAndALock("grace", "heidi")) {
            List<DeadlockCycle> all = new DeadlockDetector().findDeadlocks();

            List<DeadlockCycle> withFirst = cyclesWith(all, first);
            List<DeadlockCycle> withSecond = cyclesWith(all, second);
            assertOneCycleOfExactly(withFirst, first);
            assertOneCycleOfExactly(withSecond, second);
        }
    }

    @Test
    void findsACycleOfThreeThreadsInOrderAndReportsTheLocksEachHolds() throws Exception {
        // ken holds lock 1 and waits for lock 2, which lena holds; lena waits for lock 3, which mike holds; mike
        // waits for lock 1, which ken holds.
        try (Deadlock deadlock = Deadlock.inACircle("ken", "lena", "mike")) {
            List<DeadlockCycle> cycles = cyclesWith(new DeadlockDetector().findDeadlocks(), deadlock);

            assertThat(cycles).withFailMessage(
                    "%s are deadlocked in a circle (each waits for a lock the next one holds, and the last for the"
                            + " first one's lock): expected one cycle with all three, found %s. A cycle can have any"
                            + " length: follow \"waits for a lock held by\" from thread to thread until you are back at"
                            + " the start.", deadlock.names(), describe(cycles))
                    .hasSize(1);
            List<ThreadInfo> cycle = cycles.get(0).threads();
            Set<Long> ids = cycle.stream().map(ThreadInfo::getThreadId).collect(Collectors.toSet());
            assertThat(ids).withFailMessage("the cycle of %s should hold exactly those three threads, it holds %s: one"
                    + " DeadlockCycle per cycle, with every thread of that cycle and no other", deadlock.names(),
                    describe(cycles)).isEqualTo(deadlock.ids());
            for (int i = 0; i < cycle.size(); i++) {
                ThreadInfo thread = cycle.get(i);
                ThreadInfo next = cycle.get((i + 1) % cycle.size());
                assertThat(thread.getLockOwnerId()).withFailMessage(
                        "the cycle lists its threads in the order %s, but \"%s\" waits for a lock held by \"%s\", not"
                                + " by \"%s\", the thread after it: list each thread before the holder of the lock it"
                                + " waits for (the order in which you follow \"held by\"), so that the cycle reads"
                                + " as a chain", describe(cycles), thread.getThreadName(), thread.getLockOwnerName(),
                        next.getThreadName())
                        .isEqualTo(next.getThreadId());
            }
            String report = cycles.get(0).report();
            assertReportNamesWhoWaitsForWhat(report, deadlock);
            assertReportNamesTheLocksEachThreadHolds(report, deadlock);
        }
    }

    @Test
    void findsNoDeadlockWhereThreadsOnlyWaitInLine() throws Exception {
        // ivan holds a lock and waits for a latch; judy waits for ivan's lock: judy is blocked, but it is a
        // queue, not a cycle (ivan can go on as soon as the latch opens).
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (BlockingCall<Void> ivan = BlockingCall.start("ivan", () -> {
            lock.lockInterruptibly();
            try {
                holding.countDown();
                release.await();
            } finally {
                lock.unlock();
            }
            return null;
        })) {
            try {
                holding.await();
                try (BlockingCall<Void> judy = BlockingCall.start("judy", () -> {
                    lock.lockInterruptibly();
                    lock.unlock();
                    return null;
                })) {
                    judy.assertBlocks("test setup: \"judy\" waits for the lock \"ivan\" holds");
                    ivan.assertBlocks("test setup: \"ivan\" waits for a latch");
                    Set<Long> ours = Set.of(ivan.thread().threadId(), judy.thread().threadId());

                    List<DeadlockCycle> cycles = new DeadlockDetector().findDeadlocks();

                    List<DeadlockCycle> wrong = cycles.stream()
                            .filter(c -> c.threads().stream().anyMatch(t -> ours.contains(t.getThreadId()))).toList();
                    assertThat(wrong).withFailMessage(
                            "\"judy\" waits for a lock that \"ivan\" holds, and \"ivan\" waits for a latch, not a lock:"
                                    + " that is no deadlock, but the detector reported %s", describe(wrong))
                            .isEmpty();
                    release.countDown();
                }
            } finally {
                release.countDown();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------

    /** The cycles that contain at least one of the deadlock's threads. */
    private static List<DeadlockCycle> cyclesWith(List<DeadlockCycle> cycles, Deadlock deadlock) {
        assertThat(cycles).withFailMessage("findDeadlocks() returned null; no deadlock is an empty list").isNotNull();
        Set<Long> ours = deadlock.ids();
        return cycles.stream().filter(c -> c.threads().stream().anyMatch(t -> ours.contains(t.getThreadId()))).toList();
    }

    private static void assertOneCycleOfExactly(List<DeadlockCycle> cycles, Deadlock deadlock) {
        assertThat(cycles).withFailMessage(
                "\"%s\" and \"%s\" are deadlocked (each holds the lock the other waits for): expected one cycle with"
                        + " both, found %s", deadlock.names().get(0), deadlock.names().get(1), describe(cycles))
                .hasSize(1);
        Set<Long> ids = cycles.get(0).threads().stream().map(ThreadInfo::getThreadId).collect(Collectors.toSet());
        assertThat(ids).withFailMessage(
                "the cycle of %s should hold exactly those two threads, it holds %s: one DeadlockCycle per cycle, with"
                        + " every thread of that cycle and no other", deadlock.names(), describe(cycles))
                .isEqualTo(deadlock.ids());
    }

    /** Every thread's line names the thread, the lock it waits for, and that lock's holder. */
    private static void assertReportNamesWhoWaitsForWhat(String report, Deadlock deadlock) {
        assertThat(report).withFailMessage("report() returned null").isNotNull();
        List<String> lines = Arrays.asList(report.split("\\R"));
        for (Thread thread : deadlock.threads) {
            ThreadInfo info = THREADS.getThreadInfo(thread.threadId());
            String name = '"' + thread.getName() + '"';
            String lock = info.getLockName();
            String owner = '"' + info.getLockOwnerName() + '"';
            boolean found = lines.stream().anyMatch(l -> l.contains(name) && l.contains(lock) && l.indexOf(owner,
                    l.indexOf(lock)) >= 0);
            if (!found) {
                throw new AssertionFailedError("the report should have a line that names " + name + ", the lock it waits"
                        + " for (" + lock + ") and, after it, the holder of that lock (" + owner + "), for example:\n  "
                        + name + " waits for " + lock + " held by " + owner + "\nThe report was:\n" + report
                        + "\n(ThreadInfo has getThreadName(), getLockName() and getLockOwnerName().)");
            }
        }
    }

    /**
     * After each thread's line (up to the next thread's line) the report names the locks the thread holds, as
     * {@code LockInfo} prints them.
     */
    private static void assertReportNamesTheLocksEachThreadHolds(String report, Deadlock deadlock) {
        List<String> lines = Arrays.asList(report.split("\\R"));
        // Where each thread's entry starts: its line as assertReportNamesWhoWaitsForWhat finds it.
        List<Integer> starts = new ArrayList<>();
        for (Thread thread : deadlock.threads) {
            starts.add(lineOf(lines, thread));
        }
        for (int t = 0; t < deadlock.threads.size(); t++) {
            Thread thread = deadlock.threads.get(t);
            String name = '"' + thread.getName() + '"';
            ThreadInfo info = THREADS.getThreadInfo(new long[] {thread.threadId()}, true, true)[0];
            List<String> held = Arrays.stream(info.getLockedSynchronizers()).map(Object::toString).toList();
            int first = starts.get(t);
            int end = lines.size();
            for (int start : starts) {
                if (start > first && start < end) {
                    end = start;
                }
            }
            String entry = first < 0 ? "" : String.join("\n", lines.subList(first, end));
            // The thread's own line names the lock it waits for; what it holds is other locks.
            for (String lock : held) {
                if (!entry.contains(lock)) {
                    throw new AssertionFailedError("the report should say, on " + name + "'s line or the lines after it"
                            + " (before the next thread's line), which locks " + name + " holds: it holds " + lock
                            + ", and a person reading the report needs \"who holds what\" as much as \"who waits for"
                            + " what\", for example:\n  " + name + " waits for ... held by ...\n      and holds " + lock
                            + "\nThe report was:\n" + report + "\n(getThreadInfo(ids, true, true) fills in"
                            + " ThreadInfo.getLockedSynchronizers() and getLockedMonitors(); without those two flags they"
                            + " are empty.)");
                }
            }
        }
    }

    /** The index of the line that names {@code thread}, the lock it waits for and after it that lock's holder, or -1. */
    private static int lineOf(List<String> lines, Thread thread) {
        ThreadInfo info = THREADS.getThreadInfo(thread.threadId());
        String name = '"' + thread.getName() + '"';
        String lock = info.getLockName();
        String owner = '"' + info.getLockOwnerName() + '"';
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.contains(name) && l.contains(lock) && l.indexOf(owner, l.indexOf(lock)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Polls {@code condition} every millisecond until it holds or {@code limit} has passed; returns whether it held. */
    private static boolean eventually(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(1_000_000); // a polling interval, not synchronization
        }
        return true;
    }

    private static String describe(List<DeadlockCycle> cycles) {
        if (cycles.isEmpty()) {
            return "none";
        }
        return cycles.stream().map(c -> c.threads().stream().map(t -> '"' + t.getThreadName() + '"')
                .collect(Collectors.joining(", ", "[", "]"))).collect(Collectors.joining(", ", cycles.size() + " cycle(s): ", ""));
    }

    /**
     * Threads in a real deadlock, each holding what another waits for. At least one of them waits
     * interruptibly, so {@link #close()} can break the cycle by interrupting both, and joins them.
     */
    private static final class Deadlock implements AutoCloseable {

        final List<Thread> threads = new ArrayList<>();
        final List<ReentrantLock> locks = new ArrayList<>();
        final Object monitor = new Object();
        private final List<BlockingCall<Void>> workers = new ArrayList<>();
        private final CountDownLatch allHoldTheirFirstLock;

        Deadlock() {
            this(2);
        }

        Deadlock(int threads) {
            allHoldTheirFirstLock = new CountDownLatch(threads);
        }

        /** {@code a} holds lock 1 and waits for lock 2; {@code b} holds lock 2 and waits for lock 1. */
        static Deadlock overTwoLocks(String a, String b) throws InterruptedException {
            ReentrantLock lock1 = new ReentrantLock();
            ReentrantLock lock2 = new ReentrantLock();
            Deadlock d = new Deadlock();
            d.locks.add(lock1);
            d.locks.add(lock2);
            d.start(a, () -> d.lockBoth(lock1, lock2));
            d.start(b, () -> d.lockBoth(lock2, lock1));
            d.awaitFormed();
            return d;
        }

        /**
         * Thread {@code i} holds lock {@code i} and waits for lock {@code i + 1}, which thread {@code i + 1} holds;
         * the last thread waits for lock 0.
         */
        static Deadlock inACircle(String... names) throws InterruptedException {
            Deadlock d = new Deadlock(names.length);
            for (int i = 0; i < names.length; i++) {
                d.locks.add(new ReentrantLock());
            }
            for (int i = 0; i < names.length; i++) {
                ReentrantLock first = d.locks.get(i);
                ReentrantLock second = d.locks.get((i + 1) % names.length);
                d.start(names[i], () -> d.lockBoth(first, second));
            }
            d.awaitFormed();
            return d;
        }

        /**
         * {@code a} is inside {@code synchronized (monitor)} and waits for a lock (interruptibly); {@code b}
         * holds that lock and waits to enter the monitor. Interrupting {@code a} breaks the cycle: it leaves
         * the monitor, {@code b} enters, finishes and releases the lock.
         */
        static Deadlock overAMonitorAndALock(String a, String b) throws InterruptedException {
            ReentrantLock lock = new ReentrantLock();
            Deadlock d = new Deadlock();
            d.start(a, () -> {
                synchronized (d.monitor) {
                    d.holdingFirst();
                    lock.lockInterruptibly();
                    lock.unlock();
                }
            });
            d.start(b, () -> {
                lock.lockInterruptibly();
                try {
                    d.holdingFirst();
                    synchronized (d.monitor) {
                        d.monitor.hashCode(); // entered: the cycle is broken
                    }
                } finally {
                    lock.unlock();
                }
            });
            d.awaitFormed();
            return d;
        }

        private interface Body {
            void run() throws InterruptedException;
        }

        private void start(String name, Body body) {
            BlockingCall<Void> worker = BlockingCall.start(name, () -> {
                body.run();
                return null;
            });
            workers.add(worker);
            threads.add(worker.thread());
        }

        private void lockBoth(ReentrantLock first, ReentrantLock second) throws InterruptedException {
            first.lockInterruptibly();
            try {
                holdingFirst();
                second.lockInterruptibly();
                second.unlock();
            } finally {
                first.unlock();
            }
        }

        private void holdingFirst() throws InterruptedException {
            allHoldTheirFirstLock.countDown();
            allHoldTheirFirstLock.await();
        }

        /** Waits until each thread waits for a lock the next one holds (the last one for the first one's). */
        private void awaitFormed() throws InterruptedException {
            boolean formed = eventually(() -> {
                for (int i = 0; i < threads.size(); i++) {
                    if (!waitsFor(threads.get(i).threadId(), threads.get((i + 1) % threads.size()).threadId())) {
                        return false;
                    }
                }
                return true;
            }, BlockingCall.PATIENCE);
            if (!formed) {
                close();
                throw new AssertionFailedError("test setup: the deadlock of " + names() + " did not form within "
                        + BlockingCall.PATIENCE.toMillis() + " ms. " + workshop.testkit.TimeFactor.hint());
            }
        }

        private static boolean waitsFor(long waiter, long holder) {
            ThreadInfo info = THREADS.getThreadInfo(waiter);
            return info != null && info.getLockOwnerId() == holder;
        }

        Set<Long> ids() {
            return threads.stream().map(Thread::threadId).collect(Collectors.toSet());
        }

        List<String> names() {
            return threads.stream().map(Thread::getName).toList();
        }

        @Override
        public void close() {
            threads.forEach(Thread::interrupt);
            for (BlockingCall<Void> worker : workers) {
                worker.close();
            }
        }
    }
}
