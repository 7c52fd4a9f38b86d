package workshop.redislocking;

import java.util.Objects;

/**
 * A lock granted by {@link FencedLock}, with its fencing token: a number that grows with every grant of
 * the lock. Pass the number with every write to the protected resource ({@link FencedStore}), which
 * refuses writes that carry a lower number than one it has already seen.
 *
 * @param lock         the lock's name and the random value stored under it (for release)
 * @param fencingToken the number of this grant; a later grant always has a higher one
 */
public record FencedToken(LockToken lock, long fencingToken) {

    public FencedToken {
        Objects.requireNonNull(lock, "lock");
    }
}
