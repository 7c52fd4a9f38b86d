package workshop.locks;

import java.time.Duration;

/**
 * Exercise 3 (README: "3. SimpleReentrantLock"). Build a reentrant lock, like Python's
 * {@code threading.RLock}: the thread that holds it may take it again (recursion), and must release it
 * as many times as it took it before another thread gets in.
 *
 * <p>Only the holder may {@code unlock()}; anyone else gets an {@link IllegalMonitorStateException}, and
 * the lock stays as it was (also {@code unlock()} of a free lock throws). Waiting threads must sleep, not
 * spin, and the {@code unlock()} that frees the lock must wake one of them. The timed {@code tryLock} gives up
 * only when about the whole timeout has passed. Build it yourself: do not wrap {@code ReentrantLock}.
 */
public class SimpleReentrantLock {

    /**
     * Waits until the lock is free or already held by this thread, then takes it (once more). An interrupt does not
     * stop the wait; it is kept.
     */
    public void lock() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 3: SimpleReentrantLock.lock()");
    }

    /** Takes the lock if it is free or already held by this thread; never waits. */
    public boolean tryLock() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 3: SimpleReentrantLock.tryLock()");
    }

    /**
     * Waits at most {@code timeout} for the lock. A free lock, or one this thread already holds, is taken at once whatever the timeout; a timeout of zero or
     * less means "do not wait" (false if the lock is taken); any {@code Duration} is accepted, and a huge one
     * (up to {@code Duration.ofSeconds(Long.MAX_VALUE)}) means "as long as it takes": convert it with
     * {@code TimeUnit.NANOSECONDS.convert(timeout)}, which saturates, not {@code timeout.toNanos()}, which throws
     * {@code ArithmeticException} beyond about 292 years.
     *
     * @return true if the lock was taken, false if the time ran out
     * @throws InterruptedException if the thread is interrupted while waiting, or was already interrupted when it
     *     called (checked first, even when the lock is free, and also when this thread already holds the lock, as
     *     {@code ReentrantLock} does); the interrupt status is then cleared
     */
    public boolean tryLock(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 01-locks exercise 3: SimpleReentrantLock.tryLock(Duration)");
    }

    /**
     * Releases one hold; the lock is free when the hold count returns to zero.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    public void unlock() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 3: SimpleReentrantLock.unlock()");
    }

    /** Whether the calling thread holds the lock. */
    public boolean isHeldByCurrentThread() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 3: SimpleReentrantLock.isHeldByCurrentThread()");
    }

    /** How many times the calling thread holds the lock (0 if it does not hold it). */
    public int getHoldCount() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 3: SimpleReentrantLock.getHoldCount()");
    }
}
