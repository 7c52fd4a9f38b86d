package workshop.dblocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.mockito.Mockito.mock;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.dblocking.TransferResult.Status;
import workshop.dblocking.support.DatabaseTest;
import workshop.dblocking.support.Ledger;
import workshop.dblocking.support.Ledger.Transfer;
import workshop.dblocking.support.ObservedDataSource;
import workshop.dblocking.support.TestDatabase;
import workshop.dblocking.support.Unfinished;
import workshop.testkit.BlockingCall;
import workshop.testkit.PassesOnSkeleton;
import workshop.testkit.TimeFactor;
import workshop.testkit.Timeouts;
import workshop.testkit.TimeLimit;

/** Exercise 2: README "2. OptimisticTransferService". The shared tests are in {@link TransferServiceContract}. */
// Generous: a test that only checks arguments may still pay for starting H2, HikariCP or Mockito on a
// loaded machine. Lock waits are bounded by the databases' lock timeout, not by this.
@TimeLimit(30)
class OptimisticTransferServiceTest extends TransferServiceContract {

    /** Generous enough that the shared tests' random transfers practically never give up. */
    private static final RetryPolicy PATIENT = new RetryPolicy(50, Duration.ofMillis(1), Duration.ofMillis(16));

    /** In the hot-spot test: how long a transfer "thinks" between reading the rows and writing them. */
    private static final Duration THINK_TIME = Duration.ofMillis(1);

    @Override
    TransferService newService(DataSource dataSource) {
        return new OptimisticTransferService(dataSource, PATIENT);
    }

    @Override
    String readme() {
        return "README 2";
    }

    @DatabaseTest
    void aConflictIsRetriedWithAFreshReadInANewTransaction(TestDatabase db) throws Exception {
        db.createAccounts(100, 100, 100, 100, 100);
        TransferService service = newService(db.dataSource());

        // From the higher id to the lower: writing in argument order would write account 2 first.
        TransferResult downward = transferWhileTheTestChangesTheHigherRow(db, service, 2, 1, 30);
        // From the lower id to the higher: writing the destination first would write account 4 first.
        TransferResult upward = transferWhileTheTestChangesTheHigherRow(db, service, 3, 4, 30);

        assertThat(List.of(downward.status(), upward.status())).withFailMessage(
                "the transfers returned %s: after one lost race they gave up, every retry losing again. Each attempt"
                        + " must read the rows afresh, in a new transaction, and write with the version it just read.",
                List.of(downward, upward)).doesNotContain(Status.CONFLICT);
        Map<Long, Long> expected = new TreeMap<>(Map.of(1L, 130L, 2L, 75L, 3L, 70L, 4L, 135L, 5L, 90L));
        Map<Long, Long> balances = db.balances();
        if (!balances.equals(expected)) {
            throw new AssertionFailedError(diagnose(balances, expected), expected, balances);
        }
        assertThat(List.of(downward, upward)).withFailMessage(
                "each transfer's first attempt found its second row changed by the test (version bumped), so each must"
                        + " commit in attempt 2; they returned %s. %s", List.of(downward, upward),
                downward.attempts() == 1 || upward.attempts() == 1
                        ? "Attempt 1 did not notice the change: the UPDATE must say WHERE id = ? AND version = ?, and"
                                + " an update count other than 1 means the row changed."
                        : "After a conflict, read the rows again, in a new transaction.")
                .containsExactly(new TransferResult(Status.COMMITTED, 2), new TransferResult(Status.COMMITTED, 2));
        assertThat(db.versions()).withFailMessage(
                "expected versions {1=1, 2=2, 3=1, 4=2, 5=2} (one per committed write; the rolled-back first attempts"
                        + " leave no trace), saw %s", db.versions())
                .isEqualTo(Map.of(1L, 1L, 2L, 2L, 3L, 1L, 4L, 2L, 5L, 2L));
        assertThat(db.log()).withFailMessage(
                "expected one COMMITTED row per transfer, with attempts = 2, and nothing for the failed attempts; saw %s",
                db.log()).containsExactly(new TestDatabase.LogEntry(2, 1, 30, "COMMITTED", 2),
                        new TestDatabase.LogEntry(3, 4, 30, "COMMITTED", 2));
    }

