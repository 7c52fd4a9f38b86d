package workshop.pitfalls;

import static org.assertj.core.api.Assertions.assertThat;
import static workshop.pitfalls.support.Refused.assertRefused;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.BlockingCall;
import workshop.testkit.BusyWait;
import workshop.testkit.Concurrently;

/** Exercise 6: README "6. TicketLock". */
public class TicketLockTest {

    private static final int WAITERS = 6;
    private static final int ROUNDS = 3;

    @Test
    void threadsAcquireInTheOrderTheyArrived() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            assertFirstComeFirstServed(round);
        }
    }

    /**
     * The test thread holds the lock while WAITERS threads arrive one by one (each waits before the next
     * starts). Then everyone who gets the lock releases it and asks for it again at once: a barging lock
     * hands it straight back to the thread that just released it, a fair lock puts that thread in line.
     */
    private static void assertFirstComeFirstServed(int round) throws Exception {
        TicketLock lock = new TicketLock();
        Queue<String> acquired = new ConcurrentLinkedQueue<>();
        List<BlockingCall<Void>> waiters = new ArrayList<>();
        lock.lock();
        boolean holding = true;
        try {
            for (int i = 0; i < WAITERS; i++) {
                String name = "waiter-" + i;
                BlockingCall<Void> waiter = BlockingCall.start(name, () -> {
                    lock.lock();
                    acquired.add(name);
                    lock.unlock();
                    lock.lock(); // at once again: must queue behind those already waiting
                    acquired.add(name + " again");
                    lock.unlock();
                    return null;
                });
                waiters.add(waiter);
                // A waiter that has started to wait has drawn its ticket: only then may the next one arrive.
                waiter.assertBlocks("lock() while the lock is held: a thread that has drawn its ticket waits on a"
                        + " Condition until its number is served (README 6)");
            }
            holding = false;
            lock.unlock();
            lock.lock(); // the former holder asks again at once, too
            acquired.add("holder again");
            lock.unlock();
            for (BlockingCall<Void> waiter : waiters) {
                waiter.assertFinishes("every waiter should get the lock once the holder releases it");
            }
        } finally {
            if (holding) {
                lock.unlock();
            }
            for (BlockingCall<Void> waiter : waiters) {
                waiter.close();
            }
        }

        List<String> order = List.copyOf(acquired);
        List<String> expectedStart = new ArrayList<>();
        for (int i = 0; i < WAITERS; i++) {
            expectedStart.add("waiter-" + i);
        }
        assertThat(order.subList(0, WAITERS)).withFailMessage(
                "round %d: %d threads arrived in the order %s, but the lock was taken in the order %s. A thread that"
                        + " releases the lock and asks again at once got ahead of threads that had waited longer"
                        + " (barging). Serve the threads in the order they arrived: each draws a ticket number when"
                        + " it arrives, and the lock serves the numbers in order (README 6).",
                round, WAITERS, expectedStart, order)
                .isEqualTo(expectedStart);
    }

    @Test
    void aWaitingThreadCostsNoCpu() throws Exception {
        TicketLock lock = new TicketLock();
        CountDownLatch aboutToLock = new CountDownLatch(1);
        lock.lock();
        try (BlockingCall<Void> waiter = BlockingCall.start("waiter", () -> {
            aboutToLock.countDown();
            lock.lock();
            lock.unlock();
            return null;
        })) {
            try {
                aboutToLock.await();
                BusyWait.assertWaitsWithoutSpinning(waiter.thread());
            } finally {
                lock.unlock();
            }
            waiter.assertFinishes("the waiter should get the lock once it is released");
        }
    }

    @Test
    void onlyOneThreadAtATimeHoldsTheLock() {
        int threads = 4;
        int iterations = 5_000;
        TicketLock lock = new TicketLock();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        long[] counter = new long[1];

        Concurrently.threads(threads).named("worker").repeat(iterations, (t, i) -> {
            lock.lock();
            try {
                if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                counter[0]++;
                inside.decrementAndGet();
            } finally {
                lock.unlock();
            }
        });

        assertThat(overlaps.get()).withFailMessage(
                "%d times a thread found another one inside the lock: two threads held it at once", overlaps.get())
                .isZero();
        assertThat(counter[0]).withFailMessage("expected %d increments under the lock, saw %d: updates were lost",
                (long) threads * iterations, counter[0]).isEqualTo((long) threads * iterations);
    }

    @Test
    void onlyTheHolderMayUnlock() throws Exception {
        TicketLock lock = new TicketLock();
        assertRefused("unlock() of a lock nobody holds", IllegalMonitorStateException.class, null, lock::unlock);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (BlockingCall<Void> holder = BlockingCall.start("holder", () -> {
            lock.lock();
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
                assertRefused("unlock() by a thread that does not hold the lock (only the holder may unlock: remember"
                        + " who holds it)", IllegalMonitorStateException.class, null, lock::unlock);
            } finally {
                release.countDown();
            }
            holder.assertFinishes("the holder should release the lock");
        }
        lock.lock(); // still a working lock: the failed unlock() changed nothing
        lock.unlock();
    }

    @Test
    void theFormerHolderMayNotUnlockASecondTime() throws Exception {
        TicketLock lock = new TicketLock();
        lock.lock();
        lock.unlock();
        assertRefused("a second unlock() by the thread that has just released the lock (nobody holds it now: when the"
                + " holder unlocks, forget who held it)", IllegalMonitorStateException.class, null, lock::unlock);
        BlockingCall.within("lock() after the refused unlock()", BlockingCall.PATIENCE, "nobody holds the lock, so"
                + " lock() must get it at once: the refused unlock() must change nothing (a second unlock() that served"
                + " the next ticket has skipped the ticket of the next thread to arrive, which now waits forever)",
                () -> {
                    lock.lock();
                    lock.unlock();
                });
    }

    @Test
    void anInterruptWhileWaitingIsRememberedWhenLockReturns() throws Exception {
        TicketLock lock = new TicketLock();
        lock.lock();
        boolean holding = true;
        try (BlockingCall<Boolean> waiter = BlockingCall.start("waiter", () -> {
            lock.lock();
            try {
                return Thread.currentThread().isInterrupted();
            } finally {
                lock.unlock();
            }
        })) {
            try {
                waiter.assertBlocks("lock() while the lock is held: the thread waits for its ticket to be served");
                waiter.thread().interrupt();
                // The waiter takes the interrupt when its wait ends with InterruptedException (which clears the
                // status); only then is it released, so that the interrupt is not simply still pending when lock()
                // returns. A solution that never clears the status while it waits is released after the bound.
                awaitInterruptTaken(waiter.thread(), BlockingCall.PATIENCE);
                holding = false;
                lock.unlock();
            } finally {
                if (holding) {
                    lock.unlock();
                }
            }
            boolean interrupted = waiter.assertFinishes("the waiter should get the lock once it is released");
            assertThat(interrupted).withFailMessage(
                    "\"waiter\" was interrupted while it waited in lock(), got the lock when it was released, and"
                            + " returned from lock() with its interrupt status clear: the interrupt was swallowed."
                            + " lock() is not interruptible, but it must not lose the interrupt: keep the ticket, note"
                            + " the InterruptedException, wait on, and call Thread.currentThread().interrupt() before"
                            + " lock() returns (README 6)")
                    .isTrue();
        }
    }

    /**
     * Waits (at most {@code limit}) until {@code thread}'s interrupt status is clear again and it waits: it has
     * taken the interrupt (an InterruptedException) and waits on.
     */
    private static void awaitInterruptTaken(Thread thread, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (thread.isInterrupted() || !isWaiting(thread.getState())) {
            if (System.nanoTime() - deadline > 0) {
                return;
            }
            LockSupport.parkNanos(1_000_000); // a polling interval, not synchronization
        }
    }

    private static boolean isWaiting(Thread.State state) {
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED;
    }
}
