package workshop.conditions;

import java.time.Duration;
import java.util.Optional;

/**
 * Exercise 2 (README: "2. BoundedBuffer"). Build the classic bounded buffer: a FIFO queue of at most
 * {@code capacity} items between producers and consumers.
 *
 * <p>{@code put} waits while the buffer is full, {@code take} while it is empty; {@code offer} and
 * {@code poll} wait at most a timeout and then give up. Every item put is taken exactly once, in the order
 * it was put. Null items are refused with {@link NullPointerException}. A timed {@code offer} or {@code poll}
 * gives up only when about the whole timeout has passed since the call, however often it was woken meanwhile.
 *
 * <p>Build it with one {@code ReentrantLock} and two {@code Condition}s, one for each reason to wait (do
 * not wrap a {@code BlockingQueue}). Waiting threads must sleep, and must cope with waking up to find the
 * buffer no different from before. Hints are in the README.
 */
public class BoundedBuffer<T> {

    /**
     * A buffer that holds at most {@code capacity} items.
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1 (its message names {@code capacity})
     */
    public BoundedBuffer(int capacity) {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 2: BoundedBuffer(int)");
    }

    /**
     * Adds {@code item} at the tail, waiting while the buffer is full.
     *
     * @throws NullPointerException if {@code item} is null
     * @throws InterruptedException if interrupted while waiting, or already interrupted when called (checked
     *     first, even when there is no need to wait); the interrupt status is then cleared
     */
    public void put(T item) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 2: BoundedBuffer.put()");
    }

    /**
     * Removes and returns the head, waiting while the buffer is empty.
     *
     * @throws InterruptedException if interrupted while waiting, or already interrupted when called (checked
     *     first, even when there is no need to wait); the interrupt status is then cleared
     */
    public T take() throws InterruptedException {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 2: BoundedBuffer.take()");
    }

    /**
     * Adds {@code item} at the tail, waiting at most {@code timeout} for room. A timeout of zero or less does not wait; any
     * {@code Duration} is accepted, and a huge one (up to {@code Duration.ofSeconds(Long.MAX_VALUE)}) means "as
     * long as it takes": convert it with {@code TimeUnit.NANOSECONDS.convert(timeout)}, which saturates, not
     * {@code timeout.toNanos()}, which throws {@code ArithmeticException} beyond about 292 years.
     *
     * @return true if the item was added, false if the buffer stayed full for the whole timeout
     * @throws NullPointerException if {@code item} is null
     * @throws InterruptedException if interrupted while waiting, or already interrupted when called (checked
     *     first, even when there is no need to wait); the interrupt status is then cleared
     */
    public boolean offer(T item, Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 2: BoundedBuffer.offer()");
    }

    /**
     * Removes and returns the head, waiting at most {@code timeout} for an item. A timeout of zero or less does not wait; any
     * {@code Duration} is accepted, and a huge one (up to {@code Duration.ofSeconds(Long.MAX_VALUE)}) means "as
     * long as it takes": convert it with {@code TimeUnit.NANOSECONDS.convert(timeout)}, which saturates, not
     * {@code timeout.toNanos()}, which throws {@code ArithmeticException} beyond about 292 years.
     *
     * @return the head, or empty if the buffer stayed empty for the whole timeout
     * @throws InterruptedException if interrupted while waiting, or already interrupted when called (checked
     *     first, even when there is no need to wait); the interrupt status is then cleared
     */
    public Optional<T> poll(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 2: BoundedBuffer.poll()");
    }

    /** The number of items in the buffer now. */
    public int size() {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 2: BoundedBuffer.size()");
    }
}
