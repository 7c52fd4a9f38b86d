/*
 * Wrong: a zero or negative timeout uses `Semaphore.tryAcquire()` without a timeout, which ignores the interrupt: an interrupted caller borrows a free resource
 * Rejected by: ResourcePoolTest#anInterruptedCallerOfTryAcquireGetsInterruptedExceptionEvenWithAResourceFree
 * Message: let no "do not wait" shortcut skip it
 */
package workshop.semaphores;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of resources (connections, licences, GPUs) shared by many threads: a thread borrows one
 * with {@link #acquire()} and gives it back by closing the {@link Lease}. When all are lent out,
 * {@code acquire} waits and {@link #tryAcquire(Duration)} waits at most a given time.
 *
 * <pre>{@code
 * ResourcePool<Connection> pool = new ResourcePool<>(List.of(c1, c2, c3));
 * try (Lease<Connection> lease = pool.acquire()) {
 *     lease.resource().execute(query);
 * }
 * }</pre>
 *
 * <p>A semaphore with one permit per resource counts the free resources and makes borrowers wait; a
 * short critical section takes a free resource from the idle set. Holding a permit guarantees that the
 * idle set has a resource for it, so that step never waits. Each resource is lent to one borrower at a
 * time, and closing a lease twice gives the resource back once.
 *
 * <p>Memory consistency: actions in a thread before it closes a lease happen-before actions in the thread
 * that next acquires the same resource.
 *
 * @param <R> the type of the pooled resources
 */
public class ResourcePool<R> {

    /** One permit per idle resource: borrowers wait here. */
    private final Semaphore idlePermits;

    /** Guards {@link #idle}. */
    private final ReentrantLock lock = new ReentrantLock();

    /** Resources not lent out. Has at least as many elements as {@link #idlePermits} has permits. */
    @GuardedBy("lock")
    private final ArrayDeque<R> idle;

    /**
     * @param resources the resources to share; copied, at least one, none null
     * @throws NullPointerException if {@code resources} or one of its elements is null
     * @throws IllegalArgumentException if {@code resources} is empty
     */
    public ResourcePool(Collection<R> resources) {
        Objects.requireNonNull(resources, "resources");
        if (resources.isEmpty()) {
            throw new IllegalArgumentException("resources must not be empty: a pool of nothing would make every acquire wait forever");
        }
        ArrayDeque<R> copy = new ArrayDeque<>(resources.size());
        for (R resource : resources) {
            copy.add(Objects.requireNonNull(resource, "resources must not contain null"));
        }
        this.idle = copy;
        this.idlePermits = new Semaphore(copy.size());
    }

    /**
     * Borrows a resource, waiting until one is free.
     *
     * @throws InterruptedException if interrupted while waiting (nothing is borrowed)
     */
    public Lease<R> acquire() throws InterruptedException {
        idlePermits.acquire();
        return new PooledLease(takeIdle());
    }

    /**
     * Borrows a resource if one becomes free within {@code timeout}. A zero or negative timeout does not
     * wait; a huge one, up to {@code Duration.ofSeconds(Long.MAX_VALUE)}, waits as long as it takes.
     *
     * @return the lease, or empty if the time ran out first
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if the calling thread is interrupted on entry (also when a resource is
     *     free) or while waiting; nothing is borrowed and the interrupt status is cleared
     */
    public Optional<Lease<R>> tryAcquire(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        // TimeUnit.NANOSECONDS.convert saturates (a huge Duration waits as long as it takes), where
        // timeout.toNanos() would throw ArithmeticException. Semaphore.tryAcquire checks the interrupt first
        // and does not wait for a zero or negative timeout.
        long nanos = TimeUnit.NANOSECONDS.convert(timeout);
        boolean got = nanos <= 0 ? idlePermits.tryAcquire() : idlePermits.tryAcquire(nanos, TimeUnit.NANOSECONDS);
        if (!got) {
            return Optional.empty();
        }
        return Optional.of(new PooledLease(takeIdle()));
    }

    /** The number of resources not lent out right now (a snapshot). */
    public int available() {
        return idlePermits.availablePermits();
    }

    /** Takes an idle resource. Call only while holding a permit: then there is one. */
    private R takeIdle() {
        lock.lock();
        try {
            return idle.removeFirst();
        } finally {
            lock.unlock();
        }
    }

    private void giveBack(R resource) {
        lock.lock();
        try {
            idle.addLast(resource);
        } finally {
            lock.unlock();
        }
        // After the resource is back in the idle set: whoever gets this permit finds a resource there.
        idlePermits.release();
    }

    /** A lease that gives its resource back exactly once. */
    private final class PooledLease implements Lease<R> {

        private final R resource;

        /** Set by the first close(); later calls see it set and do nothing. */
        private final AtomicBoolean closed = new AtomicBoolean();

        PooledLease(R resource) {
            this.resource = resource;
        }

        @Override
        public R resource() {
            if (closed.get()) {
                throw new IllegalStateException("the lease was closed: its resource is back in the pool and may be lent to someone else");
            }
            return resource;
        }

        @Override
        public void close() {
            // compareAndSet, not a check and a set: two threads closing at once must not both give it back.
            if (closed.compareAndSet(false, true)) {
                giveBack(resource);
            }
        }

        @Override
        public String toString() {
            return "Lease[" + resource + (closed.get() ? ", closed]" : "]");
        }
    }
}
