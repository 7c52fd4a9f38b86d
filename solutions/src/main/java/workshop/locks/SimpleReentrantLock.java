package workshop.locks;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;

/**
 * A reentrant lock, like Python's {@code threading.RLock}: a {@link SimpleMutex} plus a hold count.
 *
 * <p>The holder may take the lock again; each {@link #lock()} needs its {@link #unlock()}, and the
 * lock is released to other threads only when the hold count returns to zero. Only the holder may
 * unlock. Waiting threads park, as in {@link SimpleMutex}.
 *
 * <p>The hold count needs no synchronization of its own: only the holder of the mutex reads or
 * writes it, and the mutex hands it from one holder to the next (unlock happens-before lock).
 */
public class SimpleReentrantLock {

    private final SimpleMutex mutex = new SimpleMutex();

    @GuardedBy("mutex")
    private int holds;

    /** Waits until the lock is free or already held by this thread, then takes it (once more). */
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
     * Waits at most {@code timeout} for the lock.
     *
     * @return true if the lock was taken, false if the time ran out
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean tryLock(Duration timeout) throws InterruptedException {
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
