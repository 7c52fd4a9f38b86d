package workshop.semaphores;

/**
 * Exercise 3 (README: "3. SemaphoreBoundedBuffer"). A bounded FIFO buffer between producers and
 * consumers, built from two counting semaphores and a mutex (Dijkstra's construction): {@code put} waits
 * while the buffer is full, {@code take} while it is empty, both sleeping, not spinning.
 *
 * <p>Every element put is taken exactly once, in the order it was put. A capacity below 1 is an
 * {@link IllegalArgumentException}, a null element a {@link NullPointerException}, each with a message
 * naming the argument ({@code capacity}, {@code element}); a refused {@code put} changes nothing. An
 * interrupt ends a waiting {@code put} or {@code take} with {@link InterruptedException} and changes
 * nothing. Do not use a
 * {@code BlockingQueue}, nor a lock with conditions: the point is to see semaphores do the waiting. Hints
 * are in the README.
 *
 * @param <T> the type of the elements
 */
public class SemaphoreBoundedBuffer<T> {

    /**
     * @param capacity the most elements the buffer holds, at least 1
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public SemaphoreBoundedBuffer(int capacity) {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 3: SemaphoreBoundedBuffer(int capacity)");
    }

    /**
     * Adds {@code element} at the tail, waiting while the buffer is full.
     *
     * @throws NullPointerException if {@code element} is null
     * @throws InterruptedException if interrupted while waiting (nothing is added)
     */
    public void put(T element) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 3: SemaphoreBoundedBuffer.put()");
    }

    /**
     * Removes and returns the head, waiting while the buffer is empty.
     *
     * @throws InterruptedException if interrupted while waiting (nothing is removed)
     */
    public T take() throws InterruptedException {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 3: SemaphoreBoundedBuffer.take()");
    }
}
