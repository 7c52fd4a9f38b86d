package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.junit.jupiter.api.Timeout;
import workshop.testkit.BusyWait;
import workshop.testkit.Concurrently;
import workshop.testkit.LincheckBudget;
import workshop.testkit.BlockingCall;
import workshop.testkit.ThreadReports;
import workshop.testkit.Timeouts;

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
    private static final Duration GENEROUS = Duration.ofSeconds(5);

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
    @Timeout(60)
    void tryLockNeverLetsTwoThreadsInUnderAnyInterleaving() {
        LockUnderTest lock = newLock();
        assertThat(lock.tryLock()).withFailMessage("tryLock() of a new, free %s returned false", lockName()).isTrue();
        lock.unlock();
        LincheckBudget.modelChecking().check(getClass());
    }

    @Test
    void tryLockFailsWhileAnotherThreadHoldsTheLock() throws Exception {
        LockUnderTest lock = newLock();
        lock.lock();
        try {
            assertThat(MutualExclusionContract.<Boolean>inOtherThread(lock::tryLock)).withFailMessage(
                    "tryLock() in another thread returned true while this thread held the %s", lockName()).isFalse();
            assertThat(MutualExclusionContract.<Boolean>inOtherThread(lock::isHeldByCurrentThread)).withFailMessage(
                    "isHeldByCurrentThread() returned true in a thread that does not hold the lock").isFalse();
            assertThat(lock.isHeldByCurrentThread()).isTrue();
        } finally {
            lock.unlock();
        }
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        assertThat(MutualExclusionContract.<Boolean>inOtherThread(() -> {
            boolean took = lock.tryLock();
            if (took) {
                lock.unlock();
            }
            return took;
        })).withFailMessage("tryLock() in another thread returned false after the lock was released").isTrue();
    }

    @Test
    void unlockByAThreadThatDoesNotHoldTheLockThrowsAndChangesNothing() throws Exception {
        LockUnderTest lock = newLock();
        assertThatThrownBy(lock::unlock).withFailMessage(
                "unlock() of a free %s must throw IllegalMonitorStateException", lockName())
                .isInstanceOf(IllegalMonitorStateException.class);
        lock.lock();
        Throwable thrown;
        boolean stillHeld;
        boolean thirdThreadGotIn;
        try {
            thrown = MutualExclusionContract.<Throwable>inOtherThread(() -> {
                try {
                    lock.unlock();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            stillHeld = lock.isHeldByCurrentThread();
            thirdThreadGotIn = MutualExclusionContract.<Boolean>inOtherThread(() -> {
                boolean took = lock.tryLock();
                if (took) {
                    lock.unlock();
                }
                return took;
            });
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
                "after another thread's unlock() attempt, the holder no longer holds the lock").isTrue();
        assertThat(thirdThreadGotIn).withFailMessage(
                "after another thread's unlock() attempt, a third thread could take the lock: it was released by a"
                        + " thread that did not hold it").isFalse();
    }

    @Test
    void timedTryLockGivesUpAfterAboutTheTimeout() throws Exception {
        LockUnderTest lock = newLock();
        Duration timeout = Duration.ofMillis(300);
        lock.lock();
        try {
            long[] elapsedNanos = new long[1];
            boolean took = inOtherThread(() -> {
                long start = System.nanoTime();
                boolean result = lock.tryLock(timeout);
                elapsedNanos[0] = System.nanoTime() - start;
                return result;
            });
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(elapsedNanos[0]);
            assertThat(took).withFailMessage("tryLock(%s) returned true while another thread held the lock", timeout).isFalse();
            assertThat(elapsedMs).withFailMessage(
                    "tryLock(300 ms) gave up after %d ms: it must wait (about) the whole timeout before it returns false",
                    elapsedMs).isGreaterThanOrEqualTo(270);
            assertThat(elapsedMs).withFailMessage(
                    "tryLock(300 ms) returned after %d ms: it should give up soon after the timeout", elapsedMs)
                    .isLessThan(300 + 2_000);
        } finally {
            lock.unlock();
        }
    }

    @Test
    void timedTryLockTakesTheLockWhenItIsReleasedInTime() throws Exception {
        LockUnderTest lock = newLock();
        lock.lock();
        FutureTask<Boolean> waiter = new FutureTask<>(() -> {
            boolean took = lock.tryLock(Duration.ofSeconds(30));
            if (took) {
                lock.unlock();
            }
            return took;
        });
        Thread thread = new Thread(waiter, "timed-waiter");
        thread.start();
        try {
            awaitBlocked(thread);
        } finally {
            lock.unlock();
        }
        assertThat(waiter.get(GENEROUS.toMillis(), TimeUnit.MILLISECONDS)).withFailMessage(
                "a thread in tryLock(30 s) did not get the lock after it was released").isTrue();
        thread.join();
    }

    @Test
    void unlockLetsAWaitingThreadIn() throws Exception {
        LockUnderTest lock = newLock();
        lock.lock();
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            lock.lock();
            try {
                acquired.countDown();
            } finally {
                lock.unlock();
            }
        }, "waiter");
        waiter.start();
        try {
            awaitBlocked(waiter);
            assertThat(acquired.getCount()).withFailMessage("a thread got into lock() while another held it").isEqualTo(1);
        } finally {
            lock.unlock();
        }
        assertThat(acquired.await(GENEROUS.toMillis(), TimeUnit.MILLISECONDS)).withFailMessage(
                "a thread waiting in lock() was not let in within %s after unlock(): the wake-up was lost. Does unlock()"
                        + " wake a waiter, and can a waiter miss a wake-up that comes just before it starts to wait?",
                GENEROUS).isTrue();
        waiter.join();
    }

    @Test
    void aWaitingThreadSleepsInsteadOfSpinning() throws Exception {
        LockUnderTest lock = newLock();
        lock.lock();
        CountDownLatch aboutToLock = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            aboutToLock.countDown();
            lock.lock();
            lock.unlock();
        }, "waiter");
        waiter.start();
        try {
            aboutToLock.await();
            BusyWait.assertWaitsWithoutSpinning(waiter);
        } finally {
            lock.unlock();
        }
        waiter.join(GENEROUS);
    }

    @Test
    void anInterruptWhileWaitingInTimedTryLockThrowsInterruptedException() throws Exception {
        LockUnderTest lock = newLock();
        lock.lock();
        FutureTask<Throwable> waiter = new FutureTask<>(() -> {
            try {
                boolean took = lock.tryLock(Duration.ofSeconds(30));
                return new AssertionError("tryLock returned " + took + " instead of throwing InterruptedException");
            } catch (InterruptedException expected) {
                return expected;
            }
        });
        Thread thread = new Thread(waiter, "interrupted-waiter");
        thread.start();
        try {
            awaitBlocked(thread);
            thread.interrupt();
            assertThat(waiter.get(GENEROUS.toMillis(), TimeUnit.MILLISECONDS)).withFailMessage(
                    "a thread interrupted while waiting in tryLock(30 s) must get InterruptedException")
                    .isInstanceOf(InterruptedException.class);
        } finally {
            lock.unlock();
        }
        thread.join();
        assertThat(MutualExclusionContract.<Boolean>inOtherThread(() -> {
            boolean took = lock.tryLock();
            if (took) {
                lock.unlock();
            }
            return took;
        })).withFailMessage("after an interrupted tryLock, the free lock could not be taken: the waiter left it broken").isTrue();
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
        boolean took = BlockingCall.within("after-interrupts", GENEROUS, "tryLock() of a free lock must not wait.",
                () -> takeAndRelease(lock, Duration.ZERO));
        assertThat(took).withFailMessage("after two interrupted callers, tryLock(0) of the free %s returned false: an"
                + " interrupted tryLock must leave the lock free", lockName()).isTrue();
    }

    /** Takes the lock with {@code tryLock(timeout)} and, if taken, releases it; returns whether it was taken. */
    private static boolean takeAndRelease(LockUnderTest lock, Duration timeout) throws InterruptedException {
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

    /** Waits (without sleeping) until {@code thread} blocks: parked or blocked on a monitor. */
    static void awaitBlocked(Thread thread) {
        try {
            await().atMost(GENEROUS).pollInterval(Duration.ofMillis(1)).until(() -> {
                Thread.State state = thread.getState();
                return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                        || state == Thread.State.BLOCKED || state == Thread.State.TERMINATED;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionFailedError("thread \"" + thread.getName() + "\" should be waiting for the lock, but after "
                    + GENEROUS.toSeconds() + " s it is still " + thread.getState() + " (running): it spins instead of"
                    + " sleeping. A waiting thread must block (park) until the lock is released.\n"
                    + ThreadReports.describe(java.util.List.of(thread)));
        }
    }

    /** Runs {@code action} in a new thread, waits for it and returns its result. */
    static <T> T inOtherThread(java.util.concurrent.Callable<T> action) throws Exception {
        FutureTask<T> task = new FutureTask<>(action);
        Thread thread = new Thread(task, "other-thread");
        thread.start();
        Future<T> future = task;
        try {
            return future.get(GENEROUS.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            thread.join(GENEROUS);
        }
    }
}
