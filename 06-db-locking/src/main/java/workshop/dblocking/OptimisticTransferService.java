package workshop.dblocking;

import javax.sql.DataSource;

/**
 * Exercise 2 (README: "2. OptimisticTransferService"). Transfer money between two accounts with
 * optimistic locking: read the rows without locking them, then write each one only if its
 * {@code version} is still the one you read. When a write finds the row changed, another transfer won
 * the race: undo this attempt and try the whole transfer again, as {@link RetryPolicy} says, until it
 * commits or the attempts run out ({@link TransferResult.Status#CONFLICT}).
 *
 * <p>The full contract is on {@link TransferService}; the tables are in
 * {@code src/main/resources/schema.sql}.
 */
public class OptimisticTransferService implements TransferService {

    private final DataSource dataSource;
    private final RetryPolicy retryPolicy;

    /**
     * A service that takes its connections from {@code dataSource} and retries as {@code retryPolicy} says.
     *
     * @throws NullPointerException if {@code dataSource} or {@code retryPolicy} is null: at once, not at the
     *         first transfer
     */
    public OptimisticTransferService(DataSource dataSource, RetryPolicy retryPolicy) {
        this.dataSource = dataSource;
        this.retryPolicy = retryPolicy;
    }

    @Override
    public TransferResult transfer(long fromId, long toId, long amount) {
        throw new UnsupportedOperationException("TODO 06-db-locking exercise 2: OptimisticTransferService.transfer()");
    }
}
