package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.BusyWait;
import workshop.testkit.Concurrently;
import workshop.testkit.LincheckBudget;
import workshop.testkit.BlockingCall;
import workshop.testkit.Timeouts;
import workshop.testkit.TimeLimit;

/**
 * What every lock in this module must do: {@link SimpleMutexTest} and {@link SimpleReentrantLockTest}
 * run these tests against their lock, and add their own.
 */
@SuppressWarnings("this-escape")
public abstract class MutualExclusionContract {

    /** The operations the two lock exercises share. */
    public interface LockUnderTest {
        void lock();

        boolean tryLock();

        boolean tryLock(Duration timeout) throws InterruptedException;

        void unlock();

        boolean isHeldByCurrentThread();
    }

    abstract LockUnderTest newLock();

    /** The name learners see in messages. */
    abstract String lockName();

    private static final int THREADS = 8;
    private static final int ACQUISITIONS_PER_THREAD = 20_000;

    @Test
    void onlyOneThreadHoldsTheLockAtATime() {
        LockUnderTest lock = newLock();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInsideAtOnce = new AtomicInteger();
        long[] unguardedCounter = {0};

        Concurrently.threads(THREADS).named("locker").repeat(ACQUISITIONS_PER_THREAD, (t, i) -> {
            lock.lock();
            try {
                mostInsideAtOnce.accumulateAndGet(inside.incrementAndGet(), Math::max);
                unguardedCounter[0]++;
                inside.decrementAndGet();
            } finally {
                try {
                    lock.unlock();
                } catch (IllegalMonitorStateException e) {
                    throw new AssertionError("unlock() by the thread that had just taken the lock threw " + e
                            + ": another thread took the lock while this one held it", e);
                }
            }
        });

        long expected = (long) THREADS * ACQUISITIONS_PER_THREAD;
        assertThat(mostInsideAtOnce.get()).withFailMessage(
                "%d threads were inside the lock at the same time; a lock must let exactly one in. Two threads saw the"
                        + " lock free and both took it: 'if free then take' must be one atomic step (compareAndSet).",
                mostInsideAtOnce.get()).isEqualTo(1);
        assertThat(unguardedCounter[0]).withFailMessage(
                "a counter incremented only while holding the lock ended at %d, expected %d: %d increments were lost,"
                        + " so the lock did not exclude other threads (or did not publish the writes made under it).",
                unguardedCounter[0], expected, expected - unguardedCounter[0]).isEqualTo(expected);
    }

    // Lincheck model checking: it runs criticalSection() from several threads and switches between them
    // at every shared-memory access, exploring interleavings systematically. It finds the interleaving in
    // which two threads both see the lock free and both take it, if there is one, and prints it.

    private final LockUnderTest lockForLincheck = newLock();
    private final AtomicBoolean someoneInside = new AtomicBoolean();

    /** Returns false if another thread was inside the critical section at the same time. */
    @Operation
    public boolean criticalSection() {
        if (!lockForLincheck.tryLock()) {
            return true;
        }
        try {
            boolean alone = someoneInside.compareAndSet(false, true);
            someoneInside.set(false);
            return alone;
        } finally {
            lockForLincheck.unlock();
        }
    }

    @Test
    @TimeLimit(60)
    void tryLockNeverLetsTwoThreadsInUnderAnyInterleaving() {
        LockUnderTest lock = newLock();
        assertThat(lock.tryLock()).withFailMessage("tryLock() of a new, free %s returned false", lockName()).isTrue();
        lock.unlock();
        LincheckBudget.check(LincheckBudget.modelChecking(), getClass(), "Lincheck found an interleaving, printed below step by step, in which two threads were inside the "
                + lockName() + " at once (criticalSection() returned false): both saw the lock free and both took"
                + " it. 'If free then take' must be one atomic step: compareAndSet the owner from null.");
    }

