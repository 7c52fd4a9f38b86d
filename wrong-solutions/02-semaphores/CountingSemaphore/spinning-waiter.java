/*
 * Wrong: spinning waiter (unlock, `Thread.onSpinWait()`, lock again)
 * Rejected by: CountingSemaphoreTest#acquireWaitsWhileNoPermitIsLeftAndCostsNoCpuWhileWaiting, CountingSemaphoreTest#releaseByAThreadThatNeverAcquiredWakesAWaiterBecausePermitsHaveNoOwner
 * Message: should be waiting
 * Caught by: every test that waits for a blocked waiter ("it busy-waits", with the CPU time measured)
 */
package workshop.semaphores;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A counting semaphore, like Python's {@code threading.Semaphore} and
 * {@code java.util.concurrent.Semaphore}: a number of permits, taken by {@code acquire} and given back by
 * {@code release}. A thread that asks for more permits than are available waits until other threads
 * release enough.
 *
 * <pre>{@code
 * CountingSemaphore connections = new CountingSemaphore(3);   // at most 3 at once
 * connections.acquire();
 * try {
 *     talkToTheServer();
 * } finally {
 *     connections.release();
 * }
 * }</pre>
 *
 * <p>A semaphore is not a mutex: permits have no owner. Any thread may release, also one that never
 * acquired (a producer releasing "items" for a consumer is the classic use), and releasing beyond the
 * initial count simply adds permits, as in {@code java.util.concurrent.Semaphore} (Python's
 * {@code BoundedSemaphore} would raise instead).
 *
 * <p>{@link #acquire(int)} is all-or-nothing: a waiting thread holds no permits while it waits, and takes
 * all it asked for in one step. Taking them one by one would let two threads each hold part of what they
 * need and wait for each other forever. The semaphore is not fair: a thread arriving while others wait
 * may take permits before them, and a large request may wait while smaller ones keep succeeding.
 *
 * <p>Where it differs from {@code java.util.concurrent.Semaphore}, on purpose:
 * <ul>
 *   <li>The initial count must be zero or more. {@code Semaphore} accepts a negative one (that many
 *       releases must come before anyone gets through); here {@link #availablePermits()} always means
 *       "permits free now", and "wait for n events" is a {@code CountDownLatch}'s job.</li>
 *   <li>{@code acquire(n)} and {@code release(n)} need {@code n >= 1}. {@code Semaphore} accepts 0 and
 *       does nothing; a count that comes out 0 is almost always a bug in the caller, so it fails loudly.</li>
 *   <li>A release that would take the count beyond {@code Integer.MAX_VALUE} throws
 *       {@link IllegalArgumentException} ({@code Semaphore} throws an {@code Error}): it is a caller's
 *       mistake, not a broken JVM.</li>
 *   <li>No fairness option, no untimed {@code tryAcquire()} and no {@code tryAcquire(n, timeout)}: the
 *       exercise keeps to what the lesson needs. {@code tryAcquire(Duration.ZERO)} is the untimed try.</li>
 * </ul>
 *
 * <p>Memory consistency: actions in a thread before a {@code release} happen-before actions after an
 * {@code acquire} that took the released permits.
 */
public class CountingSemaphore {

    /** Main lock guarding {@link #permits}. */
    private final ReentrantLock lock = new ReentrantLock();

    /** Condition for waiting acquires: signalled whenever permits are released. */
    private final Condition permitsReleased = lock.newCondition();

    /** Permits available right now; never negative. */
    @GuardedBy("lock")
    private int permits;

    /**
     * @param permits the initial number of permits, zero or more
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public CountingSemaphore(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must not be negative, was " + permits);
        }
        this.permits = permits;
    }

    /**
     * Takes one permit, waiting until one is available.
     *
     * @throws InterruptedException if interrupted while waiting (no permit is taken)
     */
    public void acquire() throws InterruptedException {
        acquire(1);
    }

    /**
     * Takes {@code permits} permits at once, waiting until that many are available. While it waits it
     * holds none of them.
     *
     * @throws IllegalArgumentException if {@code permits} is less than 1
     * @throws InterruptedException if interrupted while waiting (no permit is taken)
     */
    public void acquire(int permits) throws InterruptedException {
        requirePositive(permits);
        lock.lockInterruptibly();
        try {
            // while, not if: a wake-up does not mean enough permits are there. Another thread may have taken
            // them first, the release may have been too small for this request, or the wake-up spurious.
            while (this.permits < permits) {
                lock.unlock();
                try {
                    Thread.onSpinWait();
                } finally {
                    lock.lock();
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            this.permits -= permits;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes one permit if one becomes available within {@code timeout}. A zero or negative timeout does
     * not wait (it takes a free permit, if there is one); a huge one, up to
     * {@code Duration.ofSeconds(Long.MAX_VALUE)}, waits as long as it takes.
     *
     * @return true if a permit was taken, false if the time ran out first
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if the calling thread is interrupted on entry (also when a permit is
     *     free) or while waiting; no permit is taken and the interrupt status is cleared
     */
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (Thread.interrupted()) { // before anything else, as java.util.concurrent does: even with a permit free
            throw new InterruptedException("interrupted before tryAcquire");
        }
        // Saturates: a Duration beyond about 292 years becomes Long.MAX_VALUE ns, as good as forever, where
        // timeout.toNanos() would throw ArithmeticException. Zero and negative durations do not wait.
        long remaining = TimeUnit.NANOSECONDS.convert(timeout);
        lock.lockInterruptibly();
        try {
            while (permits < 1) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = permitsReleased.awaitNanos(remaining);
            }
            permits--;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back one permit and wakes the waiting threads. Any thread may call it. */
    public void release() {
        release(1);
    }

    /**
     * Gives back {@code permits} permits and wakes the waiting threads. Any thread may call it, and the
     * count may grow beyond the initial number.
     *
     * @throws IllegalArgumentException if {@code permits} is less than 1, or the count would overflow
     */
    public void release(int permits) {
        requirePositive(permits);
        lock.lock();
        try {
            if (this.permits > Integer.MAX_VALUE - permits) {
                throw new IllegalArgumentException("releasing " + permits + " permits would overflow the count of "
                        + this.permits);
            }
            this.permits += permits;
            // signalAll, not signal: waiters ask for different numbers of permits, and the one a single signal
            // wakes may need more than there are, while another it did not wake could go ahead.
            permitsReleased.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The number of permits available right now (a snapshot: it may change at once). */
    public int availablePermits() {
        lock.lock();
        try {
            return permits;
        } finally {
            lock.unlock();
        }
    }

    private static void requirePositive(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, was " + permits);
        }
    }
}
