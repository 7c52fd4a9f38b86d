package workshop.patterns;

import java.time.Duration;

/**
 * Exercise 1 (README: "1. JoinableQueue"). Build Python's {@code queue.Queue} with {@code task_done()}
 * and {@code join()}: a FIFO queue that knows when all the work handed through it is finished.
 *
 * <p>Every item {@code put} counts as unfinished until a consumer has taken it and called
 * {@code taskDone()}. {@code join()} waits until every item put so far is done (and returns at once if
 * none is unfinished). Calling {@code taskDone()} more times than items were taken is a bug in the
 * caller: throw {@link IllegalStateException}. The no-argument queue is unbounded; the bounded one makes
 * {@code put} wait while it holds {@code capacity} items. Null items are refused. Waiting threads must
 * sleep, not spin or poll. A waiting thread may wake up with nothing changed (a spurious wake-up, or a
 * signal meant for another thread): it must look again and go back to waiting, never act as if what it
 * waited for had happened.
 *
 * <p>Build it yourself with a lock and conditions (do not wrap a {@code BlockingQueue}). Hints are in
 * the README.
 */
public class JoinableQueue<T> {

    /** An unbounded queue: {@code put} never waits. */
    public JoinableQueue() {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 1: JoinableQueue()");
    }

    /**
     * A bounded queue: {@code put} waits while it holds {@code capacity} items.
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public JoinableQueue(int capacity) {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 1: JoinableQueue(int)");
    }

    /**
     * Adds {@code item} at the tail, waiting while the queue is full.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void put(T item) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 1: JoinableQueue.put()");
    }

    /**
     * Removes and returns the head of the queue, waiting while it is empty.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public T take() throws InterruptedException {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 1: JoinableQueue.take()");
    }

    /**
     * Marks one taken item as done.
     *
     * @throws IllegalStateException if called more times than items were taken
     */
    public void taskDone() {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 1: JoinableQueue.taskDone()");
    }

    /**
     * Waits until every item put so far has been taken and marked done.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void join() throws InterruptedException {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 1: JoinableQueue.join()");
    }

    /**
     * As {@link #join()}, but waits at most {@code timeout}, counted from the call (a wake-up does not
     * start it again). A timeout of zero or less does not wait: it reports whether the work is done now.
     * A huge one ({@code Duration.ofSeconds(Long.MAX_VALUE)}) waits as long as it takes: convert it with
     * {@code TimeUnit.NANOSECONDS.convert(timeout)}, which saturates, not {@code timeout.toNanos()}, which
     * throws {@link ArithmeticException} beyond about 292 years.
     *
     * @return true if every item is done, false if the time ran out first
     * @throws InterruptedException if the calling thread is interrupted on entry (whatever the timeout) or
     *     while waiting; the interrupt status is then cleared
     */
    public boolean join(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 1: JoinableQueue.join(Duration)");
    }
}
