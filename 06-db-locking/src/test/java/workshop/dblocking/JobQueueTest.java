package workshop.dblocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.dblocking.support.DatabaseKind;
import workshop.dblocking.support.DatabaseTest;
import workshop.dblocking.support.ObservedDataSource;
import workshop.dblocking.support.SqlStates;
import workshop.dblocking.support.TestDatabase;
import workshop.dblocking.support.Unfinished;
import workshop.testkit.BlockingCall;
import workshop.testkit.Concurrently;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;

/** Exercise 3: README "3. JobQueue". */
// Generous: a test that only checks arguments may still pay for starting H2, HikariCP or Mockito on a
// loaded machine. Lock waits are bounded by the databases' lock timeout, not by this.
@TimeLimit(30)
class JobQueueTest {

    private static final int WORKERS = 4;
    private static final int JOBS = 500;

    @DatabaseTest
    void claimsTheOldestPendingJobAndCompletesIt(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource());
        long a = queue.enqueue("a");
        long b = queue.enqueue("b");
        long c = queue.enqueue("c");
        assertThat(List.of(a, b, c)).withFailMessage("enqueue must return the new jobs' ids, increasing; got %s",
                List.of(a, b, c)).doesNotHaveDuplicates().isSorted();

        assertThat(queue.claimNext("w1")).as("first claim: the oldest pending job").contains(new Job(a, "a"));
        assertThat(queue.claimNext("w2")).as("second claim: the oldest job still pending").contains(new Job(b, "b"));
        queue.complete(a);
        assertThatExceptionOfType(IllegalStateException.class).as("completing job a a second time")
                .isThrownBy(() -> queue.complete(a));
        assertThatExceptionOfType(IllegalStateException.class).as("completing job c, which nobody claimed")
                .isThrownBy(() -> queue.complete(c));
        assertThatExceptionOfType(IllegalStateException.class).as("completing a job that does not exist")
                .isThrownBy(() -> queue.complete(c + 1_000));
        assertThat(queue.claimNext("w1")).as("third claim").contains(new Job(c, "c"));
        assertThat(queue.claimNext("w1")).as("a claim when no job is pending").isEmpty();

