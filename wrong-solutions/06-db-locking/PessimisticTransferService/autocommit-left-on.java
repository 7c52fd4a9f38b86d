/*
 * Wrong: autocommit left on (no transaction)
 * Rejected by: PessimisticTransferServiceTest#aFailureInTheMiddleRollsBackEverythingAndReturnsTheConnection, PessimisticTransferServiceTest#locksBothRowsWithSelectForUpdateInAscendingIdOrder
 * Message: never made a second write in the same transaction
 * Caught by: `aFailureInTheMiddleRollsBackEverythingAndReturnsTheConnection`, `locksBothRowsWithSelectForUpdateInAscendingIdOrder` (also `moneyIsConservedWhileEightThreadsTransferAtRandom`: on PostgreSQL, and on H2 on some runs)
 */
package workshop.dblocking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import workshop.dblocking.TransferResult.Status;

/**
 * Transfers money with pessimistic locking: both account rows are locked with
 * {@code SELECT ... FOR UPDATE} before their balances are read, in one transaction, and stay locked
 * until it commits or rolls back. No other writer can change them in between, so the balance check and
 * the updates act on the balance as it is, not as it was.
 *
 * <p>Rows are always locked in ascending id order, whatever the direction of the transfer. Two transfers
 * that need the same two rows therefore queue for the lower one; neither can hold one row while
 * waiting for the other, so they never deadlock.
 *
 * <p>A transfer that would take the destination's balance beyond {@code Long.MAX_VALUE} is refused with an
 * {@link ArithmeticException} before anything is written: the database would refuse the update anyway (a
 * numeric overflow), but only after the source was debited, and its error would not say why.
 *
 * <p>Every balance update also increments the row's {@code version}, so optimistic writers
 * ({@link OptimisticTransferService}) notice the change and the two strategies can share the table.
 *
 * <p>Thread-safe: the service keeps no state of its own; each call runs in its own connection and
 * transaction, and the database serializes the calls that touch the same rows. Each call returns its
 * connection to the pool before it returns or throws.
 */
public class PessimisticTransferService implements TransferService {

    private static final String LOCK_ACCOUNT = "SELECT balance FROM accounts WHERE id = ? FOR UPDATE";
    private static final String ADD_TO_BALANCE =
            "UPDATE accounts SET balance = balance + ?, version = version + 1, updated_at = CURRENT_TIMESTAMP WHERE id = ?";
    private static final String LOG =
            "INSERT INTO transaction_log (from_id, to_id, amount, status, attempts) VALUES (?, ?, ?, ?, ?)";

    private final DataSource dataSource;

    /**
     * A service that takes its connections from {@code dataSource}.
     *
     * @throws NullPointerException if {@code dataSource} is null: at once, not at the first transfer
     */
    public PessimisticTransferService(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public TransferResult transfer(long fromId, long toId, long amount) {
        if (fromId == toId) {
            throw new IllegalArgumentException("fromId and toId must differ, both were " + fromId);
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be more than zero, was " + amount);
        }
        try (Connection connection = dataSource.getConnection()) {
            try {
                TransferResult result = transferIn(connection, fromId, toId, amount);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("transfer of " + amount + " from account " + fromId + " to account " + toId
                    + " failed (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    /** The transfer's statements, in the caller's transaction. */
    private static TransferResult transferIn(Connection connection, long fromId, long toId, long amount)
            throws SQLException {
        // Lock in ascending id order, whatever the direction of the transfer.
        long lowerId = Math.min(fromId, toId);
        long higherId = Math.max(fromId, toId);
        long lowerBalance = lockAndReadBalance(connection, lowerId);
        long higherBalance = lockAndReadBalance(connection, higherId);
        long fromBalance = fromId == lowerId ? lowerBalance : higherBalance;
        long toBalance = toId == lowerId ? lowerBalance : higherBalance;

        if (fromBalance < amount) {
            log(connection, fromId, toId, amount, "ABORTED");
            return new TransferResult(Status.INSUFFICIENT_FUNDS, 1);
        }
        if (toBalance > Long.MAX_VALUE - amount) {
            throw overflow(fromId, toId, amount, toBalance);
        }
        addToBalance(connection, fromId, -amount);
        addToBalance(connection, toId, amount);
        log(connection, fromId, toId, amount, "COMMITTED");
        return new TransferResult(Status.COMMITTED, 1);
    }

    /** Why a transfer that would take the destination's balance beyond {@code Long.MAX_VALUE} is refused. */
    private static ArithmeticException overflow(long fromId, long toId, long amount, long toBalance) {
        return new ArithmeticException("transfer of " + amount + " from account " + fromId + " to account " + toId
                + " refused: account " + toId + "'s balance " + toBalance + " plus " + amount + " would overflow (more"
                + " than Long.MAX_VALUE = " + Long.MAX_VALUE + "); nothing was written");
    }

    /** Locks the account's row until the transaction ends and returns its balance. */
    private static long lockAndReadBalance(Connection connection, long accountId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LOCK_ACCOUNT)) {
            select.setLong(1, accountId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalArgumentException("no account with id " + accountId);
                }
                return row.getLong("balance");
            }
        }
    }

    private static void addToBalance(Connection connection, long accountId, long delta) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(ADD_TO_BALANCE)) {
            update.setLong(1, delta);
            update.setLong(2, accountId);
            if (update.executeUpdate() != 1) {
                // The row is locked by this transaction: nobody can have deleted it.
                throw new IllegalStateException("account " + accountId + " vanished while locked");
            }
        }
    }

    private static void log(Connection connection, long fromId, long toId, long amount, String status)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(LOG)) {
            insert.setLong(1, fromId);
            insert.setLong(2, toId);
            insert.setLong(3, amount);
            insert.setString(4, status);
            insert.setInt(5, 1);
            insert.executeUpdate();
        }
    }

    /** Rolls back after {@code failure}; a failing rollback is attached to it rather than hiding it. */
    private static void rollback(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }
}
