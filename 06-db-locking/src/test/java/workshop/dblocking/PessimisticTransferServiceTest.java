package workshop.dblocking;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.opentest4j.AssertionFailedError;
import workshop.dblocking.TransferResult.Status;
import workshop.dblocking.support.DatabaseTest;
import workshop.dblocking.support.TestDatabase;
import workshop.dblocking.support.Unfinished;
import workshop.testkit.Concurrently;
import workshop.testkit.BlockingCall;
import workshop.testkit.PassesOnSkeleton;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;

/** Exercise 1: README "1. PessimisticTransferService". The shared tests are in {@link TransferServiceContract}. */
// Generous: a test that only checks arguments may still pay for starting H2, HikariCP or Mockito on a
// loaded machine. Lock waits are bounded by the databases' lock timeout, not by this.
@TimeLimit(30)
class PessimisticTransferServiceTest extends TransferServiceContract {

    private static final Pattern SELECT_FOR_UPDATE =
            Pattern.compile("^\\s*SELECT\\b.*\\bFOR\\s+(NO\\s+KEY\\s+)?UPDATE\\b.*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    @Override
    TransferService newService(DataSource dataSource) {
        return new PessimisticTransferService(dataSource);
    }

    @Override
    String readme() {
        return "README 1";
    }

    @DatabaseTest
    void locksBothRowsWithSelectForUpdateInAscendingIdOrder(TestDatabase db) throws Exception {
        db.createAccounts(100, 100, 100, 100, 100);
        TransferService service = newService(db.dataSource());

        // From the higher id to the lower: locking in argument order would take account 2 first.
        // While the transfer waits for account 2, the test spends 80 of its 100: the transfer must see 20.
        TransferResult downward = transferWhileTheTestHoldsTheHigherRow(db, service, 2, 1, 30);
        assertThat(downward).withFailMessage(
                "transfer(2 -> 1, 30) waited for account 2 while the test took 80 of its 100, so it must find 20 and"
                        + " return INSUFFICIENT_FUNDS; it returned %s. It checked a balance it had read before the"
                        + " row was locked: read the balance with SELECT ... FOR UPDATE, in the same transaction as the"
                        + " updates.", downward).isEqualTo(new TransferResult(Status.INSUFFICIENT_FUNDS, 1));

        // From the lower id to the higher: locking the destination first would take account 4 first.
        TransferResult upward = transferWhileTheTestHoldsTheHigherRow(db, service, 3, 4, 30);
        assertThat(upward).withFailMessage("transfer(3 -> 4, 30) returned %s", upward)
                .isEqualTo(new TransferResult(Status.COMMITTED, 1));

        assertThat(db.balances()).withFailMessage("expected balances {1=100, 2=20, 3=70, 4=50, 5=260}, saw %s", db.balances())
                .isEqualTo(Map.of(1L, 100L, 2L, 20L, 3L, 70L, 4L, 50L, 5L, 260L));
        assertThat(db.log()).withFailMessage("expected the log [ABORTED 2 -> 1, COMMITTED 3 -> 4], saw %s", db.log())
                .containsExactly(new TestDatabase.LogEntry(2, 1, 30, "ABORTED", 1),
                        new TestDatabase.LogEntry(3, 4, 30, "COMMITTED", 1));
    }

    /**
     * The test locks the higher of the two rows, starts the transfer, and waits until the transfer
     * waits for that lock. Then it checks what the transfer is waiting in (a SELECT ... FOR UPDATE) and
     * that it already holds the lower row; moves 80 out of the locked account to account 5; commits;
     * and returns the transfer's result.
     */
    private TransferResult transferWhileTheTestHoldsTheHigherRow(TestDatabase db, TransferService service, long from,
            long to, long amount) throws Exception {
        long lower = Math.min(from, to);
        long higher = Math.max(from, to);
        String call = "transfer(" + from + " -> " + to + ", " + amount + ")";
        BlockingCall<TransferResult> transfer = null;
        try {
            try (Connection holder = db.lockRow("accounts", higher)) {
                transfer = BlockingCall.start("transfer", () -> service.transfer(from, to, amount));

                Optional<String> waiting = db.awaitLockWaitOrEnd(transfer::isDone, call + " while the test holds account "
                        + higher + "'s row lock");
                if (waiting.isEmpty()) {
                    Unfinished.rethrowTodo(transfer.failure());
                    throw new AssertionFailedError(call + " finished (" + describe(transfer) + ") while the test held a"
                            + " lock on account " + higher + ": it never locked that row, so it read and wrote a balance"
                            + " another transaction was changing. Lock both rows with SELECT ... FOR UPDATE before"
                            + " reading their balances.");
                }
                assertThat(waiting.get()).withFailMessage(
                        "while the test held account %d's row lock, %s waited for it in `%s`, not in a SELECT ... FOR"
                                + " UPDATE: it read the balance without locking the row, so the balance it checked may be"
                                + " gone by the time it writes (two transfers can both see enough money and both spend"
                                + " it). Read each balance with SELECT ... FOR UPDATE.", higher, call, waiting.get())
                        .matches(SELECT_FOR_UPDATE);
                assertThat(db.isRowLockedByAnother("accounts", lower)).withFailMessage(
                        "while %s waited for account %d's row lock, account %d's row was not locked: it locks the"
                                + " higher id first. Then transfer(%d -> %d) and transfer(%d -> %d) at the same time can"
                                + " each hold one row and wait for the other: a deadlock. Lock the lower id first,"
                                + " whatever the direction of the transfer.", call, higher, lower, lower, higher, higher,
                        lower)
                        .isTrue();

                moveMoney(holder, higher, 5, 80);
                holder.commit();
            } // the test's connection closes first, so that a transfer still waiting for its lock can end
            return transfer.assertFinishesWithin(TimeFactor.seconds(15), call + " should have finished once the test"
                    + " committed and let go of account " + higher + "'s row.");
        } finally {
            if (transfer != null) {
                transfer.close();
            }
        }
    }

    private static String describe(BlockingCall<TransferResult> transfer) {
        if (!transfer.isDone()) {
            return "still running";
        }
        return transfer.failure() != null ? "it threw " + transfer.failure()
                : "it returned " + transfer.assertFinishes("it has ended");
    }

    private static void moveMoney(Connection connection, long from, long to, long amount) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE accounts SET balance = balance + ?, version = version + 1 WHERE id = ?")) {
            update.setLong(1, -amount);
            update.setLong(2, from);
            update.executeUpdate();
            update.setLong(1, amount);
            update.setLong(2, to);
            update.executeUpdate();
        }
    }

    @DatabaseTest
    @PassesOnSkeleton("a demonstration in plain JDBC of the deadlock this exercise avoids; it does not call your code")
    void theGuidesArgumentOrderLockingDeadlocks(TestDatabase db) throws Exception {
        db.createAccounts(100, 100);
        CountDownLatch bothHoldTheirFirstRow = new CountDownLatch(2);

        // The guide's order: lock "from", then "to". Two opposite transfers each take their first row,
        // wait for each other, then ask for the row the other holds.
        List<String> outcomes = Concurrently.threads(2).named("guide-transfer").call(thread -> {
            long from = thread == 0 ? 1 : 2;
            long to = thread == 0 ? 2 : 1;
            try (Connection connection = db.connect()) {
                connection.setAutoCommit(false);
                try {
                    lock(connection, from);
                    bothHoldTheirFirstRow.countDown();
                    bothHoldTheirFirstRow.await();
                    lock(connection, to);
                    connection.commit();
                    return "completed";
                } catch (SQLException e) {
                    connection.rollback();
                    return e.getSQLState();
                }
            }
        });

        assertThat(outcomes).withFailMessage(
                "expected %s to break the deadlock by aborting one of the two transfers with SQLState %s, and the"
                        + " other to complete; saw %s", db.label(), db.kind().deadlockState(), outcomes)
                .containsExactlyInAnyOrder("completed", db.kind().deadlockState());
    }

    private static void lock(Connection connection, long id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT balance FROM accounts WHERE id = ? FOR UPDATE")) {
            select.setLong(1, id);
            select.executeQuery().close();
        }
    }
}