        assertThat(db.jobs().values()).withFailMessage("the jobs table should now say a DONE (w1), b RUNNING (w2),"
                + " c RUNNING (w1); it says %s", db.jobs().values()).containsExactly(
                        new TestDatabase.JobRow(a, "a", "DONE", "w1"),
                        new TestDatabase.JobRow(b, "b", "RUNNING", "w2"),
                        new TestDatabase.JobRow(c, "c", "RUNNING", "w1"));
    }

    @DatabaseTest
    void claimNextSkipsAJobAnotherWorkerHasLocked(TestDatabase db) throws Exception {
        long first = db.insertJob("first");
        long second = db.insertJob("second");
        db.insertJob("third");
        JobQueue queue = new JobQueue(db.dataSource());

        // The test plays a worker in the middle of claiming the first job: its row is locked.
        BlockingCall<Optional<Job>> claim = null;
        try {
            try (Connection otherWorker = db.lockRow("jobs", first)) {
                claim = BlockingCall.start("worker", () -> queue.claimNext("w2"));

                Optional<String> waiting = db.awaitLockWaitOrEnd(claim::isDone, "claimNext while another worker has job "
                        + first + " locked");
                if (waiting.isPresent()) {
                    throw new AssertionFailedError("claimNext waited for the lock on job " + first + ", which another"
                            + " worker holds while it claims that job, in `" + waiting.get() + "`. Workers must not"
                            + " queue behind each other: SELECT ... FOR UPDATE SKIP LOCKED passes over locked rows and"
                            + " takes the next free one.");
                }
                Optional<Job> claimed;
                try {
                    claimed = claim.assertFinishesWithin(TimeFactor.seconds(15), "claimNext must return at once");
                } catch (RuntimeException e) {
                    Unfinished.rethrowTodo(e);
                    throw new AssertionFailedError("claimNext threw " + SqlStates.explain(e) + " while another worker"
                            + " had job " + first + " locked: a locked job is not an error, it is one to skip (SKIP"
                            + " LOCKED, not NOWAIT)", e);
                }
                assertThat(claimed).withFailMessage(
                        "while another worker had job %d locked, claimNext returned %s; it must return the next free"
                                + " job, %d. %s", first, claimed, second,
                        claimed.isEmpty() ? "Jobs " + second + " and after were free to take."
                                : "Two workers now both think they own job " + first + ": lock the row you claim"
                                        + " (FOR UPDATE) and skip the ones others have locked (SKIP LOCKED).")
                        .contains(new Job(second, "second"));
                otherWorker.rollback(); // the other worker gives up on the first job: it is pending again
            } // the test's connection closes first, so that a claim still waiting for its lock can end
        } finally {
            if (claim != null) {
                claim.close();
            }
        }
        assertThat(queue.claimNext("w3")).as("after the other worker let go of job %d", first)
                .contains(new Job(first, "first"));
    }

    /**
     * A claim locks the one job it takes. Worker 1 is held between its claim and its commit (its row
     * lock still held); worker 2 must neither wait nor go away empty-handed while job 2 is free.
     *
     * <p>Which database shows what: PostgreSQL stops locking once {@code LIMIT} rows are returned, so
     * worker 2 gets job 2, and a claim that locks more rows (no {@code LIMIT}, or a lock on every pending
     * row) leaves worker 2 nothing: that fails here, on PostgreSQL only. H2 2.3, when it finds the pending
     * jobs through the index {@code jobs_status_id} (it does for the reference's query), locks every row
     * that matches {@code WHERE status = 'PENDING'} before {@code LIMIT} cuts the result to one, so worker
     * 2 finds them all locked and gets nothing, whatever the code; on H2 the test accepts "nothing" or
     * job 2, and still fails a worker 2 that waits or takes job 1 (README: "H2 and PostgreSQL").
     */
    @DatabaseTest
    void whileOneWorkerSitsBetweenItsClaimAndItsCommitAnotherGetsTheNextJob(TestDatabase db) throws Exception {
        long first = db.insertJob("first");
        long second = db.insertJob("second");
        db.insertJob("third");
        JobQueue queue = new JobQueue(db.dataSource());
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        db.dataSource().listen(new ObservedDataSource.Listener() {
            @Override
            public void afterExecute(ObservedDataSource.Execution execution) {
                if (Thread.currentThread().getName().equals("worker-1") && execution.isWrite()
                        && execution.mentions("jobs")) {
                    claimed.countDown();
                    try { // held here, its claim made and not committed, until the test lets it go
                        release.await(BlockingCall.PATIENCE.toMillis() * 4, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });

        try (BlockingCall<Optional<Job>> worker1 = BlockingCall.start("worker-1", () -> queue.claimNext("w1"))) {
            try {
                if (!claimedOrEnded(claimed, worker1)) {
                    Optional<Job> result = worker1.assertFinishes("claimNext(\"w1\") neither wrote the jobs table nor"
                            + " returned");
                    throw new AssertionFailedError("claimNext(\"w1\") returned " + result + " without writing the jobs"
                            + " table: a claim marks its job RUNNING (UPDATE jobs SET status = 'RUNNING' ...), in the"
                            + " transaction that locked it.");
                }
                Optional<Job> secondClaim = claimWhileWorker1IsHeld(db, queue,
                        "sits between its claim of job " + first + " and its commit");
                if (db.kind() == DatabaseKind.POSTGRESQL) {
                    assertThat(secondClaim).withFailMessage(
                            "while worker 1 sat between its claim of job %d and its commit, worker 2's claimNext returned"
                                    + " %s on %s, though job %d was pending and nobody else's. %s", first, secondClaim,
                            db.label(), second, secondClaim.isEmpty()
                                    ? "Worker 1's claim locked more than the one job it took, so SKIP LOCKED passed over"
                                            + " them all: lock only the row you claim (ORDER BY id LIMIT 1 in the"
                                            + " locking SELECT; PostgreSQL stops locking once LIMIT rows are returned)."
                                    : "Two workers now think they own the same job: lock the row you claim (FOR UPDATE).")
                            .contains(new Job(second, "second"));
                } else {
                    assertThat(secondClaim).withFailMessage(
                            "while worker 1 sat between its claim of job %d and its commit, worker 2's claimNext returned"
                                    + " %s on H2; it may return job %d or, because H2 2.3 locks every pending row its index"
                                    + " finds for FOR UPDATE SKIP LOCKED ... LIMIT 1 (README: \"H2 and PostgreSQL\"),"
                                    + " nothing. Never job %d: worker 1 holds it.", first, secondClaim, second, first)
                            .isIn(Optional.empty(), Optional.of(new Job(second, "second")));
                }
            } finally {
                release.countDown();
            }
            assertThat(worker1.assertFinishes("claimNext(\"w1\") was let go to commit")).as(
                    "worker 1's claim, once let go to commit").contains(new Job(first, "first"));
        }
    }

    /**
     * A claim holds its job from the locking read to the commit. Worker 1 is held just after its locking read (its
     * {@code SELECT ... FOR UPDATE SKIP LOCKED}), before it marks the job running: worker 2 must not get the job
     * worker 1 is about to mark, as it does when worker 1's lock ended with its read (the read ran in a transaction
     * of its own, in autocommit). Both databases, every run.
     */
    @DatabaseTest
    void whileOneWorkerIsBetweenItsLockingReadAndItsUpdateAnotherDoesNotGetTheSameJob(TestDatabase db)
            throws Exception {
        long first = db.insertJob("first");
        db.insertJob("second");
        db.insertJob("third");
        JobQueue queue = new JobQueue(db.dataSource());
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        db.dataSource().listen(new ObservedDataSource.Listener() {
            @Override
            public void afterExecute(ObservedDataSource.Execution execution) {
                if (Thread.currentThread().getName().equals("worker-1") && execution.locksRows()
                        && !execution.isWrite() && execution.mentions("jobs") && read.getCount() > 0) {
                    read.countDown();
                    try { // held here, a pending job locked and not yet marked running, until the test lets it go
                        release.await(BlockingCall.PATIENCE.toMillis() * 4, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });

        try (BlockingCall<Optional<Job>> worker1 = BlockingCall.start("worker-1", () -> queue.claimNext("w1"))) {
            Optional<Job> secondClaim;
            try {
                if (!reachedOrEnded(read, worker1, "locked a row of the jobs table")) {
                    // No locking read of its own: a claim in one statement (UPDATE ... WHERE id = (SELECT ... FOR
                    // UPDATE SKIP LOCKED) RETURNING) has no window between reading and marking, and one that reads
                    // without a lock is for the other tests. It still must claim job 1.
                    Optional<Job> result = worker1.assertFinishes("claimNext(\"w1\") returned");
                    assertThat(result).withFailMessage("claimNext(\"w1\") on a queue of three pending jobs returned %s;"
                            + " it must return the oldest, job %d", result, first).contains(new Job(first, "first"));
                    return;
                }
                secondClaim = claimWhileWorker1IsHeld(db, queue,
                        "has locked job " + first + " and not yet marked it running");
            } finally {
                release.countDown();
            }
            assertThat(secondClaim).withFailMessage(
                    "worker 1 locked job %d with its SELECT ... FOR UPDATE and, before it marked the job running,"
                            + " worker 2's claimNext returned that same job too (%s, on %s): two workers now think they"
                            + " own it. Worker 1's row lock was gone between its SELECT and its UPDATE: a SELECT in"
                            + " autocommit is a transaction of its own, and its lock ends with it. Turn autocommit off,"
                            + " then lock (FOR UPDATE SKIP LOCKED), update and commit in one transaction.", first,
                    secondClaim, db.label())
                    .isNotEqualTo(Optional.of(new Job(first, "first")));
            try {
                worker1.assertFinishes("claimNext(\"w1\") was let go to mark its job running and commit");
            } catch (RuntimeException e) {
                Unfinished.rethrowTodo(e);
                throw new AssertionFailedError("claimNext(\"w1\") threw " + SqlStates.explain(e) + " once let go to"
                        + " mark its job running and commit", e);
            }
        }
    }

    /**
     * Worker 2's claim while worker 1 is held where {@code worker1Is} says: it must neither wait for worker 1's lock
     * nor fail, and it returns what worker 2 got.
     */
    private static Optional<Job> claimWhileWorker1IsHeld(TestDatabase db, JobQueue queue, String worker1Is)
            throws Exception {
        try (BlockingCall<Optional<Job>> worker2 = BlockingCall.start("worker-2", () -> queue.claimNext("w2"))) {
            Optional<String> waiting = db.awaitLockWaitOrEnd(worker2::isDone,
                    "claimNext(\"w2\") while worker 1 " + worker1Is);
            if (waiting.isPresent()) {
                throw new AssertionFailedError("claimNext(\"w2\") waited for a lock held by worker 1, which " + worker1Is
                        + ", in `" + waiting.get() + "`. Workers must not queue behind each other: SELECT ... FOR"
                        + " UPDATE SKIP LOCKED passes over the rows other workers have locked.");
            }
            try {
                return worker2.assertFinishes("claimNext(\"w2\") must return at once");
            } catch (RuntimeException e) {
                Unfinished.rethrowTodo(e);
                throw new AssertionFailedError("claimNext(\"w2\") threw " + SqlStates.explain(e) + " while worker 1 "
                        + worker1Is + ": a job another worker holds is one to skip (SKIP LOCKED), not an error", e);
            }
        }
    }

    /** Waits until worker 1 has made its claim (true) or ended without one (false); fails if neither comes. */
    private static boolean claimedOrEnded(CountDownLatch claimed, BlockingCall<?> worker) throws InterruptedException {
        return reachedOrEnded(claimed, worker, "wrote the jobs table");
    }

    /**
     * Waits until worker 1 has reached the point {@code reached} marks (true) or ended without reaching it (false);
     * fails if neither comes.
     */
    private static boolean reachedOrEnded(CountDownLatch reached, BlockingCall<?> worker, String point)
            throws InterruptedException {
        long deadline = System.nanoTime() + BlockingCall.PATIENCE.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (reached.await(10, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (worker.isDone()) {
                return reached.getCount() == 0;
            }
        }
        throw new AssertionFailedError("claimNext(\"w1\") neither " + point + " nor returned within "
                + BlockingCall.PATIENCE.toMillis() + " ms: is it waiting for a lock, or for a connection?");
    }

    @DatabaseTest
    @TimeLimit(60)
    void fourWorkersCompleteEveryJobExactlyOnce(TestDatabase db) throws Exception {
        JobQueue queue = new JobQueue(db.dataSource());
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            ids.add(queue.enqueue("job " + i));
        }
        Map<Long, List<String>> claimedBy = new ConcurrentHashMap<>();
        Map<Long, String> refusedCompletions = new ConcurrentHashMap<>();

        List<Integer> done = Concurrently.threads(WORKERS).named("worker").within(Duration.ofSeconds(50)).call(thread -> {
            String worker = "worker-" + thread;
            int completed = 0;
            for (Optional<Job> job = queue.claimNext(worker); job.isPresent(); job = queue.claimNext(worker)) {
                claimedBy.computeIfAbsent(job.get().id(), id -> new CopyOnWriteArrayList<>()).add(worker);
                try {
                    queue.complete(job.get().id());
                    completed++;
                } catch (IllegalStateException e) {
                    refusedCompletions.put(job.get().id(), worker + ": " + e.getMessage());
                }
            }
            return completed;
        });

        Map<Long, List<String>> twice = claimedBy.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .limit(5).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(twice).withFailMessage(
                "jobs claimed by more than one worker (first few): %s. Between reading a pending job and marking it"
                        + " running, another worker read it too: lock the row as you select it (FOR UPDATE SKIP"
                        + " LOCKED), in the same transaction as the update.", twice).isEmpty();
        assertThat(refusedCompletions).withFailMessage(
                "complete() refused jobs that claimNext had just handed out (first few): %s",
                refusedCompletions.entrySet().stream().limit(5).toList()).isEmpty();
        List<Long> neverClaimed = ids.stream().filter(id -> !claimedBy.containsKey(id)).limit(10).toList();
        assertThat(neverClaimed).withFailMessage(
                "the workers stopped (claimNext returned empty) while these jobs had never been claimed: %s. claimNext"
                        + " may only return empty when no pending job is free.", neverClaimed).isEmpty();
        Map<Long, TestDatabase.JobRow> rows = db.jobs();
        List<TestDatabase.JobRow> wrong = rows.values().stream()
                .filter(r -> !r.status().equals("DONE") || !claimedBy.get(r.id()).equals(List.of(r.claimedBy())))
                .limit(5).toList();
        assertThat(wrong).withFailMessage(
                "every job should be DONE and claimed_by the worker that claimed it; these are not (first few): %s",
                wrong).isEmpty();
        assertThat(done.stream().mapToInt(Integer::intValue).sum()).isEqualTo(JOBS);
    }

    @Test
    void rejectsNullsBeforeAnySqlRuns() {
        DataSource dataSource = mock(DataSource.class);
        JobQueue queue = new JobQueue(dataSource);

        TransferServiceContract.assertRejectsNull("enqueue", () -> queue.enqueue(null), "Payload");
        TransferServiceContract.assertRejectsNull("claimNext", () -> queue.claimNext(null), "Worker");
        assertThat(mockingDetails(dataSource).getInvocations()).withFailMessage(
                "the queue used its DataSource (%s) for arguments it must reject first", mockingDetails(dataSource)
                        .getInvocations()).isEmpty();
        TransferServiceContract.assertRejectsNull("JobQueue's constructor", () -> new JobQueue(null), "DataSource");
    }
}
