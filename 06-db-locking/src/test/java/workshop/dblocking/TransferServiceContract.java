package workshop.dblocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.dblocking.TransferResult.Status;
import workshop.dblocking.support.DatabaseTest;
import workshop.dblocking.support.Ledger;
import workshop.dblocking.support.Ledger.Transfer;
import workshop.dblocking.support.MeetAfterFirstRowLock;
import workshop.dblocking.support.ObservedDataSource;
import workshop.dblocking.support.SqlStates;
import workshop.dblocking.support.TestDatabase;
import workshop.dblocking.support.Unfinished;
import workshop.testkit.BlockingCall;
import workshop.testkit.Concurrently;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;

/**
 * What every {@link TransferService} must do, whatever its locking strategy: the tests that
 * {@link PessimisticTransferServiceTest} and {@link OptimisticTransferServiceTest} share.
 */
abstract class TransferServiceContract {

    static final int THREADS = 8;
    static final int ACCOUNTS = 5;
    static final int TRANSFERS_PER_THREAD = 100;
    static final long INITIAL_BALANCE = 100;
    static final long MAX_AMOUNT = 60;

    /** The service under test, taking its connections from {@code dataSource}. */
    abstract TransferService newService(DataSource dataSource);

    /** "README 1" or "README 2": where failure messages send the learner. */
    abstract String readme();

    @DatabaseTest
    void movesMoneyAndLogsEachTransfer(TestDatabase db) throws Exception {
        db.createAccounts(100, 50);
        TransferService service = newService(db.dataSource());

        TransferResult first = service.transfer(1, 2, 30);
        TransferResult second = service.transfer(2, 1, 80); // the whole balance: allowed, leaves 0

        assertThat(List.of(first, second)).withFailMessage(
                "transfer(1 -> 2, 30) and then transfer(2 -> 1, 80) returned %s; both are covered, so both must be"
                        + " COMMITTED in one attempt", List.of(first, second))
                .containsExactly(new TransferResult(Status.COMMITTED, 1), new TransferResult(Status.COMMITTED, 1));
        assertThat(db.balances()).withFailMessage(
                "after moving 30 from account 1 (100) to account 2 (50), then 80 back, expected {1=150, 2=0}, saw %s",
                db.balances()).isEqualTo(Map.of(1L, 150L, 2L, 0L));
        assertThat(db.versions()).withFailMessage(
                "each transfer must increment the version of both its rows once (version = version + 1): after two"
                        + " transfers between accounts 1 and 2 expected versions {1=2, 2=2}, saw %s", db.versions())
                .isEqualTo(Map.of(1L, 2L, 2L, 2L));
        assertThat(db.log()).withFailMessage(
                "transaction_log must hold one COMMITTED row per transfer, oldest first, with attempts = 1; saw %s",
                db.log()).containsExactly(
                        new TestDatabase.LogEntry(1, 2, 30, "COMMITTED", 1),
                        new TestDatabase.LogEntry(2, 1, 80, "COMMITTED", 1));
    }

    @DatabaseTest
    void insufficientFundsChangeNothingAndAreLoggedAsAborted(TestDatabase db) throws Exception {
        db.createAccounts(50, 0);
        TransferService service = newService(db.dataSource());

        TransferResult result = service.transfer(1, 2, 51);

        assertThat(result).withFailMessage("transfer(1 -> 2, 51) from a balance of 50 returned %s", result)
                .isEqualTo(new TransferResult(Status.INSUFFICIENT_FUNDS, 1));
        assertThat(db.accounts().values()).withFailMessage(
                "a transfer the balance does not cover must change no balance and no version; saw %s", db.accounts())
                .containsExactly(new TestDatabase.Account(1, 50, 0), new TestDatabase.Account(2, 0, 0));
        assertThat(db.log()).withFailMessage(
                "a transfer refused for insufficient funds must leave one ABORTED row in transaction_log (committed:"
                        + " the refusal is a decision worth recording); saw %s", db.log())
                .containsExactly(new TestDatabase.LogEntry(1, 2, 51, "ABORTED", 1));
    }

