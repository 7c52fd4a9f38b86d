package workshop.redislocking;

/**
 * A lock held by a {@link RenewingLock}, which keeps extending it in the background until the lease is
 * closed. Use it in try-with-resources:
 *
 * <pre>{@code
 * try (Lease lease = lock.tryAcquire(Duration.ofSeconds(1)).orElseThrow()) {
 *     ... work; check lease.isLost() before anything that must not run twice ...
 * }
 * }</pre>
 */
public interface Lease extends AutoCloseable {

    /** The token of the underlying {@link RedisLock}. */
    LockToken token();

    /**
     * Whether the lock is known to be lost: a renewal found the key gone or holding another client's
     * value, or the server could not be reached for longer than the lock's TTL. Once true, stays true.
     * False does not prove that the lock is still held: it may have expired a moment ago.
     */
    boolean isLost();

    /** Stops renewing (no renewal reaches the server afterwards) and releases the lock. Idempotent. */
    @Override
    void close();
}
