package workshop.patterns;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * Exercise 4 (README: "4. SimpleThreadPool"). Build a fixed-size thread pool: at most {@code workers}
 * threads, created by the pool and reused, take tasks from one queue and run them.
 *
 * <p>{@code submit} returns a {@link Future} that gets the task's result, or the exception it threw
 * ({@code get()} then throws an {@code ExecutionException}). A task that throws fails only its own
 * future: the worker thread that ran it lives on and runs the next task. The pool never has more than
 * {@code workers} threads. {@code shutdown()} refuses new tasks but lets the queued ones run;
 * {@code shutdownNow()} refuses new tasks, removes the queued ones and returns them, and interrupts the
 * running ones; {@code awaitTermination} waits until every worker has run its last task and left the
 * pool. {@code submit} after either
 * shutdown throws {@link java.util.concurrent.RejectedExecutionException}. An idle worker, or a thread in
 * {@code awaitTermination}, may wake up with nothing changed (a spurious wake-up): it must look again and
 * go back to waiting; an idle worker ends only when the pool is stopped, or shut down with an empty queue.
 * An interrupt is meant for the task that runs (its future's {@code cancel(true)}, {@code shutdownNow()}):
 * a worker clears a stale one before it takes the next task.
 *
 * <p>Build it yourself (no {@code ExecutorService}, {@code ThreadPoolExecutor} or {@code Executors});
 * {@code FutureTask} is allowed, and so is your {@code SimpleFuture} from exercise 5. Hints are in the
 * README.
 */
public class SimpleThreadPool {

    /**
     * A pool of at most {@code workers} threads.
     *
     * @throws IllegalArgumentException if {@code workers} is less than 1
     */
    public SimpleThreadPool(int workers) {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 4: SimpleThreadPool(int)");
    }

    /**
     * Queues {@code task} to run on a worker thread.
     *
     * @return a future that completes with the task's result or the exception it threw
     * @throws java.util.concurrent.RejectedExecutionException if the pool has been shut down
     */
    public <T> Future<T> submit(Callable<T> task) {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 4: SimpleThreadPool.submit()");
    }

    /** Refuses new tasks; the queued ones still run, then the workers end. Does not wait for that. */
    public void shutdown() {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 4: SimpleThreadPool.shutdown()");
    }

    /**
     * Refuses new tasks, removes the queued ones and interrupts the running ones. Does not wait.
     *
     * @return the tasks that were queued and will not run (running one of them runs its task)
     */
    public List<Runnable> shutdownNow() {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 4: SimpleThreadPool.shutdownNow()");
    }

    /**
     * Waits until the pool has been shut down and every worker has ended, or the timeout runs out,
     * counted from the call (a wake-up does not start it again). A timeout of zero or less does not wait:
     * it reports whether the pool has terminated now. A huge one ({@code Duration.ofSeconds(Long.MAX_VALUE)})
     * waits as long as it takes: convert it with {@code TimeUnit.NANOSECONDS.convert(timeout)}, which
     * saturates, not {@code timeout.toNanos()}, which throws {@link ArithmeticException} beyond about 292
     * years.
     *
     * @return true if the pool terminated, false if the time ran out first
     * @throws InterruptedException if the calling thread is interrupted on entry (whatever the timeout) or
     *     while waiting; the interrupt status is then cleared
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 4: SimpleThreadPool.awaitTermination()");
    }
}
