package workshop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class ConcurrentlyTest {

    @Test
    void runsEveryThreadEveryIterationAndReturnsResultsByThread() {
        AtomicInteger calls = new AtomicInteger();
        Concurrently.threads(4).named("w").repeat(1000, (t, i) -> calls.incrementAndGet());
        assertThat(calls.get()).isEqualTo(4000);
        List<String> names = Concurrently.threads(3).named("named").call(t -> Thread.currentThread().getName());
        assertThat(names).containsExactly("named-0", "named-1", "named-2");
    }

    @Test
    void aFailureInAWorkerIsRethrownInTheTestThread() {
        assertThatThrownBy(() -> Concurrently.threads(4).run(t -> {
            if (t == 2) {
                throw new AssertionError("worker 2 saw something wrong");
            }
        })).isInstanceOf(AssertionError.class).hasMessage("worker 2 saw something wrong");
    }

    @Test
    void theSameExceptionObjectThrownByEveryWorkerIsRethrownAsItIs() {
        // The JVM throws one preallocated exception object (an ArrayIndexOutOfBoundsException in a hot loop) from
        // every thread that hits it: attaching it to itself as suppressed would throw IllegalArgumentException
        // ("Self-suppression not permitted") and hide it.
        RuntimeException shared = new ArrayIndexOutOfBoundsException("the same object, thrown by every worker");
        // Every worker throws it: none throws before all have passed the start gate (a Phaser's wait ignores the
        // interrupt the first failure sends, so no worker ends with InterruptedException instead).
        Phaser allThere = new Phaser(3);
        Throwable thrown = catchThrowable(() -> Concurrently.threads(3).named("w").run(t -> {
            allThere.arriveAndAwaitAdvance();
            throw shared;
        }));
        assertThat(thrown).withFailMessage("expected the workers' own exception back, got %s", thrown).isSameAs(shared);
        assertThat(shared.getSuppressed()).withFailMessage("the exception has itself (once or more) attached as"
                + " suppressed: %s", List.of(shared.getSuppressed())).isEmpty();
    }

    @Test
    void theFirstFailureEndsTheRunAtOnceAndTheThreadsStillWaitingAreInterrupted() {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch othersWaiting = new CountDownLatch(2);
        AtomicInteger interrupted = new AtomicInteger();
        long start = System.nanoTime();
        assertThatThrownBy(() -> Concurrently.threads(3).named("w").within(Duration.ofSeconds(30)).run(t -> {
            if (t == 0) {
                othersWaiting.await();
                throw new AssertionError("worker 0 saw something wrong");
            }
            try {
                othersWaiting.countDown();
                never.await(); // waits for something the failed worker would have done
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        })).isInstanceOf(AssertionError.class).hasMessage("worker 0 saw something wrong");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).withFailMessage("the run should end at the first failure,"
                + " not at its 30 s time limit").isLessThan(Duration.ofSeconds(5));
        assertThat(interrupted.get()).withFailMessage("the two waiting workers should have been interrupted").isEqualTo(2);
    }

    @Test
    void aStuckWorkerFailsTheRunWithAReportInsteadOfHanging() {
        CountDownLatch never = new CountDownLatch(1);
        long start = System.nanoTime();
        assertThatThrownBy(() -> Concurrently.threads(2).named("stuck").within(Duration.ofMillis(300)).run(t -> never.await()))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("2 of 2 threads did not finish within 300 ms")
                .hasMessageContaining("\"stuck-0\"").hasMessageContaining("CountDownLatch.await");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void lockstepRoundsRunEveryThreadOncePerRound() {
        int threads = Concurrently.cores();
        AtomicInteger[] perRound = new AtomicInteger[500];
        for (int r = 0; r < perRound.length; r++) {
            perRound[r] = new AtomicInteger();
        }
        Concurrently.threads(threads).inLockstep(perRound.length, (t, round) -> perRound[round].incrementAndGet());
        for (AtomicInteger count : perRound) {
            assertThat(count.get()).isEqualTo(threads);
        }
    }

    @Test
    void lockstepUntilOverlappedStopsAtTheGivenRoundsWhenTheThreadsRanTogether() {
        // Each round's bodies wait for each other: they overlap every round, so no round is added.
        int rounds = 200;
        CountDownLatch[] together = new CountDownLatch[rounds];
        for (int r = 0; r < rounds; r++) {
            together[r] = new CountDownLatch(2);
        }
        AtomicInteger calls = new AtomicInteger();
        Concurrently.Lockstep run = Concurrently.threads(2).inLockstepUntilOverlapped(rounds, rounds, 10 * rounds,
                (t, round) -> {
                    calls.incrementAndGet();
                    together[round].countDown();
                    together[round].await();
                });
        assertThat(run.rounds()).isEqualTo(rounds);
        assertThat(run.overlapped()).isEqualTo(rounds);
        assertThat(calls.get()).isEqualTo(2 * rounds);
        run.abortUnlessOverlapped(rounds); // enough: returns
        assertThatThrownBy(() -> run.abortUnlessOverlapped(rounds + 1))
                .isInstanceOf(org.opentest4j.TestAbortedException.class)
                .hasMessageContaining("inconclusive").hasMessageContaining("in only " + rounds + " of " + rounds + " rounds");
    }

    @Test
    void roundsOverlapOnlyWhenEveryThreadsCallCoversOneCommonInstant() {
        assertThat(Concurrently.allOverlap(new long[] {0, 5}, new long[] {10, 15})).isTrue();
        assertThat(Concurrently.allOverlap(new long[] {0, 10}, new long[] {10, 15})).isTrue(); // touching at 10
        assertThat(Concurrently.allOverlap(new long[] {0, 11}, new long[] {10, 15})).isFalse(); // one after the other
        assertThat(Concurrently.allOverlap(new long[] {0, 5, 12}, new long[] {10, 15, 20})).isFalse(); // the first ended before the last began
        assertThatThrownBy(() -> Concurrently.threads(2).inLockstepUntilOverlapped(10, 5, 9, (t, round) -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threadsWhoseRoundsNeverOverlapAreReplacedAndEveryRoundStillRunsOnceOnEachThread() {
        int threads = 2;
        int maxRounds = 10 * Concurrently.ROUNDS_APART_BEFORE_NEW_THREADS;
        Thread[][] ranOn = new Thread[threads][maxRounds];
        AtomicIntegerArray runs = new AtomicIntegerArray(threads * maxRounds);

        Concurrently.Lockstep run = Concurrently.threads(threads).named("apart").within(Duration.ofSeconds(60))
                .judgingOverlapsBy((began, ended) -> false)
                .inLockstepUntilOverlapped(100, 50, maxRounds, (t, round) -> {
                    ranOn[t][round] = Thread.currentThread();
                    runs.incrementAndGet(t * maxRounds + round);
                });

        assertThat(run.overlapped()).isZero();
        assertThat(run.rounds()).as("too few overlaps: the run goes on to its most rounds").isEqualTo(maxRounds);
        Set<Thread> sets = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int t = 0; t < threads; t++) {
            for (int round = 0; round < maxRounds; round++) {
                assertThat(runs.get(t * maxRounds + round)).as("how often thread %d ran round %d", t, round).isEqualTo(1);
                // A set of threads runs the rounds until the 100th in a row without an overlap, then new threads run
                // the rest, starting with the round the old set did not run.
                int firstOfItsSet = round / Concurrently.ROUNDS_APART_BEFORE_NEW_THREADS
                        * Concurrently.ROUNDS_APART_BEFORE_NEW_THREADS;
                assertThat(ranOn[t][round]).as("thread %d in round %d", t, round).isSameAs(ranOn[t][firstOfItsSet]);
                sets.add(ranOn[t][round]);
            }
        }
        assertThat(sets).as("threads that ran the rounds (a new set every %d rounds)",
                Concurrently.ROUNDS_APART_BEFORE_NEW_THREADS).hasSize(threads * 10);
        assertThat(sets).allMatch(thread -> !thread.isAlive(), "every replaced thread has ended");
    }

    @Test
    void threadsWhoseRoundsOverlapKeepTheirSetAndStopOnceEnoughOverlapped() {
        int threads = 2;
        Thread[][] ranOn = new Thread[threads][1_000];

        Concurrently.Lockstep run = Concurrently.threads(threads).named("together").within(Duration.ofSeconds(60))
                .judgingOverlapsBy((began, ended) -> true)
                .inLockstepUntilOverlapped(300, 150, 1_000, (t, round) -> ranOn[t][round] = Thread.currentThread());

        assertThat(run.rounds()).as("every round overlapped: the run stops after the rounds it asked for").isEqualTo(300);
        assertThat(run.overlapped()).isEqualTo(300);
        for (int t = 0; t < threads; t++) {
            for (int round = 0; round < 300; round++) {
                assertThat(ranOn[t][round]).as("thread %d in round %d", t, round).isSameAs(ranOn[t][0]);
            }
            assertThat(ranOn[t][300]).as("thread %d ran round 300, after the run had enough", t).isNull();
        }
    }
}
