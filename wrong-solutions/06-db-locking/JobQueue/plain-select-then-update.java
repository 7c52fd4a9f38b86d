/*
 * Wrong: a plain `SELECT`, then `UPDATE` (no row lock)
 * Rejected by: JobQueueTest#fourWorkersCompleteEveryJobExactlyOnce, JobQueueTest#claimNextSkipsAJobAnotherWorkerHasLocked
 * Message: more than one worker
 */
package workshop.dblocking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A work queue kept in the {@code jobs} table, shared by any number of workers in any number of
 * threads or processes. Jobs go {@code PENDING} ({@link #enqueue}) to {@code RUNNING}
 * ({@link #claimNext}) to {@code DONE} ({@link #complete}).
 *
 * <p>{@link #claimNext} picks the oldest pending job with {@code SELECT ... FOR UPDATE SKIP LOCKED} and
 * marks it running in the same transaction. The row lock makes the claim exclusive: no two workers get
 * the same job. {@code SKIP LOCKED} makes it wait-free between workers: rows that another worker has
 * locked (because it is claiming them right now) are passed over instead of waited for, so workers
 * never queue behind each other.
 *
 * <p>Thread-safe: the queue keeps no state of its own; each call runs in its own connection and
 * transaction and returns the connection before it returns or throws.
 */
public class JobQueue {

    private static final String ENQUEUE = "INSERT INTO jobs (payload, status) VALUES (?, 'PENDING')";
    private static final String LOCK_OLDEST_PENDING =
            "SELECT id, payload FROM jobs WHERE status = 'PENDING' ORDER BY id LIMIT 1";
    private static final String MARK_RUNNING =
            "UPDATE jobs SET status = 'RUNNING', claimed_by = ?, claimed_at = CURRENT_TIMESTAMP WHERE id = ?";
    private static final String MARK_DONE =
            "UPDATE jobs SET status = 'DONE', completed_at = CURRENT_TIMESTAMP WHERE id = ? AND status = 'RUNNING'";

    private final DataSource dataSource;

    /**
     * A queue that takes its connections from {@code dataSource}.
     *
     * @throws NullPointerException if {@code dataSource} is null: at once, not at the first call
     */
    public JobQueue(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Adds a pending job.
     *
     * @return the new job's id
     */
    public long enqueue(String payload) {
        Objects.requireNonNull(payload, "payload");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(ENQUEUE, new String[] {"id"})) {
            insert.setString(1, payload);
            insert.executeUpdate();
            try (ResultSet key = insert.getGeneratedKeys()) {
                if (!key.next()) {
                    throw new IllegalStateException("the database returned no id for the new job");
                }
                return key.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("enqueueing a job failed (SQLState " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Claims the oldest pending job for {@code worker} and marks it running, or returns empty if no
     * pending job is free. Never waits for a job that another worker is claiming at the same moment.
     */
    public Optional<Job> claimNext(String worker) {
        Objects.requireNonNull(worker, "worker");
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<Job> claimed = claimIn(connection, worker);
                connection.commit();
                return claimed;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(worker + " failed to claim a job (SQLState " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
    }

    private static Optional<Job> claimIn(Connection connection, String worker) throws SQLException {
        Job job;
        try (PreparedStatement select = connection.prepareStatement(LOCK_OLDEST_PENDING);
                ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                return Optional.empty();
            }
            job = new Job(row.getLong("id"), row.getString("payload"));
        }
        try (PreparedStatement update = connection.prepareStatement(MARK_RUNNING)) {
            update.setString(1, worker);
            update.setLong(2, job.id());
            update.executeUpdate();
        }
        return Optional.of(job);
    }

    /**
     * Marks a running job done.
     *
     * @throws IllegalStateException if the job is not running (unknown, never claimed, or done already)
     */
    public void complete(long jobId) {
        int updated;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(MARK_DONE)) {
            update.setLong(1, jobId);
            updated = update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("completing job " + jobId + " failed (SQLState " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
        if (updated != 1) {
            throw new IllegalStateException("job " + jobId + " is not running: unknown, never claimed, or done already");
        }
    }
}
