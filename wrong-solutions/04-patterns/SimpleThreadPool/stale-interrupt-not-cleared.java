/*
 * Wrong: a worker does not clear a stale interrupt (from `cancel(true)` of the previous task) before it takes the next task
 * Rejected by: SimpleThreadPoolTest#anInterruptMeantForOneTaskDoesNotReachTheNext
 * Message: clear a stale interrupt
 */
package workshop.patterns;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed-size thread pool: at most {@code workers} threads take tasks from one queue and run them.
 *
 * <p>A task's outcome goes into the {@link Future} that {@link #submit} returns: its result, or the
 * exception it threw, which {@link Future#get()} rethrows wrapped in an
 * {@link java.util.concurrent.ExecutionException}. A task that throws fails only its own future; the
 * worker thread that ran it goes on with the next task. Worker threads start as tasks arrive, up to
 * {@code workers}, and live until the pool shuts down.
 *
 * <p>Life cycle, as in {@link java.util.concurrent.ExecutorService}: {@link #shutdown()} refuses new tasks
 * and lets the queued ones finish; {@link #shutdownNow()} also removes the queued tasks (and returns
 * them) and interrupts the running ones; {@link #awaitTermination} waits until every worker has run its last
 * task and left the pool (its thread may still be returning from its last method call, as with
 * {@link java.util.concurrent.ThreadPoolExecutor}).
 * Submitting after either throws {@link RejectedExecutionException}.
 *
 * <p>How it differs from {@link java.util.concurrent.ThreadPoolExecutor} (as {@code
 * Executors.newFixedThreadPool(workers)} makes it), and why:
 * <ul>
 *   <li>It is not an {@link java.util.concurrent.ExecutorService}: no {@code execute}, {@code invokeAll},
 *       {@code invokeAny}, {@code close}, {@code isShutdown} or {@code isTerminated}; only what the exercise
 *       teaches. The queue is unbounded and there is no rejection policy besides the
 *       {@code RejectedExecutionException} after a shutdown; workers never time out.</li>
 *   <li>An idle worker ignores interrupts (it waits with {@code awaitUninterruptibly}) and learns about a
 *       shutdown from the signal that comes with it; {@code ThreadPoolExecutor} interrupts its idle workers
 *       to wake them instead. Here an interrupt is only ever meant for a task ({@code shutdownNow()}), and a
 *       worker clears a stale one before it takes the next task.</li>
 *   <li>As with {@code ThreadPoolExecutor}, {@code awaitTermination} returning true means every worker has
 *       left the pool, not that its thread has ended: the last worker signals termination from its last
 *       lines of code, a moment before its thread is gone. Join the threads if you need them gone.</li>
 *   <li>As with {@code ThreadPoolExecutor}, the tasks {@code shutdownNow()} returns are the queued
 *       {@code FutureTask}s; their futures stay incomplete unless the caller runs or cancels them.</li>
 * </ul>
 *
 * <p>Thread-safe. Memory consistency: actions in a thread before {@code submit} happen-before the task
 * runs, and the task's actions happen-before {@code get()} returns its result.
 */
public class SimpleThreadPool {

    private enum State { RUNNING, SHUTDOWN, STOP }

    private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

    /** Main lock guarding all state. */
    private final ReentrantLock lock = new ReentrantLock();

    /** Signalled when a task is queued or the state changes: idle workers wait on it. */
    private final Condition workOrStateChange = lock.newCondition();

    /** Signalled when the last worker ends after a shutdown. */
    private final Condition terminated = lock.newCondition();

    /** Tasks waiting for a worker, oldest first. */
    @GuardedBy("lock")
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();

    /** The workers that have started and not yet ended. */
    @GuardedBy("lock")
    private final Set<Thread> workerThreads = new HashSet<>();

    @GuardedBy("lock")
    private State state = State.RUNNING;

    /** Workers started so far; never more than {@link #maxWorkers}. */
    @GuardedBy("lock")
    private int started;

    private final int maxWorkers;
    private final String namePrefix;

    /**
     * A pool of at most {@code workers} threads.
     *
     * @throws IllegalArgumentException if {@code workers} is less than 1
     */
    public SimpleThreadPool(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        }
        this.maxWorkers = workers;
        this.namePrefix = "simple-pool-" + POOL_NUMBER.incrementAndGet() + "-worker-";
    }

    /**
     * Queues {@code task} to run on a worker thread.
     *
     * @return a future that completes with the task's result or the exception it threw
     * @throws RejectedExecutionException if the pool has been shut down
     */
    public <T> Future<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        FutureTask<T> future = new FutureTask<>(task); // a Runnable that puts its outcome into itself
        lock.lock();
        try {
            if (state != State.RUNNING) {
                throw new RejectedExecutionException("the pool has been shut down; it accepts no new tasks");
            }
            queue.addLast(future);
            if (started < maxWorkers) {
                startWorker();
            } else {
                workOrStateChange.signal();
            }
        } finally {
            lock.unlock();
        }
        return future;
    }

    /** Refuses new tasks; the queued ones still run, then the workers end. Does not wait for that. */
    public void shutdown() {
        lock.lock();
        try {
            if (state == State.RUNNING) {
                state = State.SHUTDOWN;
            }
            workOrStateChange.signalAll(); // idle workers wake up, find the queue empty, and end
            signalIfTerminated();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new tasks, removes the queued ones and interrupts the running ones. Does not wait for the
     * running tasks to end.
     *
     * @return the tasks that were queued and will not run (their futures stay incomplete)
     */
    public List<Runnable> shutdownNow() {
        lock.lock();
        try {
            state = State.STOP;
            List<Runnable> neverRun = new ArrayList<>(queue);
            queue.clear();
            workerThreads.forEach(Thread::interrupt);
            workOrStateChange.signalAll();
            signalIfTerminated();
            return neverRun;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the pool has been shut down and every worker has ended, or the timeout runs out. A
     * timeout of zero or less does not wait: it reports whether the pool has terminated now. A huge one
     * ({@code Duration.ofSeconds(Long.MAX_VALUE)}) waits as long as it takes.
     *
     * @return true if the pool terminated, false if the time ran out first
     * @throws InterruptedException if the calling thread is interrupted on entry or while waiting (the
     *     interrupt status is cleared, as by every method that throws it)
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before awaitTermination");
        }
        // Saturates at about 292 years instead of throwing ArithmeticException, as Duration.toNanos() would.
        long nanos = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout"));
        lock.lockInterruptibly();
        try {
            while (!isTerminated()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = terminated.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Call only when holding lock. */
    @GuardedBy("lock")
    private void startWorker() {
        Thread worker = Thread.ofPlatform().name(namePrefix + started).daemon(false).unstarted(this::work);
        started++;
        workerThreads.add(worker);
        worker.start();
    }

    /** A worker's life: run tasks until the pool shuts down and the queue is empty, or stops. */
    private void work() {
        try {
            Runnable task;
            while ((task = nextTask()) != null) {
                task.run(); // a FutureTask: never throws, it keeps the task's exception for get()
            }
        } finally {
            lock.lock();
            try {
                workerThreads.remove(Thread.currentThread());
                signalIfTerminated();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The next task to run, waiting for one; null when this worker should end. */
    private Runnable nextTask() {
        lock.lock();
        try {
            while (state == State.RUNNING && queue.isEmpty()) {
                // Uninterruptible: the pool owns this thread, and its interrupts are meant for tasks
                // (cancel(true)) or come with a state change, which the signal reports.
                workOrStateChange.awaitUninterruptibly();
            }
            if (state == State.STOP || queue.isEmpty()) {
                return null;
            }
            return queue.removeFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Call only when holding lock. */
    @GuardedBy("lock")
    private boolean isTerminated() {
        return state != State.RUNNING && workerThreads.isEmpty();
    }

    /** Call only when holding lock. */
    @GuardedBy("lock")
    private void signalIfTerminated() {
        if (isTerminated()) {
            terminated.signalAll();
        }
    }
}