    @Test
    void tryLockFailsWhileAnotherThreadHoldsTheLock() {
        LockUnderTest lock = newLock();
        lock.lock();
        try {
            boolean otherTook = inAnotherThread("tryLock() never waits.", lock::tryLock);
            assertThat(otherTook).withFailMessage("tryLock() in another thread returned true while this thread held the"
                    + " %s: two threads would be inside at once. Take the lock only if nobody holds it.", lockName())
                    .isFalse();
            boolean otherHolds = inAnotherThread("isHeldByCurrentThread() never waits.", lock::isHeldByCurrentThread);
            assertThat(otherHolds).withFailMessage("isHeldByCurrentThread() returned true in a thread that does not hold"
                    + " the %s: compare the owner with Thread.currentThread().", lockName()).isFalse();
            assertThat(lock.isHeldByCurrentThread()).withFailMessage("isHeldByCurrentThread() returned false in the"
                    + " thread that had just taken the %s with lock(): remember the owner when you take it.", lockName())
                    .isTrue();
        } finally {
            lock.unlock();
        }
        assertThat(lock.isHeldByCurrentThread()).withFailMessage("isHeldByCurrentThread() returned true after unlock():"
                + " unlock() must clear the owner.").isFalse();
        assertThat(inAnotherThread("tryLock() never waits.", () -> takeAndRelease(lock))).withFailMessage(
                "tryLock() in another thread returned false after the %s was released: unlock() must make it free"
                        + " again.", lockName()).isTrue();
    }

