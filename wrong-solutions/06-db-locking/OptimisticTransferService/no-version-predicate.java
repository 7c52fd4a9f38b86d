/*
 * Wrong: `UPDATE ... WHERE id = ?` without the version predicate
 * Rejected by: OptimisticTransferServiceTest#aConflictIsRetriedWithAFreshReadInANewTransaction, OptimisticTransferServiceTest#conflictsReallyHappenUnderAHotSpotAndAreRetried, OptimisticTransferServiceTest#givesUpWithConflictAfterMaxAttemptsHavingWrittenNothing, OptimisticTransferServiceTest#opposingTransfersThatMeetAfterTheirFirstLockBothComplete
 * Message: lost update
 * Caught by: `aConflictIsRetriedWithAFreshReadInANewTransaction`, `conflictsReallyHappenUnderAHotSpotAndAreRetried`, `givesUpWithConflictAfterMaxAttemptsHavingWrittenNothing`, `opposingTransfersThatMeetAfterTheirFirstLockBothComplete` (also `moneyIsConservedWhileEightThreadsTransferAtRandom`: on PostgreSQL, and on H2 on some runs)
 */
package workshop.dblocking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import workshop.dblocking.TransferResult.Status;

/**
 * Transfers money with optimistic locking: the rows are read without a lock, and each is written only
 * if its {@code version} is still the one that was read ({@code UPDATE ... WHERE id = ? AND version = ?}
 * must change exactly one row). A write that changes no row means another writer got there first: the
 * attempt is rolled back and the whole transfer is tried again, reading afresh in a new transaction,
 * after a pause chosen by the {@link RetryPolicy}. When the attempts run out the transfer returns
 * {@link Status#CONFLICT} having written nothing.
 *
 * <p>Optimistic does not mean lock-free: a version-checked {@code UPDATE} still locks its row until the
 * transaction ends, and a second writer waits for it. So the two rows are written in ascending id order,
 * as in {@link PessimisticTransferService}, or two transfers in opposite directions could deadlock.
 *
 * <p>A transfer that would take the destination's balance beyond {@code Long.MAX_VALUE} is refused with an
 * {@link ArithmeticException} before anything is written ({@code balance + amount} would wrap around in Java).
 *
 * <p>Transactions the database aborts to resolve a conflict (SQLState {@code 40001}, serialization
 * failure, which is also how H2 reports a deadlock; {@code 40P01}, PostgreSQL's deadlock) are retried
 * like a version conflict. Every other failure rolls back and is thrown.
 *
 * <p>Thread-safe: the service keeps no state of its own; each attempt runs in its own connection and
 * transaction. Each call returns its connections to the pool before it returns or throws.
 */
public class OptimisticTransferService implements TransferService {

    private static final String READ_ACCOUNTS = "SELECT id, balance, version FROM accounts WHERE id IN (?, ?)";
    private static final String WRITE_IF_UNCHANGED = "UPDATE accounts SET balance = ?, version = version + 1,"
            + " updated_at = CURRENT_TIMESTAMP WHERE id = ?";
    private static final String LOG =
            "INSERT INTO transaction_log (from_id, to_id, amount, status, attempts) VALUES (?, ?, ?, ?, ?)";

    /** SQLState of a serialization failure (both databases), and how H2 reports a deadlock. */
    private static final String SERIALIZATION_FAILURE = "40001";
    /** SQLState of a deadlock on PostgreSQL. */
    private static final String POSTGRES_DEADLOCK = "40P01";

    private final DataSource dataSource;
    private final RetryPolicy retryPolicy;

