package workshop.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import workshop.testkit.BlockingCall;
import workshop.testkit.ThreadLeaks;
import workshop.testkit.TimeFactor;

/** Exercise 2: README "2. WorkPipeline". */
class WorkPipelineTest {

    private static final Duration LIMIT = TimeFactor.seconds(6);
    private static final Duration GRACE = TimeFactor.seconds(2);

    /** How long the last item's work waits for run() to return first; a correct run() waits this out once. */
    private static final Duration HOLD_LAST_ITEM = TimeFactor.seconds(1);
    private static final String HANGS = "run() must return once every item is processed: does every worker get a poison"
            + " pill, and does run() wait only for things that will happen?";

    /**
     * The input: the numbers 0 to size-1, counting every read (through get(), the iterator or a stream),
     * and how far reading has run ahead of the work finished.
     */
    private static final class CountingInput extends AbstractList<Integer> implements RandomAccess {

        private final int size;
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicInteger maxAhead = new AtomicInteger();
        volatile Thread reader;

        CountingInput(int size) {
            this.size = size;
        }

        @Override
        public Integer get(int index) {
            Objects.checkIndex(index, size);
            reader = Thread.currentThread();
            int ahead = reads.incrementAndGet() - finished.get();
            maxAhead.accumulateAndGet(ahead, Math::max);
            return index;
        }

        @Override
        public int size() {
            return size;
        }

        /** Wraps {@code work} so that it counts finished items. */
        <R> Function<Integer, R> counting(Function<Integer, R> work) {
            return item -> {
                R result = work.apply(item);
                finished.incrementAndGet();
                return result;
            };
        }
    }

    @Test
    void processesEveryItemExactlyOnceAndReturnsResultsInInputOrder() throws InterruptedException {
        int n = 2_000;
        int consumers = 4;
        AtomicIntegerArray calls = new AtomicIntegerArray(n);
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        CountDownLatch secondItemDone = new CountDownLatch(1);
        List<Integer> items = IntStream.range(0, n).boxed().toList();

        List<String> results = BlockingCall.within("pipeline", LIMIT, HANGS, () -> WorkPipeline.run(items, item -> {
            workers.add(Thread.currentThread());
            calls.incrementAndGet(item);
            if (item == 0) {
                awaitQuietly(secondItemDone); // so that item 1 finishes before item 0
            } else if (item == 1) {
                secondItemDone.countDown();
            }
            return "result-" + item;
        }, consumers, 8));

        int missing = 0;
        int repeated = 0;
        for (int i = 0; i < n; i++) {
            missing += calls.get(i) == 0 ? 1 : 0;
            repeated += calls.get(i) > 1 ? 1 : 0;
        }
        assertThat(missing + repeated).withFailMessage(
                "of %d items, %d were never processed and %d were processed more than once: each item must go into"
                        + " the queue once and be taken by exactly one worker", n, missing, repeated).isZero();
        List<String> expected = items.stream().map(i -> "result-" + i).toList();
        assertThat(results).withFailMessage(
                "the results are not in input order (first ten: %s). Item 1 finished before item 0 on purpose:"
                        + " put each result at its item's index instead of adding results as they finish.",
                results == null ? null : results.subList(0, Math.min(10, results.size()))).isEqualTo(expected);
        assertThat(workers.size()).withFailMessage(
                "%d threads ran the work, but consumers was %d: start exactly that many workers", workers.size(), consumers)
                .isLessThanOrEqualTo(consumers);
        assertWorkersEnded(workers);
    }

    @Test
    void runsConsumersWorkersAtOnce() {
        int consumers = 4;
        CountDownLatch allBusy = new CountDownLatch(consumers);
        AtomicInteger met = new AtomicInteger();
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        List<Integer> items = IntStream.range(0, 40).boxed().toList();

        BlockingCall.within("pipeline", LIMIT, HANGS, () -> WorkPipeline.run(items, item -> {
            workers.add(Thread.currentThread());
            if (item < consumers) {
                allBusy.countDown();
                if (awaitQuietly(allBusy, Duration.ofSeconds(1))) { // 1 s each: 4 s if they run one after another
                    met.incrementAndGet();
                }
            }
            return item;
        }, consumers, 2));

        assertThat(met.get()).withFailMessage(
                "the first %d items never were in progress at the same time (only %d of their workers saw all of them"
                        + " busy): with consumers = %d, %d worker threads must take items in parallel",
                consumers, met.get(), consumers, consumers).isEqualTo(consumers);
        assertWorkersEnded(workers);
    }

