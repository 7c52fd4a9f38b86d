package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exercise 2: README "2. SimpleMutex". The shared lock tests are in {@link MutualExclusionContract}. */
public class SimpleMutexTest extends MutualExclusionContract {

    @Override
    LockUnderTest newLock() {
        SimpleMutex mutex = new SimpleMutex();
        return new LockUnderTest() {
            @Override
            public void lock() {
                mutex.lock();
            }

            @Override
            public boolean tryLock() {
                return mutex.tryLock();
            }

            @Override
            public boolean tryLock(Duration timeout) throws InterruptedException {
                return mutex.tryLock(timeout);
            }

            @Override
            public void unlock() {
                mutex.unlock();
            }

            @Override
            public boolean isHeldByCurrentThread() {
                return mutex.isHeldByCurrentThread();
            }
        };
    }

    @Override
    String lockName() {
        return "SimpleMutex";
    }

    @Test
    void isNotReentrantTryLockByTheHolderReturnsFalse() throws InterruptedException {
        SimpleMutex mutex = new SimpleMutex();
        mutex.lock();
        try {
            assertThat(mutex.tryLock()).withFailMessage(
                    "tryLock() by the thread that already holds the SimpleMutex returned true: a SimpleMutex is not"
                            + " reentrant (that is SimpleReentrantLock, exercise 3)").isFalse();
            assertThat(mutex.tryLock(Duration.ofMillis(50))).withFailMessage(
                    "tryLock(timeout) by the holder returned true: a SimpleMutex is not reentrant").isFalse();
            assertThat(mutex.isHeldByCurrentThread()).withFailMessage("after failed tryLock() calls by the holder,"
                    + " isHeldByCurrentThread() returned false: a failed tryLock() must change nothing").isTrue();
        } finally {
            mutex.unlock();
        }
        assertThat(mutex.isHeldByCurrentThread()).withFailMessage(
                "after one unlock() the holder still holds the SimpleMutex: did a failed tryLock() count as a hold?")
                .isFalse();
    }
}
