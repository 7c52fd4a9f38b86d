package workshop.redislocking;

import java.util.Optional;

/**
 * Exercise 4 (README: "4. FencedLock, FencedStore"). A storage service (in memory) that protects itself
 * from stale lock holders: every write carries the writer's fencing token, and the store refuses a write
 * whose token is lower than the highest token it has seen on any key. A token equal to the highest is
 * accepted (the current holder may write many times). Many threads use it at once.
 */
@SuppressWarnings("unused")
public class FencedStore {

    /**
     * Stores {@code value} under {@code key} unless a write with a higher token came first.
     *
     * @return true if written; false if {@code fencingToken} is lower than the highest token seen
     */
    public boolean write(long fencingToken, String key, String value) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 4: FencedStore.write(long, String, String)");
    }

    /** The value last written under {@code key}. */
    public Optional<String> read(String key) {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 4: FencedStore.read(String)");
    }

    /** The highest fencing token seen in a write so far; 0 before the first. */
    public long highestTokenSeen() {
        throw new UnsupportedOperationException("TODO 07-redis-locking exercise 4: FencedStore.highestTokenSeen()");
    }
}