    @Test
    void unlockByAThreadThatDoesNotHoldTheLockThrowsAndChangesNothing() {
        LockUnderTest lock = newLock();
        Throwable onFreeLock = catchThrowable(lock::unlock);
        assertThat(onFreeLock).withFailMessage("unlock() of a free %s %s: it must throw IllegalMonitorStateException."
                + " Nobody holds the lock, so nobody may release it: check the owner before you release.", lockName(),
                onFreeLock == null ? "returned normally" : "threw " + onFreeLock)
                .isInstanceOf(IllegalMonitorStateException.class);
        lock.lock();
        Throwable thrown;
        boolean stillHeld;
        boolean thirdThreadGotIn;
        try {
            thrown = inAnotherThread("unlock() never waits.", () -> catchThrowable(lock::unlock));
            stillHeld = lock.isHeldByCurrentThread();
            thirdThreadGotIn = inAnotherThread("tryLock() never waits.", () -> takeAndRelease(lock));
        } finally {
            if (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
        }
        assertThat(thrown).withFailMessage(
                "unlock() by a thread that does not hold the lock must throw IllegalMonitorStateException, but it %s."
                        + " Otherwise any thread can release a lock that protects someone else's work: check the owner.",
                thrown == null ? "returned normally" : "threw " + thrown).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(stillHeld).withFailMessage(
                "after another thread's unlock() attempt, the holder no longer holds the lock: a refused unlock() must"
                        + " change nothing (check the owner before you touch anything)").isTrue();
        assertThat(thirdThreadGotIn).withFailMessage(
                "after another thread's unlock() attempt, a third thread could take the lock: it was released by a"
                        + " thread that did not hold it").isFalse();
    }

    @Test
    void timedTryLockGivesUpAfterAboutTheTimeout() {
        LockUnderTest lock = newLock();
        Duration timeout = Duration.ofMillis(300);
        lock.lock();
        try {
            BlockingCall.Timed<Boolean> waited = BlockingCall.timed("timed-waiter", BlockingCall.PATIENCE.plus(timeout),
                    "tryLock(300 ms) of a lock another thread holds must give up soon after 300 ms.",
                    () -> lock.tryLock(timeout));
            long elapsedMs = waited.elapsed().toMillis();
            assertThat(waited.value()).withFailMessage("tryLock(%s) returned true while another thread held the lock",
                    timeout).isFalse();
            assertThat(elapsedMs).withFailMessage(
                    "tryLock(300 ms) gave up after %d ms: it must wait (about) the whole timeout before it returns false",
                    elapsedMs).isGreaterThanOrEqualTo(270);
        } finally {
            lock.unlock();
        }
    }

    @Test
    void timedTryLockTakesTheLockWhenItIsReleasedInTime() {
        LockUnderTest lock = newLock();
        lock.lock();
        BlockingCall<Boolean> waiter = BlockingCall.start("timed-waiter", () -> takeAndRelease(lock, Duration.ofSeconds(30)));
        try (waiter) {
            try {
                waiter.assertBlocks("tryLock(30 s) of a lock another thread holds");
            } finally {
                lock.unlock();
            }
            assertThat(waiter.assertFinishes("unlock() did not let in the thread waiting in tryLock(30 s): does unlock()"
                    + " wake a waiter?")).withFailMessage(
                    "a thread in tryLock(30 s) did not get the lock after it was released").isTrue();
        }
    }

    @Test
    void unlockLetsAWaitingThreadIn() {
        LockUnderTest lock = newLock();
        lock.lock();
        BlockingCall<Void> waiter = BlockingCall.run("waiter", () -> {
            lock.lock();
            lock.unlock();
        });
        try (waiter) {
            try {
                waiter.assertBlocks("lock() of a lock another thread holds");
            } finally {
                lock.unlock();
            }
            waiter.assertFinishes("a thread waiting in lock() was not let in after unlock(): the wake-up was lost. Does"
                    + " unlock() wake a waiter, and can a waiter miss a wake-up that comes just before it starts to wait?");
        }
    }

    @Test
    void aWaitingThreadSleepsInsteadOfSpinning() throws Exception {
        LockUnderTest lock = newLock();
        lock.lock();
        CountDownLatch aboutToLock = new CountDownLatch(1);
        BlockingCall<Void> waiter = BlockingCall.run("waiter", () -> {
            aboutToLock.countDown();
            lock.lock();
            lock.unlock();
        });
        try (waiter) {
            try {
                aboutToLock.await();
                BusyWait.assertWaitsWithoutSpinning(waiter.thread());
            } finally {
                lock.unlock();
            }
            waiter.assertFinishes("a thread waiting in lock() was not let in after unlock().");
        }
    }

    @Test
    void anInterruptedWaiterInLockSleepsOnAndKeepsTheInterrupt() {
        LockUnderTest lock = newLock();
        lock.lock();
        BlockingCall<Boolean> waiter = BlockingCall.start("interrupted-waiter", () -> {
            lock.lock();
            boolean interruptKept = Thread.currentThread().isInterrupted();
            lock.unlock();
            return interruptKept;
        });
        try (waiter) {
            try {
                waiter.assertBlocks("lock() of a lock another thread holds");
                waiter.thread().interrupt();
                try {
                    waiter.assertBlocks("lock() of a lock another thread holds, after an interrupt: lock() cannot be"
                            + " interrupted, so the thread must go back to sleep");
                    BusyWait.assertWaitsWithoutSpinning(waiter.thread());
                } catch (AssertionFailedError e) {
                    if (waiter.isDone()) {
                        throw new AssertionFailedError("A thread waiting in lock() of the " + lockName() + " was"
                                + " interrupted, and lock() ended while another thread still held the lock: lock() cannot"
                                + " be interrupted; it waits until it has the lock, and keeps the interrupt for later.\n"
                                + e.getMessage(), e);
                    }
                    throw new AssertionFailedError("A thread waiting in lock() of the " + lockName() + " was interrupted"
                            + " and then kept running instead of sleeping: while the interrupt status is set,"
                            + " LockSupport.park() returns at once, so a loop around it spins. lock() cannot be"
                            + " interrupted, but it must not ignore the interrupt either: clear it with"
                            + " Thread.interrupted(), remember it, park again, and set it again"
                            + " (Thread.currentThread().interrupt()) when lock() returns.\n" + e.getMessage(), e);
                }
            } finally {
                lock.unlock();
            }
            boolean interruptKept = waiter.assertFinishes("a thread waiting in lock() was interrupted, and after unlock()"
                    + " it did not get the lock: an interrupt must not stop lock() from taking the lock once it is free.");
            assertThat(interruptKept).withFailMessage("a thread interrupted while it waited in lock() of the %s got the"
                    + " lock, but its interrupt status was no longer set when lock() returned: the interrupt was lost."
                    + " lock() cannot be interrupted, so it must keep the interrupt for the caller: if you clear it with"
                    + " Thread.interrupted() to park again, remember it and call Thread.currentThread().interrupt()"
                    + " before lock() returns.", lockName()).isTrue();
        }
    }

    /**
     * How often {@link #aTimedWaiterThatLeavesWithoutTheLockPassesTheWakeUpOn} plays its race. The unlock() comes
     * right after the interrupt, so it nearly always finds the interrupted timed waiter still first in the queue and
     * wakes it, not the next waiter; a few rounds make sure that happens at least once. A correct lock passes every
     * round, whichever comes first.
     */
    private static final int WAKE_UP_ROUNDS = 20;

    @Test
    void aTimedWaiterThatLeavesWithoutTheLockPassesTheWakeUpOn() {
        LockUnderTest lock = newLock();
        for (int round = 1; round <= WAKE_UP_ROUNDS; round++) {
            lock.lock();
            BlockingCall<Boolean> timedWaiter = BlockingCall.start("timed-waiter", () -> {
                try {
                    return takeAndRelease(lock, Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    return false;
                }
            });
            try (timedWaiter) {
                BlockingCall<Void> waiter;
                try {
                    timedWaiter.assertBlocks("tryLock(30 s) of a lock another thread holds");
                    waiter = BlockingCall.run("waiter", () -> {
                        lock.lock();
                        lock.unlock();
                    });
                } catch (RuntimeException | Error e) {
                    lock.unlock();
                    throw e;
                }
                try (waiter) {
                    try {
                        waiter.assertBlocks("lock() of a lock another thread holds");
                        timedWaiter.thread().interrupt(); // the timed waiter will leave without the lock ...
                    } finally {
                        lock.unlock(); // ... and this unlock() most likely wakes it before it has left the queue
                    }
                    waiter.assertFinishes("in round " + round + ", a thread waiting in lock() behind a thread waiting in"
                            + " tryLock(30 s) never got the free " + lockName() + ". unlock() woke the first waiter, the"
                            + " timed one; it had just been interrupted and left without the lock, and nobody woke the"
                            + " next waiter, which now sleeps on a free lock. A thread that leaves a timed tryLock without"
                            + " the lock (interrupted or timed out) may have used up a wake-up meant for the lock: on its"
                            + " way out, if the lock is free, wake the next waiter.");
                    timedWaiter.assertFinishes("a thread in tryLock(30 s) neither got the free lock nor gave up when"
                            + " interrupted.");
                }
            }
        }
    }

    @Test
    void anInterruptWhileWaitingInTimedTryLockThrowsInterruptedException() {
        LockUnderTest lock = newLock();
        lock.lock();
        try (BlockingCall<Boolean> waiter = BlockingCall.start("interrupted-waiter", () -> {
            try {
                return takeAndRelease(lock, Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new AssertionFailedError("tryLock(30 s) threw InterruptedException but left the interrupt"
                            + " status set: throwing it reports the interrupt, so the status must be cleared.");
                }
                throw e;
            }
        })) {
            try {
                waiter.assertBlocks("tryLock(30 s) of a lock another thread holds");
                waiter.thread().interrupt();
                waiter.assertThrows(InterruptedException.class, "a thread interrupted while waiting in tryLock(30 s) must"
                        + " get InterruptedException at once: look at the interrupt status each time the thread wakes up"
                        + " (Thread.interrupted()), and throw.");
            } finally {
                lock.unlock();
            }
        }
        assertThat(inAnotherThread("tryLock() never waits.", () -> takeAndRelease(lock))).withFailMessage(
                "after an interrupted tryLock, the free lock could not be taken: the waiter left it broken").isTrue();
    }

    @Test
    void timedTryLockAcceptsAnyDurationAsTheJdkDoes() throws Exception {
        LockUnderTest lock = newLock();
        for (Duration timeout : new Duration[] {Timeouts.FOREVER, Duration.ZERO, Timeouts.MOST_NEGATIVE}) {
            String call = "tryLock(" + show(timeout) + ") of a free " + lockName();
            boolean took = Timeouts.assertReturnsAtOnce(call, () -> takeAndRelease(lock, timeout));
            assertThat(took).withFailMessage("%s returned false: a free lock is taken at once, whatever the timeout"
                    + " (as Lock.tryLock(time, unit) does). Try to take it before you look at the timeout.", call).isTrue();
        }
        BlockingCall<Boolean> waiter;
        lock.lock();
        try {
            String call = "tryLock(" + show(Timeouts.MOST_NEGATIVE) + ") of a " + lockName() + " another thread holds";
            boolean took = Timeouts.assertReturnsAtOnce(call, () -> takeAndRelease(lock, Timeouts.MOST_NEGATIVE));
            assertThat(took).withFailMessage("%s returned true while the lock was held: a timeout of zero or less means"
                    + " \"do not wait\", and the lock was not free.", call).isFalse();
            waiter = Timeouts.assertWaits("forever-waiter", () -> takeAndRelease(lock, Timeouts.FOREVER),
                    "tryLock(" + show(Timeouts.FOREVER) + ") of a " + lockName() + " another thread holds: as long as it"
                            + " takes");
        } finally {
            lock.unlock();
        }
        try (waiter) {
            assertThat(waiter.assertFinishes("unlock() did not let in the thread waiting in tryLock(" + show(Timeouts.FOREVER)
                    + "): does unlock() wake a waiter?")).withFailMessage("tryLock(%s) returned false after the lock was"
                            + " released: a huge timeout means \"as long as it takes\"", show(Timeouts.FOREVER)).isTrue();
        }
    }

    @Test
    void anInterruptedCallerOfTimedTryLockGetsInterruptedException() throws Exception {
        LockUnderTest lock = newLock();
        Timeouts.assertInterruptedCallerGetsInterruptedException("tryLock(" + show(Timeouts.FOREVER) + ") of a free "
                + lockName(), () -> takeAndRelease(lock, Timeouts.FOREVER));
        Timeouts.assertInterruptedCallerGetsInterruptedException("tryLock(1 s) of a free " + lockName(),
                () -> takeAndRelease(lock, Duration.ofSeconds(1)));
        boolean took = BlockingCall.within("after-interrupts", BlockingCall.PATIENCE, "tryLock() of a free lock must not wait.",
                () -> takeAndRelease(lock, Duration.ZERO));
        assertThat(took).withFailMessage("after two interrupted callers, tryLock(0) of the free %s returned false: an"
                + " interrupted tryLock must leave the lock free", lockName()).isTrue();
    }

    /** Takes the lock with {@code tryLock(timeout)} and, if taken, releases it; returns whether it was taken. */
    static boolean takeAndRelease(LockUnderTest lock, Duration timeout) throws InterruptedException {
        boolean took = lock.tryLock(timeout);
        if (took) {
            lock.unlock();
        }
        return took;
    }

    /** How a test timeout reads in a message. */
    static String show(Duration timeout) {
        if (timeout.equals(Timeouts.FOREVER)) {
            return "Duration.ofSeconds(Long.MAX_VALUE)";
        }
        if (timeout.equals(Timeouts.MOST_NEGATIVE)) {
            return "Duration.ofSeconds(Long.MIN_VALUE)";
        }
        return timeout.toMillis() + " ms";
    }

    /** Takes the lock with {@code tryLock()} and, if taken, releases it; returns whether it was taken. */
    static boolean takeAndRelease(LockUnderTest lock) {
        boolean took = lock.tryLock();
        if (took) {
            lock.unlock();
        }
        return took;
    }

    /** Calls {@code call}, which must not wait, on a thread of its own (not the test thread, which may hold the lock). */
    static <T> T inAnotherThread(String mustNotWait, java.util.concurrent.Callable<T> call) {
        return BlockingCall.within("other-thread", BlockingCall.PATIENCE, mustNotWait, call);
    }
}
