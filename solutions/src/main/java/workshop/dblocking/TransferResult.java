package workshop.dblocking;

import java.util.Objects;

/**
 * The outcome of one {@link TransferService#transfer} call.
 *
 * @param status what happened
 * @param attempts how many database transactions the transfer took (1 unless it was retried)
 */
public record TransferResult(Status status, int attempts) {

    /** What happened to a transfer. */
    public enum Status {
        /** The money moved; the log says {@code COMMITTED}. */
        COMMITTED,
        /** The source account held less than the amount; nothing moved; the log says {@code ABORTED}. */
        INSUFFICIENT_FUNDS,
        /** Every attempt lost a race with another writer (optimistic locking); nothing was written. */
        CONFLICT
    }

    public TransferResult {
        Objects.requireNonNull(status, "status");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
    }
}
