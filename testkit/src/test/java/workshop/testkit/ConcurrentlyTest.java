package workshop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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
}
