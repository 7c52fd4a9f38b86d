/*
 * Wrong: a failing item kills its worker, the exception is not recorded
 * Rejected by: WorkPipelineTest#aFailingItemFailsTheRunWithItsCause
 * Message: although an item's work threw
 * Caught by: `aFailingItemFailsTheRunWithItsCause` (run() returns as if nothing failed), `whenEveryItemFailsTheRunStillEnds` (run() never returns: every worker died)
 */
package workshop.patterns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Producer-consumer with a bounded queue: the calling thread feeds the items into a queue, and a fixed
 * number of worker threads take them out and process them.
 *
 * <p>{@link #run} guarantees:
 * <ul>
 *   <li>every item is processed exactly once, and the results come back in input order;</li>
 *   <li>memory stays bounded: the producer waits while the queue is full, so at most
 *       {@code queueCapacity} items wait in the queue, plus one per worker in progress;</li>
 *   <li>every worker thread has ended when {@code run} returns or throws: each gets a poison pill, a
 *       special item queued behind the real ones that tells it to stop;</li>
 *   <li>an item whose work throws fails the whole run: no further items are started, and {@code run}
 *       throws a {@link CompletionException} whose cause is that exception (the first one, if several
 *       items fail), instead of waiting forever for a result that will never come.</li>
 * </ul>
 *
 * <p>Thread-safe: {@code run} shares nothing between calls. The work function is called from several
 * threads at once and must be safe for that. Actions of the work function happen-before {@code run}
 * returns.
 */
public final class WorkPipeline {

    /** A queued item with its position in the input. */
    private record Job<T>(int index, T item) {
    }

    /** The poison pill: a worker that takes it stops. Compared by identity. */
    private static final Job<?> POISON = new Job<>(-1, null);

    private WorkPipeline() {
    }

    /**
     * Applies {@code work} to every item on {@code consumers} worker threads fed through a queue of
     * {@code queueCapacity} items, and returns the results in input order.
     *
     * <p>If the calling thread is interrupted, no further items are started; {@code run} waits for the
     * items in progress and the workers to end, then throws {@link CancellationException} with the
     * interrupt status set.
     *
     * @throws CompletionException if {@code work} threw for an item; the cause is what it threw
     * @throws IllegalArgumentException if {@code consumers} or {@code queueCapacity} is less than 1
     */
    public static <T, R> List<R> run(List<T> items, Function<T, R> work, int consumers, int queueCapacity) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(work, "work");
        if (consumers < 1) {
            throw new IllegalArgumentException("consumers must be at least 1, was " + consumers);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
        }
        Object[] results = new Object[items.size()]; // slot i is written by the worker that processed item i
        BlockingQueue<Job<T>> queue = new ArrayBlockingQueue<>(queueCapacity);
        AtomicReference<Throwable> failure = new AtomicReference<>(); // the first failure; workers skip jobs after it
        List<Thread> workers = new ArrayList<>(consumers);
        for (int w = 0; w < consumers; w++) {
            workers.add(Thread.ofPlatform().name("pipeline-worker-" + w)
                    .start(() -> consume(queue, work, results, failure)));
        }

        boolean cancelled = false;
        try {
            int index = 0;
            for (T item : items) {
                if (failure.get() != null) {
                    break; // stop producing: the run has failed
                }
                queue.put(new Job<>(index++, item)); // waits while the queue is full: back-pressure
            }
        } catch (InterruptedException e) {
            cancelled = true;
            failure.compareAndSet(null, e); // makes the workers skip the jobs still queued
        }
        boolean interrupted = cancelled;
        // One pill per worker, behind every job. Workers keep taking (and skip jobs once the run has
        // failed), so these puts cannot wait forever.
        for (int w = 0; w < consumers; w++) {
            interrupted |= putUninterruptibly(queue, poison());
        }
        for (Thread worker : workers) {
            interrupted |= joinUninterruptibly(worker);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }

        if (cancelled) {
            throw new CancellationException("run() was interrupted; items in progress were finished, no others started");
        }
        Throwable failed = failure.get();
        if (failed != null) {
            throw new CompletionException("work failed for an item: " + failed, failed);
        }
        @SuppressWarnings("unchecked") // every slot holds the R that work returned for its item
        List<R> list = (List<R>) Arrays.asList(results);
        return Collections.unmodifiableList(list);
    }

    /** A worker's loop: take jobs until the poison pill comes. */
    private static <T, R> void consume(BlockingQueue<Job<T>> queue, Function<T, R> work, Object[] results,
            AtomicReference<Throwable> failure) {
        while (true) {
            Job<T> job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                // Nobody interrupts a worker but a stranger: run() stops workers with pills, and it
                // cannot finish without this one taking its pill, so keep going.
                continue;
            }
            if (job == POISON) {
                return;
            }
            if (failure.get() != null) {
                continue; // the run has failed: drain the queue without doing more work
            }
            results[job.index()] = work.apply(job.item());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Job<T> poison() {
        return (Job<T>) POISON;
    }

    /** Puts {@code job}, retrying if interrupted; returns whether an interrupt happened. */
    private static <T> boolean putUninterruptibly(BlockingQueue<Job<T>> queue, Job<T> job) {
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(job);
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    /** Joins {@code thread}, retrying if interrupted; returns whether an interrupt happened. */
    private static boolean joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }
}