    @Test
    void readsTheInputNoFurtherAheadThanTheQueueAllows() throws InterruptedException {
        int consumers = 2;
        int capacity = 4;
        int aheadAllowed = capacity + consumers + 1; // in the queue, in progress, and one in the producer's hand
        CountingInput input = new CountingInput(500);
        AtomicInteger inWork = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        int readWhileWorkersBusy;

        try (BlockingCall<Void> pipeline = BlockingCall.run("pipeline", () -> WorkPipeline.run(input, input.counting(item -> {
            inWork.incrementAndGet();
            awaitQuietly(gate); // every item waits until the test opens the gate
            return item;
        }), consumers, capacity))) {
            try {
                // Both workers hold an item and wait at the gate; now the producer either waits for room in the
                // queue or, if nothing holds it back, reads on.
                await("both workers busy and the producer waiting or reading on").atMost(LIMIT)
                        .pollInterval(Duration.ofMillis(2)).until(() -> pipeline.isDone()
                                || inWork.get() >= consumers && (input.reads.get() > aheadAllowed || producerWaits(input)));
                readWhileWorkersBusy = input.reads.get();
            } finally {
                gate.countDown();
            }
            pipeline.assertFinishesWithin(LIMIT, HANGS);
        }
        assertThat(readWhileWorkersBusy).withFailMessage(
                "while both workers were busy with their first item, run() had read %d of 500 items from the input;"
                        + " with queueCapacity %d and %d consumers it may read at most %d (queue + in progress + one"
                        + " in hand). Nothing held the producer back: use a queue bounded to queueCapacity and put(),"
                        + " which waits while the queue is full.",
                readWhileWorkersBusy, capacity, consumers, aheadAllowed).isLessThanOrEqualTo(aheadAllowed);
        assertThat(input.maxAhead.get()).withFailMessage(
                "at one point run() had read %d items more than the workers had finished; at most %d fit in the queue"
                        + " and the workers' hands", input.maxAhead.get(), aheadAllowed).isLessThanOrEqualTo(aheadAllowed);
        assertThat(input.finished.get()).withFailMessage("only %d of 500 items were processed", input.finished.get())
                .isEqualTo(500);
    }

    /** Waits up to 2 s for {@code latch}; a work function cannot throw InterruptedException, so it keeps the flag. */
    private static boolean awaitQuietly(CountDownLatch latch) {
        return awaitQuietly(latch, Duration.ofSeconds(2));
    }