    @DatabaseTest
    void anUnknownAccountIsRejectedAndChangesNothing(TestDatabase db) throws Exception {
        db.createAccounts(100, 100);
        TransferService service = newService(db.dataSource());

        assertThatExceptionOfType(IllegalArgumentException.class).as("transfer(1 -> 99, 10), and there is no account 99")
                .isThrownBy(() -> service.transfer(1, 99, 10)).withMessageContaining("99");
        assertThatExceptionOfType(IllegalArgumentException.class).as("transfer(98 -> 2, 10), and there is no account 98")
                .isThrownBy(() -> service.transfer(98, 2, 10)).withMessageContaining("98");

        assertThat(db.accounts().values()).withFailMessage(
                "a transfer that names an unknown account must change nothing (roll back); saw %s", db.accounts())
                .containsExactly(new TestDatabase.Account(1, 100, 0), new TestDatabase.Account(2, 100, 0));
        assertThat(db.log()).withFailMessage("a transfer that names an unknown account must log nothing; saw %s", db.log())
                .isEmpty();
    }

    @DatabaseTest
    void aFailureInTheMiddleRollsBackEverythingAndReturnsTheConnection(TestDatabase db) throws Exception {
        db.createAccounts(100, 100);
        SQLException injected = new SQLException("injected by the test: the second write of the transfer failed", "XX000");
        AtomicReference<String> failedStatement = new AtomicReference<>();
        db.dataSource().listen(new ObservedDataSource.Listener() {
            @Override
            public void beforeExecute(ObservedDataSource.Execution execution) throws SQLException {
                if (execution.isWrite() && execution.writesBefore() == 1 && failedStatement.compareAndSet(null, execution.sql())) {
                    throw injected;
                }
            }
        });
        TransferService service = newService(db.dataSource());

        Throwable thrown = catchThrowable(() -> service.transfer(1, 2, 30));
        Unfinished.rethrowTodo(thrown);

        assertThat(failedStatement.get()).withFailMessage(
                "transfer(1 -> 2, 30) never made a second write in the same transaction (thrown: %s). A transfer writes"
                        + " two balances and a log row, all in one transaction: setAutoCommit(false), then commit()"
                        + " once at the end.", thrown).isNotNull();
        assertThat(thrown).withFailMessage(
                "the transfer's second write (%s) failed with an SQLException, but transfer() returned normally: a"
                        + " failure must not be hidden. Roll back and throw an unchecked exception with the"
                        + " SQLException as its cause.", failedStatement.get()).isNotNull();
        assertThat(causes(thrown)).withFailMessage(
                "transfer() threw %s, but the SQLException of the failed write is not among its causes: wrap it"
                        + " (new IllegalStateException(message, e)) rather than drop it", thrown).contains(injected);
        assertThat(db.balances()).withFailMessage(
                "after the transfer's second write (%s) failed, the balances are %s instead of {1=100, 2=100}: the"
                        + " first write was committed on its own. Run the whole transfer in one transaction and roll it"
                        + " back when anything fails (%s: transactions).", failedStatement.get(), db.balances(), readme())
                .isEqualTo(Map.of(1L, 100L, 2L, 100L));
        assertThat(db.log()).withFailMessage("the failed transfer left rows in transaction_log: %s", db.log()).isEmpty();
        assertThat(db.activeConnections()).withFailMessage(
                "after the failed transfer, %d connection(s) are still out of the pool: close the connection in every"
                        + " case, also when a statement throws (try-with-resources)", db.activeConnections()).isZero();

        db.dataSource().listen(new ObservedDataSource.Listener() {
        });
        TransferResult retried = service.transfer(1, 2, 30);
        assertThat(retried).withFailMessage(
                "after a failed transfer, the next one on a pooled connection returned %s: the connection came back"
                        + " in a bad state", retried).isEqualTo(new TransferResult(Status.COMMITTED, 1));
        assertThat(db.balances()).isEqualTo(Map.of(1L, 70L, 2L, 130L));
    }