    /**
     * The test changes the higher of the two rows (a deposit of 5 from account 5, version bumped) and
     * holds it uncommitted; starts the transfer; waits until the transfer's write waits for that row;
     * checks that the transfer holds the lower row already (it wrote it first); commits, which makes the
     * transfer's version check fail; returns the transfer's result.
     */
    private TransferResult transferWhileTheTestChangesTheHigherRow(TestDatabase db, TransferService service, long from,
            long to, long amount) throws Exception {
        long lower = Math.min(from, to);
        long higher = Math.max(from, to);
        String call = "transfer(" + from + " -> " + to + ", " + amount + ")";
        BlockingCall<TransferResult> transfer = null;
        try {
            try (Connection holder = db.connect()) {
                holder.setAutoCommit(false);
                addToBalance(holder, higher, 5);
                transfer = BlockingCall.start("transfer", () -> service.transfer(from, to, amount));

                Optional<String> waiting = db.awaitLockWaitOrEnd(transfer::isDone, call + " while the test holds account "
                        + higher + "'s row lock");
                if (waiting.isEmpty()) {
                    Unfinished.rethrowTodo(transfer.failure());
                    throw new AssertionFailedError(call + " finished (" + (transfer.failure() == null ? "returned"
                            : "threw " + transfer.failure()) + ") while the test held an uncommitted change to account "
                            + higher + ": it never wrote that row, so it cannot have moved the money.");
                }
                assertThat(db.isRowLockedByAnother("accounts", lower)).withFailMessage(
                        "while %s waited to write account %d, account %d's row was not locked: it writes the higher id"
                                + " first. A version-checked UPDATE locks its row like any other, so transfer(%d -> %d) and"
                                + " transfer(%d -> %d) writing in opposite orders can deadlock. Write the lower id first,"
                                + " whatever the direction of the transfer.", call, higher, lower, lower, higher, higher,
                        lower)
                        .isTrue();

                addToBalance(holder, 5, -5);
                holder.commit();
            } // the test's connection closes first, so that a transfer still waiting for its lock can end
            return transfer.assertFinishesWithin(TimeFactor.seconds(15), call + " should have finished once the test"
                    + " committed its change to account " + higher + ".");
        } finally {
            if (transfer != null) {
                transfer.close();
            }
        }
    }

    private static String diagnose(Map<Long, Long> balances, Map<Long, Long> expected) {
        long total = balances.values().stream().mapToLong(Long::longValue).sum();
        String what;
        if (balances.get(1L) == 160L || balances.get(3L) == 40L) {
            what = "the first row was written twice: the second attempt ran in the same transaction as the first, whose"
                    + " write to the first row was never rolled back. Roll back before retrying.";
        } else if (balances.get(2L) == 105L || balances.get(4L) == 105L) {
            what = "the transfer committed although its write to the higher account changed no row (that row's version"
                    + " had changed): an update count of 0 means a conflict. Roll back and try again.";
        } else if (balances.get(2L) == 70L || balances.get(4L) == 130L) {
            what = "the test's deposit of 5 into the higher account was overwritten: a lost update. The write must only"
                    + " happen if the row still has the version the transfer read (WHERE id = ? AND version = ?), and an"
                    + " update count of 0 means it changed: try again.";
        } else {
            what = "the money does not add up (total " + total + ", expected 500).";
        }
        return "after the two transfers that each met a concurrent change, the balances are " + balances
                + " instead of " + expected + ": " + what;
    }

