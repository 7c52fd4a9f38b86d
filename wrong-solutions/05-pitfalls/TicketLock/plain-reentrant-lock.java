/*
 * Wrong: a plain `ReentrantLock` (barging)
 * Rejected by: TicketLockTest#threadsAcquireInTheOrderTheyArrived
 * Message: barging
 */
package workshop.pitfalls;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A first-come, first-served lock: each arriving thread draws the next ticket number, and the lock is
 * handed to ticket numbers strictly in order. A thread that releases the lock and wants it again
 * draws a new ticket and waits behind everyone already waiting, so no thread can be overtaken
 * indefinitely (no starvation), unlike a barging lock, where a thread that just released the lock
 * usually gets it straight back.
 *
 * <p>Waiting threads sleep on a condition; they cost no CPU. The lock is not reentrant: a holder that
 * calls {@code lock()} again waits for itself forever. {@code lock()} is not interruptible: an
 * interrupt is remembered (the interrupt status is set again) and the thread keeps its place in line.
 *
 * <p>Where it differs from {@code ReentrantLock(true)}, the JDK's fair lock, on purpose: it is not
 * reentrant (a ticket is one place in line, and a thread holds at most one: counting holds would hide
 * the ticket idea the exercise teaches); it is not a {@code java.util.concurrent.locks.Lock} (no
 * {@code tryLock}, {@code lockInterruptibly} or conditions: a {@code tryLock} would have to give back a
 * drawn ticket, which the two counters cannot express); and it is strictly FIFO for every acquisition,
 * where {@code ReentrantLock(true).tryLock()} barges. As with {@code ReentrantLock}, {@code unlock()} by
 * a thread that does not hold it throws {@link IllegalMonitorStateException}.
 *
 * <p>The price of fairness: every hand-over wakes a sleeping thread, so under contention a fair lock
 * has far lower throughput than a barging one.
 *
 * <p>Memory consistency: actions before {@code unlock()} happen-before the actions after the next
 * holder's {@code lock()} returns.
 */
public class TicketLock {

    private final ReentrantLock lock = new ReentrantLock(); // not fair: a releasing thread can take it straight back

    /** Waits until the lock is free, then holds it. */
    public void lock() {
        lock.lock();
    }

    /**
     * Releases the lock.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    public void unlock() {
        lock.unlock();
    }
}
