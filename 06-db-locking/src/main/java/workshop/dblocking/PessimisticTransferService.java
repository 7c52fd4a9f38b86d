package workshop.dblocking;

import javax.sql.DataSource;

/**
 * Exercise 1 (README: "1. PessimisticTransferService"). Transfer money between two accounts with
 * pessimistic locking: lock both account rows in the database before reading their balances, in one
 * transaction, so that no other transfer can change them until this one commits or rolls back.
 *
 * <p>Lock the rows in ascending id order, whatever the direction of the transfer: two transfers that
 * lock in opposite orders deadlock. A transfer the balance does not cover changes no balance and logs
 * {@code ABORTED}; a failure anywhere rolls everything back. The full contract is on
 * {@link TransferService}; the tables are in {@code src/main/resources/schema.sql}.
 */
public class PessimisticTransferService implements TransferService {

    private final DataSource dataSource;

    /**
     * A service that takes its connections from {@code dataSource}.
     *
     * @throws NullPointerException if {@code dataSource} is null: at once, not at the first transfer
     */
    public PessimisticTransferService(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public TransferResult transfer(long fromId, long toId, long amount) {
        throw new UnsupportedOperationException("TODO 06-db-locking exercise 1: PessimisticTransferService.transfer()");
    }
}
