package workshop.locks;

import java.time.Duration;

/**
 * Exercise 2 (README: "2. SimpleMutex"). Build a mutual-exclusion lock, like Python's
 * {@code threading.Lock}: at most one thread holds it at a time.
 *
 * <p>It is not reentrant: {@code tryLock()} and {@code tryLock(Duration)} by the thread that already holds
 * it return false (and {@code lock()} would wait forever); a failed {@code tryLock} changes nothing. Only the holder may {@code unlock()}; anyone else gets an
 * {@link IllegalMonitorStateException}, and the lock stays as it was (also {@code unlock()} of a free lock
 * throws). Threads that wait for the lock must sleep, not spin, and {@code unlock()} must wake one of them.
 *
 * <p>Build it yourself: do not wrap {@code ReentrantLock} or {@code Semaphore}. Hints are in the
 * README.
 */
public class SimpleMutex {

    /** Waits until the lock is free, then takes it. An interrupt does not stop the wait; it is kept. */
    public void lock() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 2: SimpleMutex.lock()");
    }

    /** Takes the lock if it is free right now; never waits. */
    public boolean tryLock() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 2: SimpleMutex.tryLock()");
    }

    /**
     * Waits at most {@code timeout} for the lock, and gives up (returns false) only when about the whole timeout
     * has passed, not before. A free lock is taken at once whatever the timeout; a timeout of zero or
     * less means "do not wait" (false if the lock is taken); any {@code Duration} is accepted, and a huge one
     * (up to {@code Duration.ofSeconds(Long.MAX_VALUE)}) means "as long as it takes": convert it with
     * {@code TimeUnit.NANOSECONDS.convert(timeout)}, which saturates, not {@code timeout.toNanos()}, which throws
     * {@code ArithmeticException} beyond about 292 years.
     *
     * @return true if the lock was taken, false if the time ran out
     * @throws InterruptedException if the thread is interrupted while waiting, or was already interrupted when it
     *     called (checked first, even when the lock is free); the interrupt status is then cleared
     */
    public boolean tryLock(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 01-locks exercise 2: SimpleMutex.tryLock(Duration)");
    }

    /**
     * Releases the lock and lets one waiting thread in.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    public void unlock() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 2: SimpleMutex.unlock()");
    }

    /** Whether the calling thread holds the lock. */
    public boolean isHeldByCurrentThread() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 2: SimpleMutex.isHeldByCurrentThread()");
    }
}
