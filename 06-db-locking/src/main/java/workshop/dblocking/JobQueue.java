package workshop.dblocking;

import java.util.Optional;
import javax.sql.DataSource;

/**
 * Exercise 3 (README: "3. JobQueue"). A work queue kept in the {@code jobs} table, shared by any
 * number of workers (threads or processes). Each job goes to exactly one worker, and a worker looking
 * for work never waits for a job another worker is busy claiming: it takes the next free one.
 *
 * <p>Jobs go {@code PENDING} ({@link #enqueue}) to {@code RUNNING} ({@link #claimNext}, oldest first)
 * to {@code DONE} ({@link #complete}). The table is in {@code src/main/resources/schema.sql}.
 */
public class JobQueue {

    private final DataSource dataSource;

    /**
     * A queue that takes its connections from {@code dataSource}.
     *
     * @throws NullPointerException if {@code dataSource} is null: at once, not at the first call
     */
    public JobQueue(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Adds a pending job.
     *
     * @return the new job's id
     * @throws NullPointerException if {@code payload} is null, before any SQL runs
     */
    public long enqueue(String payload) {
        throw new UnsupportedOperationException("TODO 06-db-locking exercise 3: JobQueue.enqueue()");
    }

    /**
     * Claims the oldest pending job for {@code worker} and marks it running, or returns empty if no
     * pending job is free. Never waits for a job that another worker is claiming at the same moment.
     *
     * @throws NullPointerException if {@code worker} is null, before any SQL runs
     */
    public Optional<Job> claimNext(String worker) {
        throw new UnsupportedOperationException("TODO 06-db-locking exercise 3: JobQueue.claimNext()");
    }

    /**
     * Marks a running job done.
     *
     * @throws IllegalStateException if the job is not running (unknown, never claimed, or done already)
     */
    public void complete(long jobId) {
        throw new UnsupportedOperationException("TODO 06-db-locking exercise 3: JobQueue.complete()");
    }
}
