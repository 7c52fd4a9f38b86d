package workshop.pitfalls;

/**
 * Exercise 6 (README: "6. TicketLock"). A fair lock, built like the queue at a deli counter: every
 * thread that arrives draws the next ticket number, and the lock serves ticket numbers strictly in
 * order. A thread that just released the lock and wants it again draws a new ticket and waits behind
 * everyone already waiting, so nobody starves.
 *
 * <p>Threads acquire in the order they arrived (drew their tickets). Waiting threads sleep: they cost
 * no CPU. Only the holder may {@code unlock()}; anyone else gets an {@link IllegalMonitorStateException}.
 * The lock is not reentrant. {@code lock()} is not interruptible (as {@code Lock.lock()}): an interrupt
 * while waiting keeps the thread's place in line and is restored (the interrupt status set again) when
 * {@code lock()} returns.
 *
 * <p>Where it differs from {@code ReentrantLock(true)}, the JDK's fair lock, on purpose: it is not
 * reentrant (a ticket is one place in line, and a thread holds at most one; a holder that calls
 * {@code lock()} again waits behind itself forever), and it is not a {@code Lock} (no {@code tryLock}:
 * giving back a ticket already drawn is beyond two counters).
 *
 * <p>Build it yourself: do not wrap a fair {@code ReentrantLock} or a {@code Semaphore}.
 */
public class TicketLock {

    /** Draws a ticket and waits until it is served, then holds the lock. */
    public void lock() {
        throw new UnsupportedOperationException("TODO 05-pitfalls exercise 6: TicketLock.lock()");
    }

    /**
     * Releases the lock and serves the next ticket.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    public void unlock() {
        throw new UnsupportedOperationException("TODO 05-pitfalls exercise 6: TicketLock.unlock()");
    }
}
