/*
 * Wrong: spinning on `tryAcquire()`
 * Rejected by: SemaphoreBoundedBufferTest#putWaitsWhileTheBufferIsFullWithoutUsingTheCpu, SemaphoreBoundedBufferTest#takeWaitsWhileTheBufferIsEmptyWithoutUsingTheCpu
 * Message: should be waiting
 * Caught by: the blocking tests ("it busy-waits")
 */
package workshop.semaphores;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO buffer between producers and consumers, built the way Dijkstra built it: two counting
 * semaphores and a mutex. {@link #put} waits while the buffer is full, {@link #take} while it is empty.
 *
 * <ul>
 *   <li>{@code freeSlots} starts at {@code capacity}: a producer takes one before it puts, a consumer
 *       gives one back after it took an element.</li>
 *   <li>{@code filledSlots} starts at 0: a consumer takes one before it takes, a producer gives one back
 *       after it put an element.</li>
 *   <li>The mutex guards the array and its indices for the moment of the put or take itself.</li>
 * </ul>
 *
 * <p>The order matters: a thread waits on its semaphore first and takes the mutex only afterwards. A
 * producer that took the mutex and then waited for a free slot would hold the mutex that every consumer
 * needs to free one: a deadlock.
 *
 * <p>The semaphores are {@code java.util.concurrent.Semaphore}; the {@code CountingSemaphore} of
 * exercise 1 works just as well.
 *
 * <p>Memory consistency: actions in a thread before {@code put} happen-before actions after the
 * {@code take} that returns the element.
 *
 * @param <T> the type of the elements
 */
public class SemaphoreBoundedBuffer<T> {

    /** Permits = free slots: producers wait here while the buffer is full. */
    private final Semaphore freeSlots;

    /** Permits = filled slots: consumers wait here while the buffer is empty. */
    private final Semaphore filledSlots;

    /** The mutex guarding the array and its indices. */
    private final ReentrantLock mutex = new ReentrantLock();

    /** The elements, in a ring. */
    @GuardedBy("mutex")
    private final Object[] elements;

    /** Where the next put goes. */
    @GuardedBy("mutex")
    private int putIndex;

    /** Where the next take comes from. */
    @GuardedBy("mutex")
    private int takeIndex;

    /**
     * @param capacity the most elements the buffer holds, at least 1
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public SemaphoreBoundedBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.elements = new Object[capacity];
        this.freeSlots = new Semaphore(capacity);
        this.filledSlots = new Semaphore(0);
    }

    /**
     * Adds {@code element} at the tail, waiting while the buffer is full.
     *
     * @throws NullPointerException if {@code element} is null
     * @throws InterruptedException if interrupted while waiting (nothing is added)
     */
    public void put(T element) throws InterruptedException {
        Objects.requireNonNull(element, "element");
        while (!freeSlots.tryAcquire()) {    // spin until there is room
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        mutex.lock();
        try {
            elements[putIndex] = element;
            putIndex = (putIndex + 1) % elements.length;
        } finally {
            mutex.unlock();
        }
        filledSlots.release();               // one more element for the consumers
    }

    /**
     * Removes and returns the head, waiting while the buffer is empty.
     *
     * @throws InterruptedException if interrupted while waiting (nothing is removed)
     */
    public T take() throws InterruptedException {
        while (!filledSlots.tryAcquire()) {  // spin until there is an element
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        T element;
        mutex.lock();
        try {
            @SuppressWarnings("unchecked")
            T head = (T) elements[takeIndex];
            element = head;
            elements[takeIndex] = null;      // let the element be garbage-collected
            takeIndex = (takeIndex + 1) % elements.length;
        } finally {
            mutex.unlock();
        }
        freeSlots.release();                 // one more free slot for the producers
        return element;
    }
}
