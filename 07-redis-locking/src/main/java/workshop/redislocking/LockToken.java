package workshop.redislocking;

import java.util.Objects;

/**
 * Proof that a client acquired a {@link RedisLock}: the lock's name and the random value the lock stored
 * under that name. Only the client that holds the value can release or extend the lock, because both
 * compare the value in Redis with this one before they act.
 *
 * @param name  the name of the lock (its Redis key)
 * @param value the random value stored under the key while this client holds the lock
 */
public record LockToken(String name, String value) {

    public LockToken {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /**
     * Shows the name and only the first characters of the value: whoever reads the value in a log can
     * release or extend the lock, so the whole value never appears in one.
     */
    @Override
    public String toString() {
        return "LockToken[name=" + name + ", value=" + value.substring(0, Math.min(6, value.length() / 4)) + "...]";
    }
}
