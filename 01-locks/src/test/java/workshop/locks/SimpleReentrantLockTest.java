package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
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
        recurse(lock, 1, 1000);
        assertThat(lock.getHoldCount()).withFailMessage(
                "after 1000 nested lock()/unlock() pairs the hold count is %d, expected 0", lock.getHoldCount()).isZero();
        assertThat(lock.isHeldByCurrentThread()).isFalse();
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
        assertThat(lock.tryLock()).withFailMessage("tryLock() by the holder must succeed: the lock is reentrant").isTrue();
        assertThat(lock.tryLock(Duration.ofMillis(10))).withFailMessage("tryLock(timeout) by the holder must succeed").isTrue();
        assertThat(lock.getHoldCount()).isEqualTo(4);

        CountDownLatch acquired = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            lock.lock();
            try {
                acquired.countDown();
            } finally {
                lock.unlock();
            }
        }, "other");
        other.start();
        try {
            for (int holdsLeft = 3; holdsLeft >= 1; holdsLeft--) {
                awaitBlocked(other);
                assertThat(acquired.getCount()).withFailMessage(
                        "another thread got the lock while the holder still had %d hold(s): the lock must stay held until"
                                + " every lock() has its unlock()", holdsLeft + 1).isEqualTo(1);
                lock.unlock();
                assertThat(lock.getHoldCount()).isEqualTo(holdsLeft);
                assertThat(lock.isHeldByCurrentThread()).isTrue();
            }
        } finally {
            while (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
        }
        assertThat(acquired.await(5, TimeUnit.SECONDS)).withFailMessage(
                "the waiting thread did not get the lock after the hold count returned to zero").isTrue();
        other.join();
    }

    @Test
    void theHoldCountBelongsToTheHolder() throws Exception {
        SimpleReentrantLock lock = new SimpleReentrantLock();
        assertThat(lock.getHoldCount()).isZero();
        lock.lock();
        lock.lock();
        try {
            assertThat(MutualExclusionContract.<Integer>inOtherThread(lock::getHoldCount)).withFailMessage(
                    "getHoldCount() in a thread that does not hold the lock must be 0").isZero();
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
