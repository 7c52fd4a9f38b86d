/*
 * Wrong: `tryLock(Duration)` with a timeout of zero or less goes straight to the mutex: the holder gets false
 * Rejected by: SimpleReentrantLockTest#theHolderTakesTheLockAgainAtOnceWhateverTheTimeout
 * Message: Check for the holder before you look at the timeout
 */
package workshop.locks;

import java.time.Duration;
import java.util.Objects;

/**
 * A reentrant lock, like Python's {@code threading.RLock}: a {@link SimpleMutex} plus a hold count.
 *
 * <p>The holder may take the lock again; each {@link #lock()} needs its {@link #unlock()}, and the
 * lock is released to other threads only when the hold count returns to zero. Only the holder may
 * unlock. Waiting threads park, as in {@link SimpleMutex}.
 *
 * <p>Differences from {@code java.util.concurrent.locks.ReentrantLock}, the JDK lock it imitates:
 * {@link #lock()} cannot be interrupted (as {@code ReentrantLock.lock()}; there is no
 * {@code lockInterruptibly()}, to keep to Python's {@code RLock.acquire}); no fairness option, no
 * conditions, and no {@code isLocked()} or queue inspection: the exercise is the owner and the hold count.
 * The hold count is an {@code int} that nobody checks for overflow (2^31 - 1 nested holds; {@code ReentrantLock}
 * throws an {@code Error} there), a limit no recursion reaches.
 *
 * <p>The hold count needs no synchronization of its own: only the holder of the mutex reads or
 * writes it, and the mutex hands it from one holder to the next (unlock happens-before lock).
 */
public class SimpleReentrantLock {

    private final SimpleMutex mutex = new SimpleMutex();

    /**
     * How often the holder has taken the lock. Guarded by {@code mutex}: only its holder reads or writes it. (Not
     * an {@code @GuardedBy} annotation: Error Prone checks those only for {@code synchronized} and
     * {@code java.util.concurrent} locks, and {@code mutex} is a lock of this workshop's own.)
     */
    private int holds;

    /**
     * Waits until the lock is free or already held by this thread, then takes it (once more). An interrupt does not
     * stop the wait; it is kept.
     */
    public void lock() {
        if (mutex.isHeldByCurrentThread()) {
            holds++;
            return;
        }
        mutex.lock();
        holds = 1;
    }

    /** Takes the lock if it is free or already held by this thread; never waits. */
    public boolean tryLock() {
        if (mutex.isHeldByCurrentThread()) {
            holds++;
            return true;
        }
        if (mutex.tryLock()) {
            holds = 1;
            return true;
        }
        return false;
    }

    /**
     * Waits at most {@code timeout} for the lock, as {@code Lock.tryLock(long, TimeUnit)} does. A free lock, or
     * one this thread holds, is taken at once whatever the timeout; a timeout of zero or less means "do not
     * wait"; a huge one (up to {@code Duration.ofSeconds(Long.MAX_VALUE)}) means "as long as it takes".
     *
     * @return true if the lock was taken, false if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting (the interrupt status
     *     is cleared); checked first, also when this thread already holds the lock, as {@code ReentrantLock} does
     */
    public boolean tryLock(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!timeout.isPositive()) { // zero or less: do not wait
            return mutex.tryLock() && (holds = 1) == 1;
        }
        if (mutex.isHeldByCurrentThread()) {
            holds++;
            return true;
        }
        if (mutex.tryLock(timeout)) {
            holds = 1;
            return true;
        }
        return false;
    }

    /**
     * Releases one hold; the lock is free when the hold count returns to zero.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    public void unlock() {
        if (!mutex.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException(
                    "unlock() by \"" + Thread.currentThread().getName() + "\", which does not hold the lock");
        }
        if (--holds == 0) {
            mutex.unlock();
        }
    }

    /** Whether the calling thread holds the lock. */
    public boolean isHeldByCurrentThread() {
        return mutex.isHeldByCurrentThread();
    }

    /** How many times the calling thread holds the lock (0 if it does not hold it). */
    public int getHoldCount() {
        return mutex.isHeldByCurrentThread() ? holds : 0;
    }
}
