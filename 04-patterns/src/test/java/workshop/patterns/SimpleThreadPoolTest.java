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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import workshop.testkit.BlockingCall;
import workshop.testkit.BusyWait;
import workshop.testkit.SpuriousWakeups;
import workshop.testkit.ThreadLeaks;
import workshop.testkit.TimeFactor;
import workshop.testkit.Timeouts;

/** Exercise 4: README "4. SimpleThreadPool". */
class SimpleThreadPoolTest {

    private static final Duration WAIT = TimeFactor.seconds(5);

    /** A timeout no test waits out: the waits that use it end by a signal or not at all. */
    private static final Duration LONG_TIMEOUT = TimeFactor.seconds(30);

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

        String beforeResult = getWithin(before, "the first task must run");
        assertThat(beforeResult).withFailMessage("the first task returned \"before\", but its future gave %s",
                beforeResult).isEqualTo("before");
        String afterResult = getWithin(after, "the pool's only worker ran tasks that threw, and then never ran another"
                + " task: an exception escaped from a task and killed the worker thread. Catch what the task throws and"
                + " put it into its future (FutureTask does that)");
        assertThat(afterResult).withFailMessage("the last task returned \"after\", but its future gave %s", afterResult)
                .isEqualTo("after");
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
            BlockingCall.assertBlocked(worker, "an idle worker waiting for the next task");
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

        assertThat(pool.awaitTermination(BlockingCall.PATIENCE)).withFailMessage(
                "after shutdownNow() the pool did not terminate: the running task waits until interrupted, so"
                        + " shutdownNow() must interrupt the worker threads").isTrue();
        assertThat(interrupted.get()).withFailMessage("the running task was not interrupted by shutdownNow()").isTrue();
        assertThatThrownBy(() -> getWithin(running, "an interrupted task's future must complete")).as(
                "the running task threw InterruptedException when shutdownNow() interrupted it: its future's get() must"
                        + " throw ExecutionException with that InterruptedException as cause")
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
    void anInterruptMeantForOneTaskDoesNotReachTheNext() throws Exception {
        SimpleThreadPool pool = newPool(1);
        CountDownLatch started = new CountDownLatch(1);
        Semaphore finish = new Semaphore(0);
        Future<String> first = pool.submit(() -> {
            started.countDown();
            finish.acquireUninterruptibly(); // returns with the interrupt status still set, as a task that restores it
            return "first";
        });
        Future<Boolean> second = pool.submit(() -> Thread.currentThread().isInterrupted());
        assertThat(started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).withFailMessage("the first task never started")
                .isTrue();
        first.cancel(true); // interrupts the worker that runs the first task, before it returns
        finish.release();
        boolean interrupted = getWithin(second, "the second task must run once the first one has ended");
        assertThat(interrupted).withFailMessage(
                "the second task started on a worker whose interrupt status was set: the interrupt was meant for the"
                        + " first task (its future's cancel(true)), which ended with the status still set, and the"
                        + " worker passed it on. Clear a stale interrupt (Thread.interrupted()) before a worker takes its"
                        + " next task, or the next task's first blocking call throws InterruptedException for nothing.")
                .isFalse();
    }

    @Test
    void shutdownOfAPoolThatNeverRanATaskReleasesAThreadInAwaitTermination() {
        SimpleThreadPool pool = newPool(2);
        try (BlockingCall<Boolean> waiter = BlockingCall.start("terminator", () -> pool.awaitTermination(LONG_TIMEOUT))) {
            waiter.assertBlocks("awaitTermination on a pool that was not shut down");
            pool.shutdown();
            boolean terminated = waiter.assertFinishes("shutdown() of a pool that never started a worker did not wake"
                    + " the thread in awaitTermination: no worker will ever end to signal it, so shutdown() itself must"
                    + " signal the waiters when it leaves the pool terminated (shut down, no workers left).");
            assertThat(terminated).withFailMessage("awaitTermination returned false after shutdown() of a pool that"
                    + " never started a worker: such a pool has terminated the moment it is shut down").isTrue();
        }
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

        try (BlockingCall<Void> waiter = BlockingCall.run("terminator", () -> pool.awaitTermination(WAIT))) {
            waiter.assertBlocks("awaitTermination while a task runs");
            BusyWait.assertWaitsWithoutSpinning(waiter.thread());
            release.countDown();
            waiter.assertFinishes("The last task ended but awaitTermination did not return: signal the waiters when the"
                    + " last worker ends.");
        }
        assertThat(pool.awaitTermination(Duration.ZERO)).withFailMessage(
                "awaitTermination(0) returned false after the pool had terminated: a zero timeout does not wait, but it"
                        + " still reports that the pool has terminated").isTrue();
    }

