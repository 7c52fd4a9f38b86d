/*
 * Wrong: `poll` removes its item without `notFull.signal()`: a producer waiting in `put` or `offer` sleeps next to the free slot
 * Rejected by: BoundedBufferTest#pollWakesAProducerWaitingInPutOrOffer
 * Message: sleeps next to the free slot
 */
package workshop.conditions;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO buffer between producers and consumers: the condition-variable example of the guide,
 * done right.
 *
 * <p>{@link #put} waits while the buffer holds {@code capacity} items and {@link #take} while it is empty;
 * {@link #offer} and {@link #poll} wait at most a timeout. Every item put is taken exactly once, in the
 * order it was put. Null items are refused.
 *
 * <p>One lock guards the buffer; there are two conditions, one for each reason to wait, so a put wakes only
 * a consumer and a take only a producer, and one {@code signal()} is enough. Every wait sits in a loop that
 * re-checks its reason after waking: another thread may have taken the item (or the room) first, and a
 * thread may wake for no reason at all.
 *
 * <p>Differences from {@code java.util.concurrent.ArrayBlockingQueue}, the JDK class it imitates: only the
 * five methods of the exercise (no {@code Collection} or {@code BlockingQueue} interface, no {@code drainTo},
 * no iteration), {@code poll} returns an {@code Optional} instead of null, and there is no fairness option.
 * The waiting, the timeouts (any {@code Duration}; zero or less does not wait) and the interrupts behave as in
 * {@code ArrayBlockingQueue}.
 *
 * <p>Thread-safe. Memory consistency: actions in a thread before it puts an item happen-before the actions
 * after the take (or poll) that returns that item in another thread.
 */
public class BoundedBuffer<T> {

    /** Main lock guarding all access. */
    private final ReentrantLock lock = new ReentrantLock();

    /** Condition for waiting takes. */
    private final Condition notEmpty = lock.newCondition();

    /** Condition for waiting puts. */
    private final Condition notFull = lock.newCondition();

    /** The items, in a ring: {@code count} of them, starting at {@code takeIndex}. */
    @GuardedBy("lock")
    private final Object[] items;

    /** Where the next take takes from. */
    @GuardedBy("lock")
    private int takeIndex;

    /** Where the next put puts. */
    @GuardedBy("lock")
    private int putIndex;

    /** Number of items in the buffer. */
    @GuardedBy("lock")
    private int count;

    /**
     * A buffer that holds at most {@code capacity} items.
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public BoundedBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.items = new Object[capacity];
    }

    /**
     * Adds {@code item} at the tail, waiting while the buffer is full.
     *
     * @throws NullPointerException if {@code item} is null
     * @throws InterruptedException if interrupted before or while waiting (nothing is added then; the interrupt
     *     status is cleared)
     */
    public void put(T item) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        lock.lockInterruptibly();
        try {
            while (count == items.length) {
                notFull.await();
            }
            enqueue(item);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the head, waiting while the buffer is empty.
     *
     * @throws InterruptedException if interrupted before or while waiting (nothing is taken then; the interrupt
     *     status is cleared)
     */
    public T take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (count == 0) {
                notEmpty.await();
            }
            return dequeue();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds {@code item} at the tail, waiting at most {@code timeout} for room. A timeout of zero or less does
     * not wait; a huge one (up to {@code Duration.ofSeconds(Long.MAX_VALUE)}) waits as long as it takes.
     *
     * @return true if the item was added, false if the buffer stayed full for the whole timeout
     * @throws NullPointerException if {@code item} is null
     * @throws InterruptedException if interrupted before or while waiting (nothing is added then; the interrupt
     *     status is cleared)
     */
    public boolean offer(T item, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(timeout, "timeout");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long nanos = TimeUnit.NANOSECONDS.convert(timeout); // saturates: never ArithmeticException
        lock.lockInterruptibly();
        try {
            while (count == items.length) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos); // the time left, so a wake-up does not restart the clock
            }
            enqueue(item);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the head, waiting at most {@code timeout} for an item. A timeout of zero or less does
     * not wait; a huge one (up to {@code Duration.ofSeconds(Long.MAX_VALUE)}) waits as long as it takes.
     *
     * @return the head, or empty if the buffer stayed empty for the whole timeout
     * @throws InterruptedException if interrupted before or while waiting (nothing is taken then; the interrupt
     *     status is cleared)
     */
    public Optional<T> poll(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long nanos = TimeUnit.NANOSECONDS.convert(timeout); // saturates: never ArithmeticException
        lock.lockInterruptibly();
        try {
            while (count == 0) {
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            @SuppressWarnings("unchecked")
            T item = (T) items[takeIndex]; // dequeue by hand: no notFull.signal()
            items[takeIndex] = null;
            takeIndex = (takeIndex + 1) % items.length;
            count--;
            return Optional.of(item);
        } finally {
            lock.unlock();
        }
    }

    /** The number of items in the buffer now. */
    public int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** Adds an item at putIndex and wakes one consumer. Call only when holding lock, with room. */
    @GuardedBy("lock")
    private void enqueue(T item) {
        items[putIndex] = item;
        putIndex = (putIndex + 1) % items.length;
        count++;
        notEmpty.signal(); // one item, one consumer: and only consumers wait on notEmpty
    }

    /** Removes the item at takeIndex and wakes one producer. Call only when holding lock, with an item. */
    @GuardedBy("lock")
    private T dequeue() {
        @SuppressWarnings("unchecked")
        T item = (T) items[takeIndex];
        items[takeIndex] = null; // let it be garbage-collected
        takeIndex = (takeIndex + 1) % items.length;
        count--;
        notFull.signal(); // one free slot, one producer
        return item;
    }
}
