/*
 * Wrong: unlock() does not forget the holder, so the former holder can unlock a second time (and serves a ticket nobody has reached)
 * Rejected by: TicketLockTest#theFormerHolderMayNotUnlockASecondTime
 * Message: a second unlock() by the thread that has just released the lock
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

    /** Guards the ticket counters and the owner; held only for a moment, never while the ticket lock is held. */
    private final ReentrantLock state = new ReentrantLock();
    /** Signalled when the ticket being served changes. */
    private final Condition served = state.newCondition();

    @GuardedBy("state")
    private long nextTicket;
    @GuardedBy("state")
    private long nowServing;
    @GuardedBy("state")
    private Thread owner;

    /** Draws a ticket and waits until it is served, then holds the lock. */
    public void lock() {
        state.lock();
        try {
            long ticket = nextTicket++;
            boolean interrupted = false;
            while (ticket != nowServing) {
                try {
                    served.await();
                } catch (InterruptedException e) {
                    interrupted = true; // keep the ticket: leaving the line would stall everyone behind it
                }
            }
            owner = Thread.currentThread();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            state.unlock();
        }
    }

    /**
     * Releases the lock and serves the next ticket.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    public void unlock() {
        state.lock();
        try {
            if (owner != Thread.currentThread()) {
                throw new IllegalMonitorStateException(Thread.currentThread().getName() + " does not hold this lock"
                        + (owner == null ? " (nobody does)" : " (" + owner.getName() + " does)"));
            }
            nowServing++;
            served.signalAll(); // one condition for all tickets: wake them all, the one whose turn it is goes on
        } finally {
            state.unlock();
        }
    }
}
