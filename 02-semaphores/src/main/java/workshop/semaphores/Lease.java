package workshop.semaphores;

/**
 * A resource borrowed from a {@link ResourcePool}, to be given back with {@link #close()}. Use it in a
 * try-with-resources statement, so the resource goes back to the pool however the block ends:
 *
 * <pre>{@code
 * try (Lease<Connection> lease = pool.acquire()) {
 *     use(lease.resource());
 * }   // close() gives the connection back, also when use(...) throws
 * }</pre>
 *
 * <p>This interface is given complete: you implement it in {@code ResourcePool}.
 *
 * @param <R> the type of the pooled resource
 */
public interface Lease<R> extends AutoCloseable {

    /**
     * The borrowed resource.
     *
     * @throws IllegalStateException if the lease was already closed (the resource may be someone else's now)
     */
    R resource();

    /**
     * Gives the resource back to the pool. Idempotent: a second call does nothing (it must not give the
     * resource back twice). Throws no checked exception.
     */
    @Override
    void close();
}