    @Test
    void wakeUpsWithoutAChangeEndNoWorkerAndReleaseNoWaiter() throws Exception {
        SimpleThreadPool idle = newPool(1);
        AtomicReference<Thread> worker = new AtomicReference<>();
        getWithin(idle.submit(() -> {
            worker.set(Thread.currentThread());
            return null;
        }), "a task in a pool of one worker must run");
        BlockingCall.assertBlocked(worker.get(), "an idle worker waiting for the next task");

        SimpleThreadPool busy = newPool(1);
        CountDownLatch release = new CountDownLatch(1);
        busy.submit(() -> release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        busy.shutdown();
        try (BlockingCall<Boolean> terminator = BlockingCall.start("terminator", () -> busy.awaitTermination(LONG_TIMEOUT))) {
            terminator.assertBlocks("awaitTermination(30 s) while a task runs");
            SpuriousWakeups.wakeAll(idle, List.of(worker.get()));
            SpuriousWakeups.wakeAll(busy, List.of(terminator.thread()));
            boolean workerEnded = worker.get().getState() == Thread.State.TERMINATED;
            assertThat(workerEnded).withFailMessage(
                    "The test woke the pool's idle worker without submitting a task or shutting the pool down, as a"
                            + " spurious wake-up does (Condition.await() may return for no reason: its Javadoc says"
                            + " so), and the worker thread ended: the pool still runs but has lost a worker. A wake-up"
                            + " is only a hint to look again: wait in a while loop (`while (running && queue is"
                            + " empty)`) before taking a task.").isFalse();
            assertThat(terminator.isDone()).withFailMessage(
                    "The test woke the thread in awaitTermination(30 s) without ending the running task, as a"
                            + " spurious wake-up does, and awaitTermination returned %s although a task still ran. A"
                            + " wake-up is only a hint to look again: wait in a while loop until the pool has"
                            + " terminated or the time left is used up.",
                    terminator.failure() == null ? "(a result)" : "by throwing " + terminator.failure()).isFalse();
            assertThat(getWithin(idle.submit(() -> Thread.currentThread() == worker.get()),
                    "after a wake-up without a task, the pool did not run the next task")).withFailMessage(
                    "after a wake-up without a task, the next task ran on a new thread: the idle worker left its loop")
                    .isTrue();
            release.countDown();
            assertThat(terminator.assertFinishes("the last task ended, but awaitTermination(30 s) did not return."))
                    .withFailMessage("awaitTermination(30 s) returned false although the pool terminated in time")
                    .isTrue();
        }
    }

    @Test
    void awaitTerminationCountsItsTimeoutFromTheCallNotFromTheLastWakeUp() throws Exception {
        SimpleThreadPool pool = newPool(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(() -> release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        pool.shutdown();
        try (BlockingCall<Boolean> terminator = BlockingCall.start("terminator",
                () -> pool.awaitTermination(Duration.ofMillis(300)))) {
            terminator.assertBlocks("awaitTermination(300 ms) while a task runs");
            boolean ended = SpuriousWakeups.keepWakingUntilEnded(pool, terminator.thread(), Duration.ofMillis(100),
                    TimeFactor.seconds(4));
            release.countDown();
            assertThat(ended).withFailMessage(
                    "awaitTermination(300 ms) was still waiting after %d s, while the test woke it every 100 ms with"
                            + " the task still running (as spurious wake-ups would). Each wake-up restarted the 300 ms:"
                            + " keep the time left, `nanos = terminated.awaitNanos(nanos)`, and give up when it reaches"
                            + " zero.", TimeFactor.seconds(4).toSeconds()).isTrue();
            assertThat(terminator.assertFinishes("awaitTermination(300 ms) did not return.")).withFailMessage(
                    "awaitTermination(300 ms) returned true although the task was still running").isFalse();
        }
    }

    @Test
    void awaitTerminationTakesHugeAndNegativeTimeoutsAndAnInterruptedCaller() throws Exception {
        SimpleThreadPool pool = newPool(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(() -> release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertThat(Timeouts.assertReturnsAtOnce("awaitTermination(Duration.ofSeconds(Long.MIN_VALUE)) on a running pool",
                () -> pool.awaitTermination(Timeouts.MOST_NEGATIVE))).withFailMessage(
                "awaitTermination(Duration.ofSeconds(Long.MIN_VALUE)) returned true for a pool that was never shut"
                        + " down: a negative timeout does not wait, it reports whether the pool has terminated now")
                .isFalse();
        Timeouts.assertInterruptedCallerGetsInterruptedException("awaitTermination(Duration.ofSeconds(Long.MAX_VALUE))",
                () -> pool.awaitTermination(Timeouts.FOREVER));
        Timeouts.assertInterruptedCallerGetsInterruptedException("awaitTermination(Duration.ofSeconds(Long.MIN_VALUE))",
                () -> pool.awaitTermination(Timeouts.MOST_NEGATIVE));
        try (BlockingCall<Boolean> terminator = Timeouts.assertWaits("terminator",
                () -> pool.awaitTermination(Timeouts.FOREVER),
                "awaitTermination(Duration.ofSeconds(Long.MAX_VALUE)) on a running pool: as long as it takes")) {
            pool.shutdown();
            release.countDown();
            assertThat(terminator.assertFinishes("the pool was shut down and its last task ended, but"
                    + " awaitTermination(Duration.ofSeconds(Long.MAX_VALUE)) did not return.")).withFailMessage(
                    "awaitTermination(Duration.ofSeconds(Long.MAX_VALUE)) returned false although the pool terminated:"
                            + " a huge timeout waits as long as it takes").isTrue();
        }
        assertThat(Timeouts.assertReturnsAtOnce("awaitTermination(Duration.ofSeconds(Long.MIN_VALUE)) on a terminated"
                + " pool", () -> pool.awaitTermination(Timeouts.MOST_NEGATIVE))).withFailMessage(
                "awaitTermination(Duration.ofSeconds(Long.MIN_VALUE)) returned false for a pool that has terminated:"
                        + " a negative timeout does not wait, but it still reports the pool's state").isTrue();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new SimpleThreadPool(0)).as(
                "new SimpleThreadPool(0) must throw IllegalArgumentException: a pool needs at least one worker")
                .isInstanceOf(IllegalArgumentException.class);
        SimpleThreadPool pool = newPool(1);
        assertThatThrownBy(() -> pool.submit(null)).as(
                "submit(null) must throw NullPointerException (Objects.requireNonNull) at once, not fail on a worker")
                .isInstanceOf(NullPointerException.class);
    }
}
