package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import workshop.testkit.BlockingCall;
import workshop.testkit.Concurrently;
import workshop.testkit.Timeouts;

/** Exercise 3: README "3. SimpleReentrantLock". The shared lock tests are in {@link MutualExclusionContract}. */
public class SimpleReentrantLockTest extends MutualExclusionContract {

    @Override
    LockUnderTest newLock() {
        SimpleReentrantLock lock = new SimpleReentrantLock();
        return new LockUnderTest() {
            @Override
            public void lock() {
                lock.lock();
            }

            @Override
            public boolean tryLock() {
                return lock.tryLock();
            }

            @Override
            public boolean tryLock(Duration timeout) throws InterruptedException {
                return lock.tryLock(timeout);
            }

            @Override
            public void unlock() {
                lock.unlock();
            }

            @Override
            public boolean isHeldByCurrentThread() {
                return lock.isHeldByCurrentThread();
            }
        };
    }

    @Override
    String lockName() {
        return "SimpleReentrantLock";
    }

    @Test
    void theHolderCanTakeTheLockAgainAThousandLevelsDeep() {
        SimpleReentrantLock lock = new SimpleReentrantLock();
        // On a thread of its own, so that a lock that is not reentrant fails with an explanation, not a time limit.
        BlockingCall.within("recursive-holder", BlockingCall.PATIENCE, "lock() by the thread that already holds the"
                + " lock must take it again at once and count one more hold; this thread is waiting for itself, so it"
                + " will never go on. Check whether the caller is the owner before you wait.",
                () -> recurse(lock, 1, 1000));
        assertThat(lock.getHoldCount()).withFailMessage(
                "after 1000 nested lock()/unlock() pairs the hold count is %d, expected 0", lock.getHoldCount()).isZero();
        assertThat(lock.isHeldByCurrentThread()).withFailMessage("after 1000 nested lock()/unlock() pairs the thread"
                + " still holds the lock: the last unlock() must release it").isFalse();
    }

    private static void recurse(SimpleReentrantLock lock, int depth, int maxDepth) {
        lock.lock();
        try {
            assertThat(lock.getHoldCount()).withFailMessage(
                    "at recursion depth %d the hold count is %d: each lock() by the holder must add one hold",
                    depth, lock.getHoldCount()).isEqualTo(depth);
            if (depth < maxDepth) {
                recurse(lock, depth + 1, maxDepth);
            }
        } finally {
            lock.unlock();
        }
    }

    @Test
    void otherThreadsStayOutUntilTheHoldCountReturnsToZero() throws Exception {
        SimpleReentrantLock lock = new SimpleReentrantLock();
        lock.lock();
        lock.lock();
        assertThat(lock.tryLock()).withFailMessage("tryLock() by the holder returned false: the lock is reentrant, so"
                + " the thread that holds it takes it again at once").isTrue();
        assertThat(lock.tryLock(Duration.ofMillis(10))).withFailMessage("tryLock(timeout) by the holder returned false:"
                + " the lock is reentrant, so the thread that holds it takes it again at once").isTrue();
        assertThat(lock.getHoldCount()).withFailMessage("after lock(), lock(), tryLock(), tryLock(10 ms) by one thread"
                + " getHoldCount() is %d, expected 4: every successful take adds one hold", lock.getHoldCount())
                .isEqualTo(4);

        BlockingCall<Void> other = BlockingCall.run("other", () -> {
            lock.lock();
            lock.unlock();
        });
        try (other) {
            try {
                for (int holdsLeft = 3; holdsLeft >= 1; holdsLeft--) {
                    other.assertBlocks("lock() while another thread still holds the lock " + (holdsLeft + 1) + " time(s)");
                    lock.unlock();
                    assertThat(lock.getHoldCount()).withFailMessage("after one unlock() the hold count is %d, expected"
                            + " %d: each unlock() releases one hold", lock.getHoldCount(), holdsLeft).isEqualTo(holdsLeft);
                    assertThat(lock.isHeldByCurrentThread()).withFailMessage("with %d hold(s) left, the holder no longer"
                            + " holds the lock: it must stay held until every lock() has its unlock()", holdsLeft).isTrue();
                }
                other.assertBlocks("lock() while another thread still holds the lock once");
            } finally {
                while (lock.isHeldByCurrentThread()) {
                    lock.unlock();
                }
            }
            other.assertFinishes("the waiting thread did not get the lock after the hold count returned to zero: the"
                    + " last unlock() must release the lock and wake a waiter.");
        }
    }

    @Test
    void unlockByAnotherThreadWhileTheHolderHoldsTheLockTwiceThrowsAndChangesNothing() {
        SimpleReentrantLock lock = new SimpleReentrantLock();
        lock.lock();
        lock.lock();
        Throwable thrown;
        int holdsAfter;
        boolean thirdThreadGotIn;
        try {
            thrown = inAnotherThread("unlock() never waits.", () -> catchThrowable(lock::unlock));
            holdsAfter = lock.getHoldCount();
            thirdThreadGotIn = inAnotherThread("tryLock() never waits.", () -> {
                if (lock.tryLock()) {
                    lock.unlock();
                    return true;
                }
                return false;
            });
        } finally {
            for (int holds = lock.getHoldCount(); holds > 0; holds--) {
                lock.unlock();
            }
        }
        assertThat(thrown).withFailMessage("while the holder held the lock twice, unlock() by another thread %s: it must"
                + " throw IllegalMonitorStateException. Only the holder may unlock, also a nested hold: check the owner"
                + " first, before you look at the hold count.", thrown == null ? "returned normally" : "threw " + thrown)
                .isInstanceOf(IllegalMonitorStateException.class);
        assertThat(holdsAfter).withFailMessage("the holder held the lock twice; after another thread's refused unlock()"
                + " its hold count is %d, expected 2: a refused unlock() must change nothing (check the owner before you"
                + " touch the count)", holdsAfter).isEqualTo(2);
        assertThat(thirdThreadGotIn).withFailMessage("after another thread's unlock() attempt, a third thread could take"
                + " the lock the holder still held twice: it was released by a thread that did not hold it").isFalse();
    }

