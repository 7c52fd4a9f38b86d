package workshop.locks;

/**
 * A counter that many threads increment at once. Given: you implement it three ways
 * ({@link LockCounter}, {@link StripedCounter}, {@link CasCounter}).
 *
 * <p>Implementations are thread-safe: no increment is ever lost, and {@link #get()} never goes
 * backwards while other threads increment.
 */
public interface Counter {

    /** Adds one. */
    void increment();

    /** The number of increments that completed before this call. */
    long get();
}
