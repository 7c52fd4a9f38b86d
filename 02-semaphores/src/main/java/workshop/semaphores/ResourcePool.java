package workshop.semaphores;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * Exercise 2 (README: "2. ResourcePool"). A fixed set of resources (connections, licences) shared by many
 * threads: {@code acquire} lends one out as a {@link Lease}, closing the lease gives it back. When all
 * are lent out, {@code acquire} waits and {@code tryAcquire} waits at most the given time.
 *
 * <p>Each resource is lent to one borrower at a time; at most as many leases are open as the pool has
 * resources. Closing a lease twice gives the resource back once. {@code available()} counts the resources
 * not lent out. A null or empty collection, or a null element, is refused ({@link NullPointerException},
 * {@link IllegalArgumentException}) with a message naming {@code resources}.
 *
 * <p>A semaphore (yours from exercise 1, or {@code java.util.concurrent.Semaphore}) is the natural tool.
 * Hints are in the README.
 *
 * @param <R> the type of the pooled resources
 */
public class ResourcePool<R> {

    /**
     * @param resources the resources to share; at least one, none null
     * @throws NullPointerException if {@code resources} or one of its elements is null
     * @throws IllegalArgumentException if {@code resources} is empty
     */
    public ResourcePool(Collection<R> resources) {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 2: ResourcePool(Collection)");
    }

    /**
     * Borrows a resource, waiting until one is free.
     *
     * @throws InterruptedException if interrupted while waiting (nothing is borrowed)
     */
    public Lease<R> acquire() throws InterruptedException {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 2: ResourcePool.acquire()");
    }

    /**
     * Borrows a resource if one becomes free within {@code timeout}. A zero or negative timeout does not
     * wait (it lends a free resource if there is one); any {@code Duration} is accepted, and a huge one, up
     * to {@code Duration.ofSeconds(Long.MAX_VALUE)}, waits as long as it takes (convert with
     * {@code TimeUnit.NANOSECONDS.convert(timeout)}, which saturates; {@code timeout.toNanos()} throws
     * {@link ArithmeticException} beyond about 292 years).
     *
     * @return the lease, or empty if the time ran out first
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if the calling thread is interrupted on entry (also when a resource is
     *     free) or while waiting; nothing is borrowed, and the interrupt status is cleared
     */
    public Optional<Lease<R>> tryAcquire(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 2: ResourcePool.tryAcquire(Duration)");
    }

    /** The number of resources not lent out right now. */
    public int available() {
        throw new UnsupportedOperationException("TODO 02-semaphores exercise 2: ResourcePool.available()");
    }
}
