/*
 * Wrong: `clear()` also moves the generation on: a wake-up without any `set()` (a spurious one) releases the waiters
 * Rejected by: EventTest#aWakeUpAfterClearWithoutSetReleasesNobody
 * Message: only set() ends a generation
 */
package workshop.conditions;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A flag that threads can wait for, like Python's {@code threading.Event}.
 *
 * <p>{@link #set()} raises the flag and releases every thread waiting in {@link #await()}; while the flag
 * is up, {@code await} returns at once. {@link #clear()} lowers it, and later callers wait for the next
 * {@code set()}:
 *
 * <pre>{@code
 * Event ready = new Event();
 * // worker threads:                    // the thread that prepares the work:
 * ready.await();                        loadConfiguration();
 * process();                            ready.set();
 * }</pre>
 *
 * <p>Generations: every {@code set()} that raises the flag opens a new generation, and a waiter leaves as
 * soon as the generation it started waiting in is over. So a {@code set()} releases every thread that was
 * waiting at that moment even if {@code clear()} follows before they have run again (Python's
 * {@code Event} behaves the same way). A wake-up that is neither (a spurious one) sends the thread back to
 * wait.
 *
 * <p>Differences from the classes it imitates. Python's {@code Event.wait} cannot be interrupted (Python threads
 * have no interrupts); here both {@code await} methods throw {@link InterruptedException}, as every blocking
 * method of {@code java.util.concurrent} does, because a Java thread must be stoppable while it waits. Java's
 * nearest class, {@code CountDownLatch(1)}, cannot be cleared; this one can, which is why it needs the
 * generations above.
 *
 * <p>Thread-safe; waiting threads sleep on a condition and use no CPU. Memory consistency: actions in a
 * thread before {@code set()} happen-before the actions after an {@code await} that returns because of it,
 * or that sees the flag up.
 */
public class Event {

    /** Guards all state. */
    private final ReentrantLock lock = new ReentrantLock();

    /** Signalled (all waiters) when the flag goes up. */
    private final Condition raised = lock.newCondition();

    @GuardedBy("lock")
    private boolean flag;

    /** Counts the times the flag went up: a waiter is released once this moves past the value it saw. */
    @GuardedBy("lock")
    private long generation;

    /** A new event, not set. */
    public Event() {
    }

    /** Raises the flag and releases every thread waiting in {@code await}. Does nothing if it is up already. */
    public void set() {
        lock.lock();
        try {
            if (!flag) {
                flag = true;
                generation++;
                raised.signalAll(); // every waiter, not one: they all wait for the same thing
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lowers the flag: threads that call {@code await} from now on wait for the next {@code set()}. */
    public void clear() {
        lock.lock();
        try {
            flag = false;
            generation++; // a new round begins
        } finally {
            lock.unlock();
        }
    }

    /** Whether the flag is up. */
    public boolean isSet() {
        lock.lock();
        try {
            return flag;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the flag is up, or until a {@code set()} happens while this thread waits. Returns at once
     * if the flag is up.
     *
     * @throws InterruptedException if interrupted before or while waiting (the interrupt status is cleared)
     */
    public void await() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long entered = generation;
            while (!flag && generation == entered) { // a loop: a wake-up alone proves nothing
                raised.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * As {@link #await()}, but waits at most {@code timeout}. A timeout of zero or less does not wait (it only
     * reports whether the flag is up); a huge one (up to {@code Duration.ofSeconds(Long.MAX_VALUE)}) waits as long
     * as it takes.
     *
     * @return true if released by the flag or a {@code set()}, false if the time ran out first
     * @throws InterruptedException if interrupted before or while waiting (the interrupt status is cleared);
     *     checked first, so an interrupted caller gets it even when the flag is up
     */
    public boolean await(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long nanos = TimeUnit.NANOSECONDS.convert(timeout); // saturates: never ArithmeticException
        lock.lockInterruptibly();
        try {
            long entered = generation;
            while (!flag && generation == entered) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = raised.awaitNanos(nanos); // the time left, so a wake-up does not restart the clock
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
