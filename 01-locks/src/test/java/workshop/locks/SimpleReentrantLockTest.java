package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import workshop.testkit.BlockingCall;
import workshop.testkit.Concurrently;

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
