package workshop.conditions;

import java.time.Duration;

/**
 * Exercise 1 (README: "1. Event"). Build Python's {@code threading.Event}: a flag that threads can wait
 * for.
 *
 * <p>{@code set()} raises the flag and releases every thread waiting in {@code await}; {@code clear()}
 * lowers it again; {@code await} returns at once while the flag is up. A {@code set()} releases every
 * thread that was waiting at that moment, even if {@code clear()} follows right after it. Waiting threads
 * must sleep (no spinning, no polling with sleeps) and must answer an interrupt with
 * {@link InterruptedException}.
 *
 * <p>Build it with a lock and a condition (do not wrap a {@code CountDownLatch}). Hints are in the README.
 */
public class Event {

    /** A new event, not set. */
    public Event() {
    }

    /** Raises the flag and releases every thread waiting in {@code await}. */
    public void set() {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 1: Event.set()");
    }

    /** Lowers the flag: threads that call {@code await} from now on wait for the next {@code set()}. */
    public void clear() {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 1: Event.clear()");
    }

    /** Whether the flag is up. */
    public boolean isSet() {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 1: Event.isSet()");
    }

    /**
     * Waits until the flag is up, or until a {@code set()} happens while this thread waits. A wake-up without a
     * {@code set()} (a spurious one) must not end the wait.
     *
     * @throws InterruptedException if interrupted while waiting, or already interrupted when called (checked
     *     first, even when there is no need to wait); the interrupt status is then cleared
     */
    public void await() throws InterruptedException {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 1: Event.await()");
    }

    /**
     * As {@link #await()}, but waits at most {@code timeout}, counted from the call (a wake-up without a
     * {@code set()} does not restart it); returns false only when about the whole timeout has passed. A timeout of zero or less does not wait; any
     * {@code Duration} is accepted, and a huge one (up to {@code Duration.ofSeconds(Long.MAX_VALUE)}) means "as
     * long as it takes": convert it with {@code TimeUnit.NANOSECONDS.convert(timeout)}, which saturates, not
     * {@code timeout.toNanos()}, which throws {@code ArithmeticException} beyond about 292 years.
     *
     * @return true if released by the flag or a {@code set()}, false if the time ran out first
     * @throws InterruptedException if interrupted while waiting, or already interrupted when called (checked
     *     first, even when there is no need to wait); the interrupt status is then cleared
     */
    public boolean await(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 1: Event.await(Duration)");
    }
}