    private static void addToBalance(Connection connection, long id, long amount) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE accounts SET balance = balance + ?, version = version + 1 WHERE id = ?")) {
            update.setLong(1, amount);
            update.setLong(2, id);
            update.executeUpdate();
        }
    }

    @DatabaseTest
    void givesUpWithConflictAfterMaxAttemptsHavingWrittenNothing(TestDatabase db) throws Exception {
        db.createAccounts(100, 100);
        // Full jitter: each pause is drawn from [0, PAUSE_CEILING]. The sum of the 8 pauses before attempts 2..9 is
        // below half a ceiling with a probability of 0.5^8 / 8! (about 1 in 10 million).
        Duration pauseCeiling = TimeFactor.scaled(Duration.ofMillis(100));
        int maxAttempts = 9;
        RetryPolicy policy = new RetryPolicy(maxAttempts, pauseCeiling, pauseCeiling);
        // Before each attempt's first write, another writer changes both rows: every attempt must lose. An attempt
        // beyond maxAttempts is let through, so that a service that ignores maxAttempts commits and is told so,
        // instead of retrying for ever.
        AtomicInteger attemptsSeen = new AtomicInteger();
        AtomicLong lastWriteEnded = new AtomicLong();
        List<Duration> pauses = new CopyOnWriteArrayList<>();
        db.dataSource().listen(new ObservedDataSource.Listener() {
            @Override
            public void beforeExecute(ObservedDataSource.Execution execution) throws SQLException {
                if (!execution.isWrite() && execution.writesBefore() == 0 && execution.mentions("accounts")
                        && lastWriteEnded.get() != 0) {
                    pauses.add(Duration.ofNanos(System.nanoTime() - lastWriteEnded.getAndSet(0)));
                }
                if (execution.isWrite() && execution.writesBefore() == 0 && execution.mentions("accounts")
                        && attemptsSeen.incrementAndGet() <= maxAttempts) {
                    try (Connection other = db.connect(); PreparedStatement bump = other.prepareStatement(
                            "UPDATE accounts SET version = version + 1 WHERE id IN (1, 2)")) {
                        bump.executeUpdate();
                    }
                }
            }

            @Override
            public void afterExecute(ObservedDataSource.Execution execution) {
                if (execution.isWrite() && execution.mentions("accounts")) {
                    lastWriteEnded.set(System.nanoTime());
                }
            }
        });
        TransferService service = new OptimisticTransferService(db.dataSource(), policy);

        TransferResult result = service.transfer(1, 2, 30);

        assertThat(attemptsSeen.get()).withFailMessage(
                "maxAttempts = %d, but the transfer made %d attempts (it returned %s): it ignores maxAttempts. Count"
                        + " the attempts from 1 and stop after RetryPolicy.maxAttempts(), returning CONFLICT: under a"
                        + " hot spot, a transfer that never gives up never returns. (The test let attempt %d through;"
                        + " the transfer would otherwise have retried for ever.)", maxAttempts, attemptsSeen.get(), result,
                maxAttempts + 1)
                .isLessThanOrEqualTo(maxAttempts);
        assertThat(result).withFailMessage(
                "every attempt found its rows changed since it read them (the test bumped both versions just before"
                        + " each attempt's first write), so after maxAttempts = %d the transfer must return CONFLICT after"
                        + " %d attempts; it returned %s after %d attempt(s) that wrote. %s", maxAttempts, maxAttempts,
                result, attemptsSeen.get(),
                result.status() == Status.COMMITTED && attemptsSeen.get() == 1
                        ? "It did not notice the change: UPDATE ... WHERE id = ? AND version = ?, and check that it"
                                + " changed exactly one row."
                        : result.status() == Status.COMMITTED
                                ? "A retry must read the rows again, in a new transaction (roll back the old one first)."
                                : "")
                .isEqualTo(new TransferResult(Status.CONFLICT, maxAttempts));
        assertThat(attemptsSeen.get()).withFailMessage(
                "the transfer returned CONFLICT after %d attempts, but %d attempt(s) reached their first write",
                maxAttempts, attemptsSeen.get()).isEqualTo(maxAttempts);
        assertThat(db.balances()).withFailMessage(
                "a transfer that gave up must have written nothing; the balances are %s instead of {1=100, 2=100}",
                db.balances()).isEqualTo(Map.of(1L, 100L, 2L, 100L));
        assertThat(db.versions()).withFailMessage(
                "expected versions {1=%d, 2=%d} (the test's %d changes, nothing from the transfer), saw %s", maxAttempts,
                maxAttempts, maxAttempts, db.versions())
                .isEqualTo(Map.of(1L, (long) maxAttempts, 2L, (long) maxAttempts));
        assertThat(db.log()).withFailMessage("a CONFLICT writes nothing, not even a log row; saw %s", db.log()).isEmpty();
        Duration paused = pauses.stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(paused).withFailMessage(
                "between its %d attempts the transfer paused %d ms in all (%s ms), where the RetryPolicy's delays, each"
                        + " drawn from [0, %d ms], add up to about %d ms: it does not back off. Before each attempt from"
                        + " the second on, sleep for retryPolicy.delayBeforeAttempt(attempt, random) (backing off is"
                        + " what stops colliding writers from colliding again at once).", maxAttempts, paused.toMillis(),
                pauses.stream().map(Duration::toMillis).toList(), pauseCeiling.toMillis(),
                pauseCeiling.toMillis() * (maxAttempts - 1) / 2)
                .isGreaterThanOrEqualTo(pauseCeiling.dividedBy(2));
    }

    @DatabaseTest
    @TimeLimit(60)
    void conflictsReallyHappenUnderAHotSpotAndAreRetried(TestDatabase db) throws Exception {
        Map<Long, Long> initial = db.createAccounts(1_000, 1_000);
        // Every transfer pauses between reading its rows and writing them, as real code does some work there.
        db.dataSource().listen(new ObservedDataSource.Listener() {
            @Override
            public void afterExecute(ObservedDataSource.Execution execution) {
                if (!execution.locksRows() && execution.mentions("accounts")) {
                    try {
                        Thread.sleep(THINK_TIME);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        TransferService service = newService(db.dataSource());

        List<Transfer> transfers = randomTransfers(db, service, 2, 25, 50);

        assertNoLockErrors(db);
        Ledger.assertConsistent(db, initial, transfers);
        long retried = transfers.stream().filter(t -> t.result().attempts() > 1).count();
        long committed = transfers.stream().filter(t -> t.result().status() == Status.COMMITTED).count();
        assertThat(retried).withFailMessage(
                "%d transfers by %d threads over the same 2 accounts, each pausing %d ms between read and write, and not"
                        + " one needed a second attempt: the conflicts went unnoticed. Write with UPDATE ... WHERE id = ?"
                        + " AND version = ? and treat an update count other than 1 as a conflict.",
                transfers.size(), THREADS, THINK_TIME.toMillis()).isPositive();
        assertThat(committed).withFailMessage("only %d of %d transfers committed: %s", committed, transfers.size(),
                transfers.stream().filter(t -> t.result().status() != Status.COMMITTED).limit(5).toList())
                .isGreaterThanOrEqualTo(transfers.size() / 2);
    }

    @Test
    void rejectsANullRetryPolicy() {
        DataSource dataSource = mock(DataSource.class);
        assertRejectsNull("OptimisticTransferService's constructor", () -> new OptimisticTransferService(dataSource, null),
                "RetryPolicy");
    }

    @DatabaseTest
    void anInterruptDuringTheBackOffStopsTheTransferAndKeepsTheInterruptStatus(TestDatabase db) throws Exception {
        db.createAccounts(100, 100);
        // "As long as it takes": a delay far beyond what Duration.toNanos() can hold, so only the interrupt ends it.
        RetryPolicy policy = new RetryPolicy(2, Timeouts.FOREVER, Timeouts.FOREVER);
        AtomicInteger attempts = new AtomicInteger();
        db.dataSource().listen(new ObservedDataSource.Listener() {
            @Override
            public void beforeExecute(ObservedDataSource.Execution execution) throws SQLException {
                if (execution.isWrite() && execution.writesBefore() == 0 && execution.mentions("accounts")
                        && attempts.incrementAndGet() == 1) {
                    try (Connection other = db.connect(); PreparedStatement bump = other.prepareStatement(
                            "UPDATE accounts SET version = version + 1 WHERE id IN (1, 2)")) {
                        bump.executeUpdate();
                    }
                }
            }
        });
        TransferService service = new OptimisticTransferService(db.dataSource(), policy);

        try (BlockingCall<String> transfer = BlockingCall.start("transfer", () -> {
            try {
                return "returned " + service.transfer(1, 2, 30);
            } catch (RuntimeException e) {
                Unfinished.rethrowTodo(e);
                return "threw " + e + (Thread.currentThread().isInterrupted() ? " (interrupt status set)" : "");
            }
        })) {
            transfer.assertReaches(Thread.State.TIMED_WAITING, "transfer(1 -> 2, 30) lost attempt 1 and must sleep the"
                    + " RetryPolicy's delay before attempt 2; its delays here are up to Duration.ofSeconds(Long.MAX_VALUE)");
            transfer.thread().interrupt();
            String outcome = transfer.assertFinishes("An interrupt during the back-off must stop the transfer: catch"
                    + " InterruptedException around the sleep, restore the interrupt status, and throw.");
            assertThat(outcome).withFailMessage(
                    "transfer(1 -> 2, 30) was interrupted while it slept before attempt 2, and then %s. It must stop (throw"
                            + " an unchecked exception, having written nothing) and leave the interrupt status set"
                            + " (Thread.currentThread().interrupt() in the catch), so that its caller sees the interrupt.",
                    outcome).startsWith("threw").endsWith("(interrupt status set)");
        }
        assertThat(attempts.get()).withFailMessage("after the interrupt the transfer made another attempt (%d in all)",
                attempts.get()).isEqualTo(1);
        assertThat(db.balances()).withFailMessage("an interrupted transfer must have written nothing; saw %s",
                db.balances()).isEqualTo(Map.of(1L, 100L, 2L, 100L));
        assertThat(db.log()).withFailMessage("an interrupted transfer must log nothing; saw %s", db.log()).isEmpty();
    }

    // ---- RetryPolicy: given complete; these tests show what it promises ----

    @Test
    @PassesOnSkeleton("RetryPolicy is given complete; this test shows that it takes any Duration")
    void retryPolicyTakesHugeDurationsAndRefusesNegativeOnes() throws Exception {
        RetryPolicy forever = new RetryPolicy(3, Timeouts.FOREVER, Timeouts.FOREVER);
        for (int attempt : new int[] {2, 3, 64, Integer.MAX_VALUE}) {
            Duration delay = Timeouts.assertReturnsAtOnce("RetryPolicy(3, FOREVER, FOREVER).delayBeforeAttempt(" + attempt
                    + ", random)", () -> forever.delayBeforeAttempt(attempt, new SplittableRandom(attempt)));
            assertThat(delay).as("the delay before attempt %d with Duration.ofSeconds(Long.MAX_VALUE) as base and cap:"
                    + " somewhere in [0, cap], saturated rather than overflowing", attempt)
                    .isBetween(Duration.ZERO, Timeouts.FOREVER);
        }
        assertThat(catchThrowable(() -> new RetryPolicy(3, Timeouts.MOST_NEGATIVE, Duration.ZERO)))
                .as("RetryPolicy(3, Duration.ofSeconds(Long.MIN_VALUE), ZERO): a negative baseDelay is refused, as the"
                        + " Javadoc says").isInstanceOf(IllegalArgumentException.class);
        assertThat(catchThrowable(() -> new RetryPolicy(3, Duration.ZERO, Timeouts.MOST_NEGATIVE)))
                .as("RetryPolicy(3, ZERO, Duration.ofSeconds(Long.MIN_VALUE)): a maxDelay below baseDelay is refused, as"
                        + " the Javadoc says").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @PassesOnSkeleton("RetryPolicy is given complete; this test shows the backoff your service is to use")
    void retryPolicyDelaysGrowExponentiallyWithFullJitterUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(10), Duration.ofMillis(100));
        RandomGenerator random = new SplittableRandom(42);
        assertThat(policy.delayBeforeAttempt(1, random)).as("the first attempt starts at once").isZero();

        long[] ceilingsMillis = {10, 20, 40, 80, 100, 100, 100, 100, 100};
        for (int attempt = 2; attempt <= 10; attempt++) {
            long ceiling = Duration.ofMillis(ceilingsMillis[attempt - 2]).toNanos();
            List<Long> delays = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                delays.add(policy.delayBeforeAttempt(attempt, random).toNanos());
            }
            long min = delays.stream().mapToLong(Long::longValue).min().orElseThrow();
            long max = delays.stream().mapToLong(Long::longValue).max().orElseThrow();
            double mean = delays.stream().mapToLong(Long::longValue).average().orElseThrow();
            String where = "attempt " + attempt + " (ceiling min(100 ms, 10 ms x 2^" + (attempt - 2) + ") = "
                    + ceilingsMillis[attempt - 2] + " ms)";
            assertThat(min).as(where + ": never negative, and full jitter reaches down to about zero")
                    .isBetween(0L, ceiling / 20);
            assertThat(max).as(where + ": never above the ceiling, and reaches up to it").isBetween(ceiling * 19 / 20, ceiling);
            assertThat(mean).as(where + ": uniform, so the mean is about half the ceiling")
                    .isBetween(ceiling * 0.45, ceiling * 0.55);
            assertThat(delays.stream().distinct().count()).as(where + ": jittered, not a fixed delay")
                    .isGreaterThan(1_900L);
        }
        RandomGenerator again = new SplittableRandom(7);
        RandomGenerator same = new SplittableRandom(7);
        assertThat(policy.delayBeforeAttempt(5, again)).as("the same seed gives the same delay")
                .isEqualTo(policy.delayBeforeAttempt(5, same));
    }

    @Test
    @PassesOnSkeleton("RetryPolicy is given complete; this test shows what it accepts")
    void retryPolicyRejectsSettingsThatMakeNoSense() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofMillis(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class);
        RetryPolicy policy = new RetryPolicy(3, Duration.ofDays(1), Duration.ofDays(365_000));
        assertThat(policy.delayBeforeAttempt(1_000, new SplittableRandom(1))).as("no overflow after many doublings")
                .isBetween(Duration.ZERO, Duration.ofDays(365_000));
        assertThatThrownBy(() -> policy.delayBeforeAttempt(0, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
