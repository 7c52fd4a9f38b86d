/*
 * Wrong: `acquireRead()` does not check whether the caller already holds the lock: a holder that acquires again is not refused with IllegalStateException
 * Rejected by: FairReadWriteLockTest#aThreadThatHoldsTheLockIsRefusedWhenItAcquiresAgain
 * Message: the lock is not reentrant
 */
package workshop.patterns;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A read-write lock that serves threads in arrival order, so neither readers nor writers starve.
 *
 * <p>Any number of threads may hold the read lock together; the write lock is exclusive (no other writer
 * and no reader). Every thread that arrives draws a ticket, and threads are admitted strictly in ticket
 * order: a run of consecutive readers enters together, and a writer waits only for the threads that came
 * before it. Once a writer is waiting, readers that arrive after it wait behind it, so a steady stream of
 * readers cannot keep it out (the bug in the guide's lock); and the readers that arrived during a write
 * go in before any writer that arrived after them, so a steady stream of writers cannot keep readers out
 * either. This is what {@code new ReentrantReadWriteLock(true)} promises too.
 *
 * <pre>{@code
 * lock.acquireRead();
 * try {
 *     return map.get(key);
 * } finally {
 *     lock.releaseRead();
 * }
 * }</pre>
 *
 * <p>Not reentrant: a thread that holds the lock must not acquire it again (it would wait behind a writer
 * that waits for it), and gets an {@link IllegalStateException} if it tries. Only a holder may release:
 * anyone else gets an {@link IllegalMonitorStateException}. A thread interrupted while waiting gives up
 * its place in line and throws {@link InterruptedException}.
 *
 * <p>How it differs from {@code new ReentrantReadWriteLock(true)}, and why:
 * <ul>
 *   <li>Every release, and every admission, wakes every waiting thread ({@code signalAll} on one
 *       condition), and all but the one or few whose turn it is go back to sleep. The JDK lock keeps an
 *       explicit queue of parked threads and unparks exactly the next one (or the next run of readers), so
 *       a release costs the same however many threads wait. Here a release with n threads waiting costs n
 *       wake-ups (a "thundering herd"): fine for a handful of waiters, wasteful for hundreds. The reason is
 *       simplicity: one condition and a ticket counter express "strictly in arrival order" in a few lines,
 *       where waking exactly the right thread would need a condition (or a parked thread) per waiter.</li>
 *   <li>Not reentrant, no downgrading from write to read, no {@code tryLock}, no timed acquire, no
 *       {@code Condition}s: a thread that acquires again gets {@link IllegalStateException} instead of
 *       waiting for itself.</li>
 *   <li>A thread interrupted while waiting gives up its place, as {@code lockInterruptibly()} does; there
 *       is no uninterruptible {@code lock()}.</li>
 * </ul>
 *
 * <p>Memory consistency: actions before {@code releaseWrite()} happen-before the actions of every thread
 * that later acquires the lock, and actions before {@code releaseRead()} happen-before the actions of the
 * writer that enters next.
 */
public class FairReadWriteLock {

    /** Main lock guarding all state. */
    private final ReentrantLock lock = new ReentrantLock();

    /** Signalled whenever the thread at the head of the line may be able to go in. */
    private final Condition turnChanged = lock.newCondition();

    /** The ticket the next arriving thread draws. */
    @GuardedBy("lock")
    private long nextTicket;

    /** The oldest ticket not yet admitted: only its holder may go in. */
    @GuardedBy("lock")
    private long nowServing;

    /** Tickets of threads that stopped waiting (interrupted) before their turn: skipped when reached. */
    @GuardedBy("lock")
    private final Set<Long> abandoned = new HashSet<>();

    /** Threads holding the read lock. */
    @GuardedBy("lock")
    private final Set<Thread> readers = new HashSet<>();

    /** The thread holding the write lock, or null. */
    @GuardedBy("lock")
    private Thread writer;

    /**
     * Waits until every thread that arrived earlier is admitted and no writer holds the lock, then takes
     * the read lock (shared with other readers).
     *
     * @throws InterruptedException if interrupted while waiting (the lock is not taken then)
     * @throws IllegalStateException if the calling thread holds this lock already
     */
    public void acquireRead() throws InterruptedException {
        Thread me = Thread.currentThread();
        lock.lockInterruptibly();
        try {
            long ticket = nextTicket++;
            try {
                while (ticket != nowServing || writer != null) {
                    turnChanged.await();
                }
            } catch (InterruptedException e) {
                abandon(ticket);
                throw e;
            }
            readers.add(me);
            admitNext();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases the calling thread's read lock.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the read lock
     */
    public void releaseRead() {
        Thread me = Thread.currentThread();
        lock.lock();
        try {
            if (!readers.remove(me)) {
                throw new IllegalMonitorStateException("releaseRead() by \"" + me.getName()
                        + "\", which does not hold the read lock");
            }
            if (readers.isEmpty()) {
                turnChanged.signalAll(); // a writer at the head of the line may go in now
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every thread that arrived earlier is admitted and has released the lock, then takes the
     * write lock (exclusive).
     *
     * @throws InterruptedException if interrupted while waiting (the lock is not taken then)
     * @throws IllegalStateException if the calling thread holds this lock already
     */
    public void acquireWrite() throws InterruptedException {
        Thread me = Thread.currentThread();
        lock.lockInterruptibly();
        try {
            requireNotHolding(me);
            long ticket = nextTicket++;
            try {
                while (ticket != nowServing || writer != null || !readers.isEmpty()) {
                    turnChanged.await();
                }
            } catch (InterruptedException e) {
                abandon(ticket);
                throw e;
            }
            writer = me;
            admitNext();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases the write lock.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the write lock
     */
    public void releaseWrite() {
        Thread me = Thread.currentThread();
        lock.lock();
        try {
            if (writer != me) {
                throw new IllegalMonitorStateException("releaseWrite() by \"" + me.getName()
                        + "\", which does not hold the write lock (held by "
                        + (writer == null ? "nobody" : "\"" + writer.getName() + "\"") + ")");
            }
            writer = null;
            turnChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Call only when holding lock. */
    @GuardedBy("lock")
    private void requireNotHolding(Thread me) {
        if (writer == me || readers.contains(me)) {
            throw new IllegalStateException("\"" + me.getName() + "\" already holds this lock; it is not reentrant");
        }
    }

    /** Moves the line on past the ticket just admitted (and any abandoned ones). Call only when holding lock. */
    @GuardedBy("lock")
    private void admitNext() {
        nowServing++;
        while (abandoned.remove(nowServing)) {
            nowServing++;
        }
        turnChanged.signalAll();
    }

    /** Gives up {@code ticket}, so the line does not stall on it. Call only when holding lock. */
    @GuardedBy("lock")
    private void abandon(long ticket) {
        if (ticket == nowServing) {
            admitNext();
        } else {
            abandoned.add(ticket);
        }
    }
}