    @Test
    void anInterruptedHolderGetsInterruptedExceptionFromTimedTryLock() {
        SimpleReentrantLock lock = new SimpleReentrantLock();
        record Outcome(Throwable thrown, boolean returned, boolean stillInterrupted, int holdsAfter) {
        }
        Outcome outcome = BlockingCall.within("interrupted-holder", BlockingCall.PATIENCE, "tryLock(1 s) by an"
                + " interrupted holder must throw InterruptedException at once.", () -> {
                    lock.lock();
                    try {
                        Thread.currentThread().interrupt();
                        Throwable thrown = null;
                        boolean returned = false;
                        try {
                            returned = lock.tryLock(Duration.ofSeconds(1));
                        } catch (Exception e) {
                            thrown = e;
                        }
                        boolean stillInterrupted = Thread.interrupted(); // and clear it, whatever happened
                        return new Outcome(thrown, returned, stillInterrupted, lock.getHoldCount());
                    } finally {
                        for (int holds = lock.getHoldCount(); holds > 0; holds--) {
                            lock.unlock();
                        }
                    }
                });
        assertThat(outcome.thrown()).withFailMessage("tryLock(1 s) by the thread that holds the lock, called with its"
                + " interrupt status set, %s: it must throw InterruptedException. Check the interrupt first, before"
                + " anything else, also before \"do I hold it already?\" (as ReentrantLock.tryLock(time, unit) does).",
                outcome.thrown() == null ? "returned " + outcome.returned() : "threw " + outcome.thrown())
                .isInstanceOf(InterruptedException.class);
        assertThat(outcome.stillInterrupted()).withFailMessage("tryLock(1 s) by an interrupted holder threw"
                + " InterruptedException but left the interrupt status set: throwing it reports the interrupt, so the"
                + " status must be cleared (Thread.interrupted()).").isFalse();
        assertThat(outcome.holdsAfter()).withFailMessage("the holder held the lock once; after its interrupted"
                + " tryLock(1 s) the hold count is %d, expected 1: a tryLock that throws takes nothing",
                outcome.holdsAfter()).isEqualTo(1);
    }

    @Test
    void theHolderTakesTheLockAgainAtOnceWhateverTheTimeout() throws Exception {
        SimpleReentrantLock lock = new SimpleReentrantLock();
        record Outcome(boolean took, int holdsAfter) {
        }
        for (Duration timeout : new Duration[] {Duration.ZERO, Duration.ofMillis(-1), Timeouts.MOST_NEGATIVE,
                Timeouts.FOREVER}) {
            String call = "tryLock(" + show(timeout) + ") by the thread that already holds the SimpleReentrantLock";
            Outcome outcome = Timeouts.assertReturnsAtOnce(call, () -> {
                lock.lock();
                try {
                    boolean took = lock.tryLock(timeout);
                    return new Outcome(took, lock.getHoldCount());
                } finally {
                    for (int holds = lock.getHoldCount(); holds > 0; holds--) {
                        lock.unlock();
                    }
                }
            });
            assertThat(outcome.took()).withFailMessage("%s returned false: a lock this thread already holds is taken"
                    + " again at once, whatever the timeout (\"zero or less: do not wait\" matters only when another"
                    + " thread holds it). Check for the holder before you look at the timeout.", call).isTrue();
            assertThat(outcome.holdsAfter()).withFailMessage("%s returned true, but the hold count is then %d, expected"
                    + " 2: every successful take adds one hold", call, outcome.holdsAfter()).isEqualTo(2);
        }
    }

    @Test
    void theHoldCountBelongsToTheHolder() {
        SimpleReentrantLock lock = new SimpleReentrantLock();
        assertThat(lock.getHoldCount()).withFailMessage("getHoldCount() of a new lock is %d, expected 0",
                lock.getHoldCount()).isZero();
        lock.lock();
        lock.lock();
        try {
            int othersCount = inAnotherThread("getHoldCount() never waits.", lock::getHoldCount);
            assertThat(othersCount).withFailMessage("getHoldCount() in a thread that does not hold the lock is %d; it"
                    + " must be 0: the count belongs to the holder", othersCount).isZero();
        } finally {
            lock.unlock();
            lock.unlock();
        }
    }

    @Test
    void nestedLockingStaysExclusiveUnderContention() {
        SimpleReentrantLock lock = new SimpleReentrantLock();
        long[] counter = {0};
        Concurrently.threads(8).named("nester").repeat(10_000, (t, i) -> {
            lock.lock();
            try {
                lock.lock();
                try {
                    counter[0]++;
                } finally {
                    lock.unlock();
                }
            } finally {
                lock.unlock();
            }
        });
        assertThat(counter[0]).withFailMessage(
                "a counter incremented under a nested lock ended at %d, expected 80000: the lock let several threads in",
                counter[0]).isEqualTo(80_000);
    }
}