    @DatabaseTest
    void aTransferThatWouldOverflowTheDestinationIsRefusedBeforeAnythingIsWritten(TestDatabase db) throws Exception {
        long nearlyFull = Long.MAX_VALUE - 5;
        db.createAccounts(10, nearlyFull, Long.MAX_VALUE, 1);
        TransferService service = newService(db.dataSource());

        assertRefusedAsOverflow(db, service, 1, 2, 10, "account 2 holds Long.MAX_VALUE - 5");
        assertRefusedAsOverflow(db, service, 3, 4, Long.MAX_VALUE, "account 3 holds Long.MAX_VALUE, account 4 holds 1");
        assertThat(db.accounts().values()).withFailMessage(
                "a transfer refused as an overflow must change nothing: no balance, no version; saw %s", db.accounts())
                .containsExactly(new TestDatabase.Account(1, 10, 0), new TestDatabase.Account(2, nearlyFull, 0),
                        new TestDatabase.Account(3, Long.MAX_VALUE, 0), new TestDatabase.Account(4, 1, 0));
        assertThat(db.log()).withFailMessage(
                "a transfer refused as an overflow must write nothing, not even a log row (it is refused, like an"
                        + " unknown account, not decided like insufficient funds); saw %s", db.log()).isEmpty();

        // Up to the limit, and no further, is fine; an amount of Long.MAX_VALUE the source lacks is a decision.
        List<TransferResult> results = List.of(service.transfer(3, 4, Long.MAX_VALUE - 1), service.transfer(1, 2, 5),
                service.transfer(1, 3, Long.MAX_VALUE));
        assertThat(results).withFailMessage(
                "transfer(3 -> 4, Long.MAX_VALUE - 1) and transfer(1 -> 2, 5) fill accounts 4 and 2 up to exactly"
                        + " Long.MAX_VALUE (allowed: COMMITTED), and transfer(1 -> 3, Long.MAX_VALUE) from a balance of 5 is"
                        + " INSUFFICIENT_FUNDS; they returned %s", results)
                .containsExactly(new TransferResult(Status.COMMITTED, 1), new TransferResult(Status.COMMITTED, 1),
                        new TransferResult(Status.INSUFFICIENT_FUNDS, 1));
        assertThat(db.balances()).withFailMessage(
                "expected balances {1=5, 2=Long.MAX_VALUE, 3=1, 4=Long.MAX_VALUE}, saw %s", db.balances())
                .isEqualTo(Map.of(1L, 5L, 2L, Long.MAX_VALUE, 3L, 1L, 4L, Long.MAX_VALUE));
    }

    /** Fails, saying what happened instead, unless the transfer throws ArithmeticException saying "overflow". */
    private void assertRefusedAsOverflow(TestDatabase db, TransferService service, long from, long to, long amount,
            String situation) {
        String call = "transfer(" + from + " -> " + to + ", " + (amount == Long.MAX_VALUE ? "Long.MAX_VALUE" : amount) + ")";
        String advice = " The destination's new balance would exceed Long.MAX_VALUE: refuse the transfer before writing"
                + " anything. Check `toBalance > Long.MAX_VALUE - amount` (toBalance + amount itself wraps around to a"
                + " negative number in Java) and throw an ArithmeticException whose message says \"overflow\""
                + " (" + readme() + ", and the contract on TransferService).";
        TransferResult result;
        try {
            result = service.transfer(from, to, amount);
        } catch (ArithmeticException e) {
            assertThat(String.valueOf(e.getMessage())).withFailMessage(
                    "%s (%s) threw ArithmeticException(\"%s\"): right, but the message should say that the"
                            + " destination's balance would overflow (the word \"overflow\", the account and the amount).",
                    call, situation, e.getMessage()).containsIgnoringCase("overflow");
            return;
        } catch (RuntimeException e) {
            Unfinished.rethrowTodo(e);
            SQLException sql = SqlStates.sqlExceptionIn(e);
            throw new AssertionFailedError(call + " (" + situation + ") threw " + e.getClass().getSimpleName() + " ("
                    + SqlStates.explain(e) + ") instead of reporting an overflow." + (sql == null ? ""
                            : " The database refused a write (a balance out of BIGINT's range, or wrapped around to a"
                                    + " negative number and caught by CHECK (balance >= 0)): the transfer did not"
                                    + " check first.") + advice, e);
        }
        throw new AssertionFailedError(call + " (" + situation + ") returned " + result + " instead of being refused"
                + " as an overflow: money would have been created or lost." + advice);
    }

