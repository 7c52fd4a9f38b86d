/*
 * Wrong: the token check outside the store's lock
 * Rejected by: FencedStoreTest#aStaleWriterNeverLandsAfterANewerOneUnderContention
 * Message: written with a lower
 */
package workshop.redislocking;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A storage service that protects itself from stale lock holders: every write carries the writer's
 * fencing token, and the store refuses a write whose token is lower than the highest token it has seen
 * (on any key). A client whose lock expired while it was paused comes back with an old token and is
 * turned away, however sure it is that it still holds the lock.
 *
 * <p>The check and the write happen under one lock: a check-then-write without it would let a stale
 * writer pass the check, lose the CPU, and write after a newer writer.
 *
 * <p>Thread-safe. Actions before a successful {@code write} happen-before a {@code read} that sees it.
 */
public class FencedStore {

    private final ReentrantLock lock = new ReentrantLock();

    @GuardedBy("lock")
    private final Map<String, String> values = new HashMap<>();

    /** The highest fencing token seen in a write so far; 0 before the first. */
    @GuardedBy("lock")
    private long highest;

    /**
     * Stores {@code value} under {@code key} unless a write with a higher token came first.
     *
     * @return true if written; false if {@code fencingToken} is lower than the highest token seen (a
     *         token equal to it is accepted: the current holder may write many times)
     */
    public boolean write(long fencingToken, String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (fencingToken < highestTokenSeen()) {
            return false;
        }
        lock.lock();
        try {
            highest = fencingToken;
            values.put(key, value);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The value last written under {@code key}. */
    public Optional<String> read(String key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            return Optional.ofNullable(values.get(key));
        } finally {
            lock.unlock();
        }
    }

    /** The highest fencing token seen in a write so far; 0 before the first. */
    public long highestTokenSeen() {
        lock.lock();
        try {
            return highest;
        } finally {
            lock.unlock();
        }
    }
}