    /**
     * A service that takes its connections from {@code dataSource} and retries as {@code retryPolicy} says.
     *
     * @throws NullPointerException if {@code dataSource} or {@code retryPolicy} is null: at once, not at the
     *         first transfer
     */
    public OptimisticTransferService(DataSource dataSource, RetryPolicy retryPolicy) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
    }

    @Override
    public TransferResult transfer(long fromId, long toId, long amount) {
        if (fromId == toId) {
            throw new IllegalArgumentException("fromId and toId must differ, both were " + fromId);
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be more than zero, was " + amount);
        }
        for (int attempt = 1; attempt <= retryPolicy.maxAttempts(); attempt++) {
            backOffBefore(attempt);
            Optional<TransferResult> decided = attempt(fromId, toId, amount, attempt);
            if (decided.isPresent()) {
                return decided.get();
            }
        }
        return new TransferResult(Status.CONFLICT, retryPolicy.maxAttempts());
    }

    /**
     * One attempt in its own transaction: the result if it committed, empty if it lost a race and was
     * rolled back.
     */
    private Optional<TransferResult> attempt(long fromId, long toId, long amount, int attempt) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<TransferResult> decided = attemptIn(connection, fromId, toId, amount, attempt);
                if (decided.isPresent()) {
                    connection.commit();
                } else {
                    connection.rollback(); // undo the first row's write: the next attempt starts afresh
                }
                return decided;
            } catch (SQLException e) {
                rollback(connection, e);
                if (isTransientConflict(e)) {
                    return Optional.empty();
                }
                throw e;
            } catch (RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("transfer of " + amount + " from account " + fromId + " to account " + toId
                    + " failed in attempt " + attempt + " (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    /** One attempt's statements, in the caller's transaction; empty when a row changed since it was read. */
    private static Optional<TransferResult> attemptIn(Connection connection, long fromId, long toId, long amount,
            int attempt) throws SQLException {
        Snapshot from = null;
        Snapshot to = null;
        try (PreparedStatement select = connection.prepareStatement(READ_ACCOUNTS)) {
            select.setLong(1, fromId);
            select.setLong(2, toId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Snapshot row = new Snapshot(rows.getLong("id"), rows.getLong("balance"), rows.getLong("version"));
                    if (row.id() == fromId) {
                        from = row;
                    } else {
                        to = row;
                    }
                }
            }
        }
        if (from == null || to == null) {
            throw new IllegalArgumentException("no account with id " + (from == null ? fromId : toId));
        }
        if (from.balance() < amount) {
            log(connection, fromId, toId, amount, "ABORTED", attempt);
            return Optional.of(new TransferResult(Status.INSUFFICIENT_FUNDS, attempt));
        }
        if (to.balance() > Long.MAX_VALUE - amount) {
            // to.balance() + amount would wrap around to a negative number in Java.
            throw new ArithmeticException("transfer of " + amount + " from account " + fromId + " to account " + toId
                    + " refused: account " + toId + "'s balance " + to.balance() + " plus " + amount + " would overflow"
                    + " (more than Long.MAX_VALUE = " + Long.MAX_VALUE + "); nothing was written");
        }
        // Write in ascending id order: a version-checked UPDATE locks its row like any other.
        Snapshot lower = fromId < toId ? from : to;
        Snapshot higher = fromId < toId ? to : from;
        for (Snapshot row : new Snapshot[] {lower, higher}) {
            long newBalance = row == from ? from.balance() - amount : to.balance() + amount;
            if (!writeIfUnchanged(connection, row, newBalance)) {
                return Optional.empty();
            }
        }
        log(connection, fromId, toId, amount, "COMMITTED", attempt);
        return Optional.of(new TransferResult(Status.COMMITTED, attempt));
    }

    /** Writes the new balance if the row still has the version that was read; false if it changed. */
    private static boolean writeIfUnchanged(Connection connection, Snapshot row, long newBalance) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(WRITE_IF_UNCHANGED)) {
            update.setLong(1, newBalance);
            update.setLong(2, row.id());
            return update.executeUpdate() == 1;
        }
    }

    private static void log(Connection connection, long fromId, long toId, long amount, String status, int attempt)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(LOG)) {
            insert.setLong(1, fromId);
            insert.setLong(2, toId);
            insert.setLong(3, amount);
            insert.setString(4, status);
            insert.setInt(5, attempt);
            insert.executeUpdate();
        }
    }

    /** Sleeps as the retry policy says before {@code attempt} (not at all before the first). */
    private void backOffBefore(int attempt) {
        Duration delay = retryPolicy.delayBeforeAttempt(attempt, ThreadLocalRandom.current());
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a transfer; nothing was transferred", e);
        }
    }

    /** Whether the database aborted the transaction to resolve a conflict, so that trying again may succeed. */
    private static boolean isTransientConflict(SQLException e) {
        return SERIALIZATION_FAILURE.equals(e.getSQLState()) || POSTGRES_DEADLOCK.equals(e.getSQLState());
    }

    /** Rolls back after {@code failure}; a failing rollback is attached to it rather than hiding it. */
    private static void rollback(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }

    /** A row as one attempt read it. */
    private record Snapshot(long id, long balance, long version) {
    }
}
