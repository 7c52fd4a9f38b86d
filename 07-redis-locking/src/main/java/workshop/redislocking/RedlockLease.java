package workshop.redislocking;

import java.time.Duration;
import java.util.Objects;

/**
 * A lock granted by a majority of {@link Redlock}'s servers.
 *
 * @param name     the lock's name (its Redis key on every server)
 * @param token    the random value stored under the key on every server that granted the lock
 * @param validity how long the lock is safe to use, counted from the moment acquisition finished:
 *                 {@code ttl - time spent acquiring - clock drift allowance}; always positive
 */
public record RedlockLease(String name, String token, Duration validity) {

    public RedlockLease {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(validity, "validity");
    }

    /** Shows only the first characters of the token: whoever reads the whole token can release the lock. */
    @Override
    public String toString() {
        return "RedlockLease[name=" + name + ", token=" + token.substring(0, Math.min(6, token.length() / 4)) + "..., validity=" + validity + "]";
    }
}
