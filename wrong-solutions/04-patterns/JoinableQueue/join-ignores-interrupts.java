/*
 * Wrong: `join()` waits with awaitUninterruptibly: an interrupt while waiting is ignored
 * Rejected by: JoinableQueueTest#joinIsInterruptible
 * Message: not awaitUninterruptibly
 */
package workshop.patterns;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A FIFO queue that knows when its work is finished, like Python's {@code queue.Queue} with
 * {@code task_done()} and {@code join()}.
 *
 * <p>Every item {@link #put} is a unit of work. A consumer {@link #take}s an item, processes it and then
 * calls {@link #taskDone()}. {@link #join()} blocks until every item ever put has been taken and marked
 * done, so a producer can wait for the consumers to finish everything it handed them:
 *
 * <pre>{@code
 * for (Url url : urls) queue.put(url);
 * queue.join();                      // returns once every url was taken and taskDone() was called for it
 * }</pre>
 *
 * <p>The queue is unbounded ({@link #JoinableQueue()}) or bounded ({@link #JoinableQueue(int)}); a bounded
 * queue makes {@code put} wait while it is full, which keeps fast producers from running ahead of slow
 * consumers (back-pressure). Null items are refused.
 *
 * <p>Thread-safe: one lock guards all state; waiting threads sleep on conditions. Memory consistency:
 * actions in a thread before {@code put} happen-before the {@code take} that returns the item, and actions
 * before {@code taskDone()} happen-before a {@code join} that returns because of it.
 */
public class JoinableQueue<T> {

    /** Main lock guarding all access. */
    private final ReentrantLock lock = new ReentrantLock();

    /** Condition for waiting takes. */
    private final Condition notEmpty = lock.newCondition();

    /** Condition for waiting puts. */
    private final Condition notFull = lock.newCondition();

    /** Condition for waiting joins: signalled when the last unfinished item is done. */
    private final Condition allDone = lock.newCondition();

    /** Queued items, oldest first. */
    @GuardedBy("lock")
    private final ArrayDeque<T> items = new ArrayDeque<>();

    /** The most items the queue holds at once. */
    private final int capacity;

    /** Items taken whose {@code taskDone()} has not come yet. */
    @GuardedBy("lock")
    private long inProgress;

    /** Items put but not yet done (queued plus in progress): {@code join} waits for this to reach zero. */
    @GuardedBy("lock")
    private long unfinished;

    /** An unbounded queue: {@code put} never waits. */
    public JoinableQueue() {
        this.capacity = Integer.MAX_VALUE;
    }

    /**
     * A bounded queue: {@code put} waits while it holds {@code capacity} items.
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public JoinableQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Adds {@code item} at the tail, waiting while the queue is full. The item counts as unfinished until
     * a consumer has taken it and called {@link #taskDone()}.
     *
     * @throws InterruptedException if interrupted while waiting (nothing is added then)
     */
    public void put(T item) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        lock.lockInterruptibly();
        try {
            while (items.size() == capacity) {
                notFull.await();
            }
            items.addLast(item);
            unfinished++;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the head of the queue, waiting while it is empty. The caller must call
     * {@link #taskDone()} once it has finished with the item.
     *
     * @throws InterruptedException if interrupted while waiting (nothing is taken then)
     */
    public T take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (items.isEmpty()) {
                notEmpty.await();
            }
            T item = items.removeFirst();
            inProgress++;
            notFull.signal();
            return item;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks one taken item as done. When every item put so far is done, every thread in {@link #join}
     * returns.
     *
     * @throws IllegalStateException if called more times than items were taken
     */
    public void taskDone() {
        lock.lock();
        try {
            if (inProgress == 0) {
                throw new IllegalStateException("taskDone() called more times than items were taken:"
                        + " every taskDone() must match one take()");
            }
            inProgress--;
            unfinished--;
            if (unfinished == 0) {
                allDone.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every item put so far has been taken and marked done. Returns at once if there is none.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void join() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (unfinished > 0) {
                allDone.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * As {@link #join()}, but waits at most {@code timeout}. A timeout of zero or less does not wait: it
     * reports whether the work is done now. A huge one ({@code Duration.ofSeconds(Long.MAX_VALUE)}) waits as
     * long as it takes.
     *
     * @return true if every item is done, false if the time ran out first
     * @throws InterruptedException if the calling thread is interrupted on entry or while waiting (the
     *     interrupt status is cleared, as by every method that throws it)
     */
    public boolean join(Duration timeout) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before join(Duration)");
        }
        // Saturates at about 292 years instead of throwing ArithmeticException, as Duration.toNanos() would.
        long nanos = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout"));
        lock.lockInterruptibly();
        try {
            while (unfinished > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = allDone.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