    @DatabaseTest
    void allSqlIsParameterized(TestDatabase db) throws Exception {
        long from = 7_919_001;
        long to = 7_919_002;
        long unknown = 7_919_404;
        db.createAccounts(new LinkedHashMap<>(Map.of(from, 50_000L, to, 0L)));
        TransferService service = newService(db.dataSource());

        service.transfer(from, to, 4_321);
        service.transfer(to, from, 999_999_937);
        catchThrowable(() -> service.transfer(from, unknown, 17_389));

        Pattern values = Pattern.compile("7919001|7919002|7919404|4321|999999937|17389");
        List<String> offending = db.dataSource().statements().stream().filter(sql -> values.matcher(sql).find()).toList();
        assertThat(db.dataSource().statements()).withFailMessage("the transfers ran no SQL through the DataSource")
                .isNotEmpty();
        assertThat(offending).withFailMessage(
                "these statements have ids or amounts written into their SQL text: %s. Build no SQL from values:"
                        + " use PreparedStatement placeholders (?) and setLong(...). Concatenated SQL is how SQL"
                        + " injection happens, and every distinct text is parsed and planned anew.", offending).isEmpty();
    }

    @DatabaseTest
    @TimeLimit(60)
    void moneyIsConservedWhileEightThreadsTransferAtRandom(TestDatabase db) throws Exception {
        long[] balances = new long[ACCOUNTS];
        Arrays.fill(balances, INITIAL_BALANCE);
        Map<Long, Long> initial = db.createAccounts(balances);
        TransferService service = newService(db.dataSource());

        List<Transfer> transfers = randomTransfers(db, service, ACCOUNTS, TRANSFERS_PER_THREAD, MAX_AMOUNT);

        assertNoLockErrors(db);
        Ledger.assertConsistent(db, initial, transfers);
        assertThat(transfers.stream().filter(t -> t.result().status() == Status.COMMITTED).count())
                .withFailMessage("not one of %d random transfers committed", transfers.size()).isPositive();
    }

    @DatabaseTest
    void opposingTransfersThatMeetAfterTheirFirstLockBothComplete(TestDatabase db) throws Exception {
        Map<Long, Long> initial = db.createAccounts(100, 100);
        MeetAfterFirstRowLock meeting = new MeetAfterFirstRowLock(db);
        db.dataSource().listen(meeting);
        TransferService service = newService(db.dataSource());

        List<Transfer> transfers = new ArrayList<>();
        try (BlockingCall<TransferResult> oneToTwo = BlockingCall.start("transfer-1-to-2", () -> service.transfer(1, 2, 10));
                BlockingCall<TransferResult> twoToOne = BlockingCall.start("transfer-2-to-1", () -> service.transfer(2, 1, 20))) {
            transfers.add(new Transfer(1, 2, 10, outcome(db, oneToTwo, "transfer(1 -> 2, 10)")));
            transfers.add(new Transfer(2, 1, 20, outcome(db, twoToOne, "transfer(2 -> 1, 20)")));
        }

        assertNoLockErrors(db);
        assertThat(transfers).withFailMessage(
                "transfer(1 -> 2) and transfer(2 -> 1), made to meet after each took its first row lock (%s), returned"
                        + " %s; both must commit", meeting.outcome(), transfers)
                .allMatch(t -> t.result().status() == Status.COMMITTED);
        Ledger.assertConsistent(db, initial, transfers);
    }

    @Test
    void rejectsBadArgumentsBeforeAnySqlRuns() {
        DataSource dataSource = mock(DataSource.class);
        TransferService service = newService(dataSource);

        assertThatExceptionOfType(IllegalArgumentException.class).as("transfer(1 -> 1, 10): to the same account")
                .isThrownBy(() -> service.transfer(1, 1, 10));
        assertThatExceptionOfType(IllegalArgumentException.class).as("transfer(1 -> 2, 0)")
                .isThrownBy(() -> service.transfer(1, 2, 0));
        assertThatExceptionOfType(IllegalArgumentException.class).as("transfer(1 -> 2, -5): would move money backwards")
                .isThrownBy(() -> service.transfer(1, 2, -5));
        assertThat(mockingDetails(dataSource).getInvocations()).withFailMessage(
                "the service used its DataSource (%s) for arguments it must reject first: check them before taking a"
                        + " connection", mockingDetails(dataSource).getInvocations()).isEmpty();
        assertRejectsNull("the service's constructor", () -> newService(null), "DataSource");
    }

    // ---- helpers ----