    private static boolean awaitQuietly(CountDownLatch latch, Duration limit) {
        try {
            return latch.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean producerWaits(CountingInput input) {
        Thread reader = input.reader;
        if (reader == null) {
            return false;
        }
        Thread.State state = reader.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED;
    }

    @Test
    void aFailingItemFailsTheRunWithItsCause() {
        RuntimeException boom = new IllegalStateException("item 37 is broken");
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        List<Integer> items = IntStream.range(0, 300).boxed().toList();

        Throwable thrown = catchFromPipeline(() -> WorkPipeline.run(items, item -> {
            workers.add(Thread.currentThread());
            if (item == 37) {
                throw boom;
            }
            return item;
        }, 3, 2));

        assertThat(causes(thrown)).withFailMessage(
                "run() threw %s, which does not carry the exception thrown for item 37 (%s) in its causes: wrap it, as"
                        + " in new CompletionException(e), so the caller learns what went wrong", thrown, boom).contains(boom);
        assertWorkersEnded(workers);
    }

    @Test
    void whenEveryItemFailsTheRunStillEnds() {
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        List<Integer> items = IntStream.range(0, 100).boxed().toList();

        Throwable thrown = catchFromPipeline(() -> WorkPipeline.run(items, item -> {
            workers.add(Thread.currentThread());
            throw new ArithmeticException("item " + item + " is broken");
        }, 2, 1));

        assertThat(causes(thrown)).withFailMessage(
                "run() threw %s, which does not carry any of the items' exceptions in its causes", thrown)
                .anyMatch(t -> t instanceof ArithmeticException);
        assertWorkersEnded(workers);
    }

    @Test
    void emptyInputGivesAnEmptyResultAndLeavesNoThread() throws InterruptedException {
        Set<Long> before = ThreadLeaks.snapshot();
        List<Object> results = BlockingCall.within("pipeline", BlockingCall.PATIENCE, HANGS, () -> WorkPipeline.run(List.of(), item -> item, 3, 2));
        assertThat(results).withFailMessage("run() on an empty list must return an empty list, got %s", results).isEmpty();
        List<Thread> left = ThreadLeaks.stillRunningAfter(before, GRACE);
        assertThat(left).withFailMessage(
                "run() on an empty list returned, but %d thread(s) it started are still running: %s. Every worker must"
                        + " get a poison pill, even when there was no work.", left.size(), left).isEmpty();
    }

    @Test
    void runReturnsOnlyAfterEveryWorkerHasEnded() {
        int n = 20;
        int last = n - 1;
        CountDownLatch runReturned = new CountDownLatch(1);
        AtomicBoolean lastItemDone = new AtomicBoolean();
        List<Integer> items = IntStream.range(0, n).boxed().toList();
        record AtReturn(boolean lastItemDone, List<Thread> stillRunning) {
        }

        AtReturn atReturn = BlockingCall.within("pipeline", LIMIT.plus(HOLD_LAST_ITEM), HANGS, () -> {
            Set<Long> before = ThreadLeaks.snapshot();
            try {
                WorkPipeline.run(items, item -> {
                    if (item == last) {
                        // The last item's work waits for run() to return (or at most HOLD_LAST_ITEM): a run()
                        // that does not wait for its workers returns while this item is still in progress.
                        awaitQuietly(runReturned, HOLD_LAST_ITEM);
                        lastItemDone.set(true);
                    }
                    return item;
                }, 3, 1);
                // Looked at the moment run() returns, without a grace period: its workers must be gone by now.
                return new AtReturn(lastItemDone.get(), ThreadLeaks.startedSince(before).stream()
                        .filter(t -> t.getState() != Thread.State.TERMINATED).toList());
            } finally {
                runReturned.countDown();
            }
        });

        assertThat(atReturn.lastItemDone()).withFailMessage(
                "run() returned while a worker was still running: the work for item %d (the last one) had not"
                        + " finished. run() must wait for its workers: after the poison pills, join() every worker"
                        + " thread before it returns (or throws).", last).isTrue();
        assertThat(atReturn.stillRunning()).withFailMessage(
                "run() returned while %d thread(s) it started were still running: %s. run() must wait for its"
                        + " workers: after the poison pills, join() every worker thread before it returns (or throws).",
                atReturn.stillRunning().size(), atReturn.stillRunning()).isEmpty();
    }

    @Test
    void rejectsBadArguments() {
        List<Integer> items = List.of(1, 2, 3);
        assertThatThrownBy(() -> WorkPipeline.run(items, i -> i, 0, 1)).as(
                "run(items, work, consumers = 0, 1) must throw IllegalArgumentException before starting anything")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkPipeline.run(items, i -> i, 1, 0)).as(
                "run(items, work, 1, queueCapacity = 0) must throw IllegalArgumentException before starting anything")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkPipeline.run(null, i -> i, 1, 1)).as(
                "run(null, ...) must throw NullPointerException (Objects.requireNonNull)")
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> WorkPipeline.run(items, null, 1, 1)).as(
                "run(items, null, ...) must throw NullPointerException (Objects.requireNonNull)")
                .isInstanceOf(NullPointerException.class);
    }

    /** Runs a pipeline that must fail, bounded in time, and returns what it threw. */
    private static Throwable catchFromPipeline(java.util.concurrent.Callable<List<Integer>> pipeline) {
        try {
            List<Integer> results = BlockingCall.within("pipeline", LIMIT, "An item failed and run() never returned. A worker"
                    + " whose work throws must not just die: catch the exception, remember it, stop the producer and"
                    + " still let every worker take its poison pill.", pipeline);
            return fail("run() returned %d results although an item's work threw: it must fail the run",
                    results == null ? 0 : results.size());
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            return t;
        }
    }

    private static List<Throwable> causes(Throwable thrown) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = thrown; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static void assertWorkersEnded(Set<Thread> workers) {
        List<Thread> alive = workers.stream().filter(t -> !BlockingCall.joins(t, GRACE)).toList();
        assertThat(alive).withFailMessage(
                "run() returned, but %d worker thread(s) still run: %s. Each worker must end: put one poison pill per"
                        + " worker behind the last item, and end the worker when it takes one.", alive.size(), alive)
                .isEmpty();
    }
}
