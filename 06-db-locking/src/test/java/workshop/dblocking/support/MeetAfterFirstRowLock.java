package workshop.dblocking.support;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import workshop.testkit.TimeFactor;

/**
 * Makes two transactions meet right after each took its first row lock (a {@code SELECT ... FOR UPDATE}
 * or a write), so that neither goes on to its second row before the other has its first one, or is
 * waiting for it. This is the interleaving that turns locking in argument order into a deadlock every
 * time; with locking in ascending id order the second transaction waits for the first one's first row,
 * and the meeting ends at once.
 *
 * <p>Only the first two transactions meet; once they have, every statement passes straight through.
 */
public final class MeetAfterFirstRowLock implements ObservedDataSource.Listener {

    private static final Duration GIVE_UP_AFTER = TimeFactor.seconds(10);

    private final TestDatabase db;
    private final CountDownLatch arrivals = new CountDownLatch(2);
    private final AtomicReference<String> outcome = new AtomicReference<>();

    public MeetAfterFirstRowLock(TestDatabase db) {
        this.db = db;
    }

    /** How the meeting ended: both held their first row, or one waited for the other's lock; null if never. */
    public String outcome() {
        return outcome.get();
    }

    @Override
    public void afterExecute(ObservedDataSource.Execution execution) throws SQLException {
        if (outcome.get() != null || !execution.locksRows() || execution.rowLocksBefore() != 0) {
            return;
        }
        arrivals.countDown();
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        try {
            while (outcome.get() == null) {
                if (arrivals.await(10, TimeUnit.MILLISECONDS)) {
                    outcome.compareAndSet(null, "both transactions held their first row lock at the same time");
                } else if (!db.statementsWaitingForLocks().isEmpty()) {
                    outcome.compareAndSet(null, "one transaction waited for the other's first row lock");
                } else if (System.nanoTime() - deadline > 0) {
                    outcome.compareAndSet(null, "the other transaction never took a row lock");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome.compareAndSet(null, "interrupted");
        }
    }
}