    /**
     * Fails with an explanation unless {@code call} throws NullPointerException at once: a constructor that keeps a
     * null would fail much later, at the first transfer, far from the mistake.
     */
    static void assertRejectsNull(String what, Runnable call, String parameter) {
        Throwable thrown = catchThrowable(call::run);
        Unfinished.rethrowTodo(thrown);
        if (!(thrown instanceof NullPointerException)) {
            throw new AssertionFailedError(what + " was given a null " + parameter + " and " + (thrown == null
                    ? "accepted it" : "threw " + thrown) + ": it must throw NullPointerException at once (as its"
                    + " Javadoc says), or the mistake shows up only at the first call, far from where it"
                    + " was made. Objects.requireNonNull(" + Character.toLowerCase(parameter.charAt(0))
                    + parameter.substring(1) + ", \"" + Character.toLowerCase(parameter.charAt(0)) + parameter.substring(1)
                    + "\") does it.", thrown);
        }
    }

    /** Each of THREADS threads makes {@code perThread} random transfers among accounts 1..accounts. */
    List<Transfer> randomTransfers(TestDatabase db, TransferService service, int accounts, int perThread, long maxAmount) {
        Queue<Transfer> done = new ConcurrentLinkedQueue<>();
        long seed = System.nanoTime();
        Concurrently.threads(THREADS).named("transfer").within(Duration.ofSeconds(50)).run(thread -> {
            SplittableRandom random = new SplittableRandom(seed + thread);
            for (int i = 0; i < perThread; i++) {
                long from = 1 + random.nextInt(accounts);
                long to = 1 + random.nextInt(accounts - 1);
                if (to >= from) {
                    to++;
                }
                long amount = 1 + random.nextLong(maxAmount);
                done.add(new Transfer(from, to, amount, call(db, service, from, to, amount)));
            }
        });
        return List.copyOf(done);
    }

    private TransferResult call(TestDatabase db, TransferService service, long from, long to, long amount) {
        try {
            return service.transfer(from, to, amount);
        } catch (RuntimeException e) {
            Unfinished.rethrowTodo(e);
            throw new AssertionFailedError("transfer(" + from + " -> " + to + ", " + amount + ") threw "
                    + SqlStates.explain(e) + hint(db, SqlStates.sqlExceptionIn(e)), e);
        }
    }

    private TransferResult outcome(TestDatabase db, BlockingCall<TransferResult> transfer, String what) {
        try {
            return transfer.assertFinishesWithin(TimeFactor.scaled(TestDatabase.LOCK_TIMEOUT.multipliedBy(2)), what
                    + " did not return: two transfers that meet after their first row lock wait for each other until the"
                    + " database's lock timeout or deadlock detection ends one of them.");
        } catch (RuntimeException e) {
            Unfinished.rethrowTodo(e);
            throw new AssertionFailedError(what + " threw " + SqlStates.explain(e) + hint(db, SqlStates.sqlExceptionIn(e)), e);
        }
    }

    private String hint(TestDatabase db, SQLException e) {
        if (e == null) {
            return "";
        }
        if (db.kind().isDeadlock(e)) {
            return ". Two transfers over the same two accounts in opposite directions each locked one row and waited"
                    + " for the other. Lock (or write) the rows in ascending id order, whatever the direction (" + readme()
                    + ").";
        }
        if (db.kind().isLockNotAvailable(e)) {
            return ". A statement waited " + TestDatabase.LOCK_TIMEOUT.toSeconds() + " s for a row lock: some"
                    + " transaction held it that long. Is a transaction left open, or does one transfer use two"
                    + " connections, the second waiting for the first?";
        }
        return "";
    }

    /** Fails if the database reported a deadlock or a lock timeout to the code under test, even one it handled. */
    static void assertNoLockErrors(TestDatabase db) {
        List<String> lockErrors = db.dataSource().failures().stream()
                .filter(e -> db.kind().isDeadlock(e) || db.kind().isLockNotAvailable(e))
                .map(SqlStates::explain).toList();
        assertThat(lockErrors).withFailMessage(
                "the database reported %d lock error(s) to the transfers, even if they were retried: %s. Ordered"
                        + " locking never deadlocks: lock (or write) the two rows in ascending id order, whatever the"
                        + " direction of the transfer.", lockErrors.size(), lockErrors.stream().limit(3).toList())
                .isEmpty();
    }

    static List<Throwable> causes(Throwable t) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = new HashSet<>();
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain;
    }
}
