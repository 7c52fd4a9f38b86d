package workshop.patterns;

/**
 * Exercise 3 (README: "3. FairReadWriteLock"). Build a read-write lock in which nobody starves.
 *
 * <p>Any number of threads may hold the read lock at once; the write lock is exclusive (no other writer,
 * no reader). The guide's version lets new readers in while a writer waits, so a steady stream of readers
 * keeps the writer out forever: yours must let a waiting writer in within a bounded time however many
 * readers keep arriving, and must not starve readers under a steady stream of writers either. Releasing a
 * lock the calling thread does not hold throws {@link IllegalMonitorStateException}. A thread interrupted
 * while waiting throws {@link InterruptedException} and must leave the lock as if it had never come. The
 * lock is not reentrant: a thread that holds it (read or write) and acquires it again gets an
 * {@link IllegalStateException} at once, instead of waiting for itself. Waiting threads must sleep, not
 * spin. A waiting thread may wake up with nothing changed (a spurious wake-up, or a signal meant for
 * another thread): it must look again and go back to waiting, never go in out of turn.
 *
 * <p>Build it yourself with a lock and conditions (do not wrap {@code ReentrantReadWriteLock}). Hints are
 * in the README.
 */
public class FairReadWriteLock {

    /**
     * Waits until the calling thread may read, then takes the read lock (shared with other readers).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void acquireRead() throws InterruptedException {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 3: FairReadWriteLock.acquireRead()");
    }

    /**
     * Releases the calling thread's read lock.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the read lock
     */
    public void releaseRead() {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 3: FairReadWriteLock.releaseRead()");
    }

    /**
     * Waits until the calling thread may write, then takes the write lock (exclusive).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void acquireWrite() throws InterruptedException {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 3: FairReadWriteLock.acquireWrite()");
    }

    /**
     * Releases the write lock.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the write lock
     */
    public void releaseWrite() {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 3: FairReadWriteLock.releaseWrite()");
    }
}
