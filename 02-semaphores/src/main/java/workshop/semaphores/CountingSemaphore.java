package workshop.semaphores;

import java.time.Duration;

/**
 * Exercise 1 (README: "1. CountingSemaphore"). Build a counting semaphore, like Python's
 * {@code threading.Semaphore}: a number of permits that {@code acquire} takes and {@code release} gives
 * back. A thread that asks for more permits than are available waits (sleeping, not spinning) until
 * other threads release enough.
 *
 * <p>A semaphore is not a mutex: permits have no owner, so any thread may release, and releasing beyond
 * the initial count adds permits (as {@code java.util.concurrent.Semaphore} does). {@code acquire(n)}
 * takes all {@code n} permits at once or waits holding none. Interrupts while waiting end the wait with
 * {@link InterruptedException}. Arguments: a negative initial count, or {@code n < 1}, is an
 * {@link IllegalArgumentException}; a null timeout a {@link NullPointerException}.
 *
 * <p>Where it differs from {@code java.util.concurrent.Semaphore}, on purpose (README: "1. CountingSemaphore"):
 * the initial count must be zero or more ({@code Semaphore} accepts a negative one; here
 * {@code availablePermits()} always means "free now"); {@code acquire(0)} and {@code release(0)} are
 * refused ({@code Semaphore} does nothing; a count of 0 is almost always the caller's bug); a release
 * beyond {@code Integer.MAX_VALUE} permits is an {@link IllegalArgumentException} ({@code Semaphore}
 * throws an {@code Error}); and there is no fairness option and no untimed {@code tryAcquire()}.
 *
 * <p>Build it yourself with a lock and a condition (or {@code synchronized}, {@code wait} and
 * {@code notifyAll}); do not wrap {@code java.util.concurrent.Semaphore}. Hints are in the README.
 */
public class CountingSemaphore {

    /**
     * @param permits the initial number of permits, zero or more
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public CountingSemaphore(int permits) {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 1: CountingSemaphore(int permits)");
    }

    /**
     * Takes one permit, waiting until one is available.
     *
     * @throws InterruptedException if interrupted while waiting (no permit is taken)
     */
    public void acquire() throws InterruptedException {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 1: CountingSemaphore.acquire()");
    }

    /**
     * Takes {@code permits} permits at once, waiting until that many are available; holds none while it
     * waits.
     *
     * @throws IllegalArgumentException if {@code permits} is less than 1
     * @throws InterruptedException if interrupted while waiting (no permit is taken)
     */
    public void acquire(int permits) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 1: CountingSemaphore.acquire(int)");
    }

    /**
     * Takes one permit if one becomes available within {@code timeout}. A zero or negative timeout does
     * not wait (it takes a free permit if there is one); any {@code Duration} is accepted, and a huge one,
     * up to {@code Duration.ofSeconds(Long.MAX_VALUE)}, waits as long as it takes (convert with
     * {@code TimeUnit.NANOSECONDS.convert(timeout)}, which saturates; {@code timeout.toNanos()} throws
     * {@link ArithmeticException} beyond about 292 years).
     *
     * @return true if a permit was taken, false if the time ran out first
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if the calling thread is interrupted on entry (also when a permit is
     *     free: check the interrupt before anything else) or while waiting; no permit is taken, and the
     *     interrupt status is cleared
     */
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 1: CountingSemaphore.tryAcquire(Duration)");
    }

    /** Gives back one permit and wakes waiting threads. Any thread may call it. */
    public void release() {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 1: CountingSemaphore.release()");
    }

    /**
     * Gives back {@code permits} permits and wakes waiting threads. Any thread may call it; the count may
     * grow beyond the initial number.
     *
     * @throws IllegalArgumentException if {@code permits} is less than 1, or the count would overflow
     */
    public void release(int permits) {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 1: CountingSemaphore.release(int)");
    }

    /** The number of permits available right now. */
    public int availablePermits() {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 1: CountingSemaphore.availablePermits()");
    }
}
