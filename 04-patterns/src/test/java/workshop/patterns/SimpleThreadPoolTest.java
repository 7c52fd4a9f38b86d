package workshop.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import workshop.testkit.Background;
import workshop.testkit.BusyWait;
import workshop.testkit.ThreadLeaks;

/** Exercise 4: README "4. SimpleThreadPool". */
class SimpleThreadPoolTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final List<SimpleThreadPool> pools = new ArrayList<>();

    private SimpleThreadPool newPool(int workers) {
        SimpleThreadPool pool = new SimpleThreadPool(workers);
        pools.add(pool);
        return pool;
    }

    @AfterEach
    void stopPools() throws InterruptedException {
        for (SimpleThreadPool pool : pools) {
            try {
                pool.shutdownNow();
                pool.awaitTermination(Duration.ofSeconds(2));
            } catch (RuntimeException ignored) {
                // the test failed already and reported why; this only tidies up
            }
        }
    }

    private static <T> T getWithin(Future<T> future, String whatShouldHappen) throws Exception {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail("a task's future was not complete after %d ms: %s", WAIT.toMillis(), whatShouldHappen);
        }
    }

    @Test
    void runsTasksAndReturnsTheirResults() throws Exception {
        SimpleThreadPool pool = newPool(2);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            futures.add(pool.submit(() -> n * n));
        }
        for (int i = 0; i < 50; i++) {
            assertThat(getWithin(futures.get(i), "the workers must take queued tasks and run them"))
                    .withFailMessage("task %d returned the wrong result", i).isEqualTo(i * i);
        }
    }

    @Test
    void runsWorkersTasksAtOnceButNeverHasMoreThanWorkersThreads() throws Exception {
        int workers = 3;
        Set<Long> before = ThreadLeaks.snapshot();
        SimpleThreadPool pool = newPool(workers);
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        CountDownLatch allBusy = new CountDownLatch(workers);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<Boolean>> blockers = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            blockers.add(pool.submit(() -> {
                ranOn.add(Thread.currentThread());
                allBusy.countDown();
                return release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }));
        }
        boolean allRanAtOnce = allBusy.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        List<Future<String>> queued = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            queued.add(pool.submit(() -> {
                ranOn.add(Thread.currentThread());
                return Thread.currentThread().getName();
            }));
        }
        int threadsWhileBusy = ThreadLeaks.startedSince(before).size();
        release.countDown();
        assertThat(allRanAtOnce).withFailMessage(
                "only %d of %d tasks were running at the same time in a pool of %d workers: the pool must run up to"
                        + " 'workers' tasks in parallel", workers - allBusy.getCount(), workers, workers).isTrue();
        for (Future<String> future : queued) {
            getWithin(future, "tasks queued while every worker was busy must run once a worker is free");
        }
        for (Future<Boolean> blocker : blockers) {
            getWithin(blocker, "the first tasks must finish once released");
        }
        assertThat(threadsWhileBusy).withFailMessage(
                "with all %d workers busy and 100 tasks queued, %d new threads were alive: a pool never has more than"
                        + " 'workers' threads. Queue the tasks; do not start a thread per task.",
                workers, threadsWhileBusy).isLessThanOrEqualTo(workers);
        assertThat(ranOn.size()).withFailMessage(
                "103 tasks ran on %d different threads in a pool of %d workers: a pool creates its threads once and"
                        + " reuses them", ranOn.size(), workers).isLessThanOrEqualTo(workers);
    }

    @Test
    void aThrowingTaskFailsOnlyItsOwnFutureAndTheWorkerLivesOn() throws Exception {
        SimpleThreadPool pool = newPool(1);
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        RuntimeException unchecked = new IllegalStateException("task 1 failed");
        Exception checked = new java.io.IOException("task 2 failed");
        Error error = new AssertionError("task 3 failed");

        Future<String> before = pool.submit(() -> record(ranOn, "before"));
        Future<String> first = pool.submit(() -> {
            record(ranOn, "");
            throw unchecked;
        });
        Future<String> second = pool.submit(() -> {
            record(ranOn, "");
            throw checked;
        });
        Future<String> third = pool.submit(() -> {
            record(ranOn, "");
            throw error;
        });
        Future<String> after = pool.submit(() -> record(ranOn, "after"));

        assertThat(getWithin(before, "the first task must run")).isEqualTo("before");
        assertThat(getWithin(after, "the pool's only worker ran tasks that threw, and then never ran another task: an"
                + " exception escaped from a task and killed the worker thread. Catch what the task throws and put it"
                + " into its future (FutureTask does that)")).isEqualTo("after");
        for (Future<String> failed : List.of(first, second, third)) {
            assertThat(catchThrowable(() -> getWithin(failed, "a throwing task's future must complete too")))
                    .withFailMessage("a task that throws must make its future's get() throw ExecutionException")
                    .isInstanceOf(ExecutionException.class);
        }
        assertThat(List.of(causeOf(first), causeOf(second), causeOf(third))).withFailMessage(
                "the ExecutionExceptions must carry what the tasks threw as their cause").containsExactly(unchecked, checked, error);
        assertThat(ranOn).withFailMessage(
                "the tasks of a 1-worker pool ran on %d threads (%s): a worker that died after a task threw was"
                        + " replaced. The worker must survive: a task's failure belongs to its future, not to the thread.",
                ranOn.size(), ranOn).hasSize(1);
    }

    private static String record(Set<Thread> ranOn, String result) {
        ranOn.add(Thread.currentThread());
        return result;
    }

    private static Throwable causeOf(Future<?> future) {
        try {
            future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    @Test
    void shutdownLetsQueuedTasksFinishThenEndsTheWorkers() throws Exception {
        SimpleThreadPool pool = newPool(2);
        CountDownLatch release = new CountDownLatch(1);
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            futures.add(pool.submit(() -> {
                ranOn.add(Thread.currentThread());
                release.await();
                return -1;
            }));
        }
        for (int i = 0; i < 20; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                ranOn.add(Thread.currentThread());
                return n;
            }));
        }
        pool.shutdown();
        release.countDown();
        assertThat(pool.awaitTermination(WAIT)).withFailMessage(
                "after shutdown() the pool did not terminate within %d ms: once the queue is empty, every worker must"
                        + " end, also those idle-waiting for a task (wake them up when the pool shuts down)", WAIT.toMillis())
                .isTrue();
        int done = 0;
        for (Future<Integer> future : futures) {
            done += future.isDone() && !future.isCancelled() ? 1 : 0;
        }
        assertThat(done).withFailMessage(
                "only %d of 22 tasks submitted before shutdown() completed: shutdown() stops new submissions, but the"
                        + " tasks already queued must still run", done).isEqualTo(22);
        // awaitTermination promises that every worker has run its last task and left the pool; the thread may
        // still be returning from its run method (ThreadPoolExecutor behaves the same), so it gets a moment to end.
        List<Thread> alive = new ArrayList<>();
        for (Thread worker : ranOn) {
            if (!worker.join(WAIT)) {
                alive.add(worker);
            }
        }
        assertThat(alive).withFailMessage(
                "awaitTermination returned true, yet %d ms later these worker threads still run: %s. After shutdown()"
                        + " and an empty queue every worker must leave its loop and end", WAIT.toMillis(), alive).isEmpty();
    }

    @Test
    void idleWorkersEndOnShutdown() throws Exception {
        SimpleThreadPool pool = newPool(3);
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        CountDownLatch allStarted = new CountDownLatch(3);
        List<Future<Boolean>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(pool.submit(() -> {
                ranOn.add(Thread.currentThread());
                allStarted.countDown();
                return allStarted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS); // so that all three workers start
            }));
        }
        for (Future<Boolean> future : futures) {
            getWithin(future, "three tasks in a pool of three workers must run");
        }
        for (Thread worker : ranOn) {
            Background.assertBlocked(worker, "an idle worker waiting for the next task");
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(WAIT)).withFailMessage(
                "idle workers did not end after shutdown(): they wait for a task that will never come. Wake them"
                        + " (signalAll, or one poison pill per worker) and let them see that the pool is shut down.")
                .isTrue();
    }

    @Test
    void shutdownNowInterruptsRunningTasksAndReturnsTheQueuedOnes() throws Exception {
        SimpleThreadPool pool = newPool(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicInteger queuedRan = new AtomicInteger();
        Future<String> running = pool.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(); // blocks until interrupted
                return "not interrupted";
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        });
        for (int i = 0; i < 3; i++) {
            pool.submit(() -> queuedRan.incrementAndGet());
        }
        assertThat(started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).withFailMessage("the first task never started").isTrue();

        List<Runnable> neverRan = pool.shutdownNow();

        assertThat(pool.awaitTermination(WAIT)).withFailMessage(
                "after shutdownNow() the pool did not terminate: the running task waits until interrupted, so"
                        + " shutdownNow() must interrupt the worker threads").isTrue();
        assertThat(interrupted.get()).withFailMessage("the running task was not interrupted by shutdownNow()").isTrue();
        assertThatThrownBy(() -> getWithin(running, "an interrupted task's future must complete"))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InterruptedException.class);
        assertThat(queuedRan.get()).withFailMessage(
                "%d queued task(s) ran after shutdownNow(): it must take them out of the queue", queuedRan.get()).isZero();
        assertThat(neverRan).withFailMessage(
                "shutdownNow() returned %d tasks, but 3 were queued and never started: return them", neverRan.size())
                .hasSize(3);
        neverRan.forEach(Runnable::run);
        assertThat(queuedRan.get()).withFailMessage(
                "running the 3 Runnables that shutdownNow() returned ran %d of the queued tasks: return the queued work"
                        + " itself", queuedRan.get()).isEqualTo(3);
    }

    @Test
    void submitAfterShutdownIsRejected() {
        SimpleThreadPool pool = newPool(1);
        pool.shutdown();
        assertThat(catchThrowable(() -> pool.submit(() -> 1))).withFailMessage(
                "submit() after shutdown() must throw RejectedExecutionException").isInstanceOf(RejectedExecutionException.class);
        SimpleThreadPool other = newPool(1);
        other.shutdownNow();
        assertThat(catchThrowable(() -> other.submit(() -> 1))).withFailMessage(
                "submit() after shutdownNow() must throw RejectedExecutionException").isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void awaitTerminationWaitsForTheTimeoutWhileTasksRun() throws Exception {
        SimpleThreadPool pool = newPool(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(() -> release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        pool.shutdown();
        Duration timeout = Duration.ofMillis(150);
        long start = System.nanoTime();
        boolean terminated = pool.awaitTermination(timeout);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(terminated).withFailMessage("awaitTermination returned true while a task was still running").isFalse();
        assertThat(elapsedMillis).withFailMessage(
                "awaitTermination(150 ms) returned false after %d ms: it must wait for the whole timeout", elapsedMillis)
                .isGreaterThanOrEqualTo(timeout.toMillis() - 10);

        try (Background waiter = Background.start("terminator", () -> pool.awaitTermination(WAIT))) {
            waiter.assertBlocks("awaitTermination while a task runs");
            BusyWait.assertWaitsWithoutSpinning(waiter.thread());
            release.countDown();
            waiter.assertEnds("The last task ended but awaitTermination did not return: signal the waiters when the"
                    + " last worker ends.");
        }
        assertThat(pool.awaitTermination(Duration.ZERO)).isTrue();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new SimpleThreadPool(0)).isInstanceOf(IllegalArgumentException.class);
        SimpleThreadPool pool = newPool(1);
        assertThatThrownBy(() -> pool.submit(null)).isInstanceOf(NullPointerException.class);
    }
}
