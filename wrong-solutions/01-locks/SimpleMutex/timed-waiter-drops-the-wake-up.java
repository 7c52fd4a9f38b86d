/*
 * Wrong: a timed `tryLock` that leaves without the lock (interrupted or timed out) does not pass on the wake-up it used up: a `lock()` waiter behind it sleeps forever on a free lock
 * Rejected by: SimpleMutexTest#aTimedWaiterThatLeavesWithoutTheLockPassesTheWakeUpOn
 * Message: on its way out, if the lock is free, wake the next waiter
 */
package workshop.locks;

import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A non-reentrant mutual-exclusion lock, like Python's {@code threading.Lock}.
 *
 * <p>At most one thread holds the lock. The lock is taken with one atomic {@code compareAndSet} of
 * its owner from {@code null} to the calling thread, so two threads can never both see it free and
 * both take it. Threads that find it taken join a queue and park (they use no CPU); {@link #unlock()}
 * wakes the first of them, which then competes for the lock again. The lock is not fair: a thread
 * arriving at the right moment may take it before a woken waiter.
 *
 * <p>Not reentrant: {@link #tryLock()} by the holder returns false and {@link #lock()} by the holder
 * waits forever. Only the holder may unlock.
 *
 * <p>Differences from {@code java.util.concurrent.locks.ReentrantLock}, the JDK lock it imitates: it is
 * not reentrant (that is the point: Python's {@code Lock} is not, and the exercise after this one adds
 * reentrancy); {@link #lock()} cannot be interrupted, as {@code ReentrantLock.lock()} cannot (there is no
 * {@code lockInterruptibly()}: the exercise keeps to Python's {@code acquire}); it has no fairness option and
 * no conditions (module 03 uses the JDK's). Like {@code ReentrantLock}, {@code tryLock()} barges (it takes a
 * free lock even while others wait), and the timed {@code tryLock} accepts any {@code Duration}.
 *
 * <p>Memory consistency: actions in a thread before {@code unlock()} happen-before actions in the
 * thread that next takes the lock.
 */
public class SimpleMutex {

    /** The thread that holds the lock, or null when it is free. */
    private final AtomicReference<Thread> owner = new AtomicReference<>();

    /** Threads waiting for the lock, oldest first. A thread adds itself before it parks. */
    private final Queue<Thread> waiters = new ConcurrentLinkedQueue<>();

    /** Waits until the lock is free, then takes it. An interrupt does not stop the wait; it is kept. */
    public void lock() {
        if (tryLock()) {
            return;
        }
        Thread me = Thread.currentThread();
        boolean interrupted = false;
        waiters.add(me);
        try {
            // Added to the queue before the retry: an unlock after the failed retry sees us and unparks.
            while (!tryLock()) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
        } finally {
            waiters.remove(me);
            if (interrupted) {
                me.interrupt();
            }
        }
    }

    /** Takes the lock if it is free right now; never waits. */
    public boolean tryLock() {
        return owner.compareAndSet(null, Thread.currentThread());
    }

    /**
     * Waits at most {@code timeout} for the lock, as {@code Lock.tryLock(long, TimeUnit)} does. A free lock is
     * taken at once whatever the timeout; a timeout of zero or less means "do not wait"; a huge one (up to
     * {@code Duration.ofSeconds(Long.MAX_VALUE)}) means "as long as it takes".
     *
     * @return true if the lock was taken, false if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting (the interrupt status
     *     is cleared); checked first, so an interrupted caller gets it even when the lock is free
     */
    public boolean tryLock(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (tryLock()) {
            return true;
        }
        long nanos = TimeUnit.NANOSECONDS.convert(timeout); // saturates: never ArithmeticException
        if (nanos <= 0) {
            return false;
        }
        long deadline = System.nanoTime() + nanos; // may wrap: only differences of nanoTime values are used
        Thread me = Thread.currentThread();
        boolean acquired = false;
        waiters.add(me);
        try {
            while (!(acquired = tryLock())) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, remaining);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return true;
        } finally {
            waiters.remove(me);
        }
    }

    /**
     * Releases the lock and wakes the first waiting thread.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    public void unlock() {
        if (!owner.compareAndSet(Thread.currentThread(), null)) {
            Thread holder = owner.get();
            throw new IllegalMonitorStateException("unlock() by \"" + Thread.currentThread().getName()
                    + "\", which does not hold the lock (held by " + (holder == null ? "nobody" : "\"" + holder.getName() + "\"") + ")");
        }
        wakeFirstWaiterIfFree();
    }

    /** Whether the calling thread holds the lock. */
    public boolean isHeldByCurrentThread() {
        return owner.get() == Thread.currentThread();
    }

    private void wakeFirstWaiterIfFree() {
        if (owner.get() == null) {
            Thread first = waiters.peek();
            if (first != null) {
                LockSupport.unpark(first);
            }
        }
    }
}
