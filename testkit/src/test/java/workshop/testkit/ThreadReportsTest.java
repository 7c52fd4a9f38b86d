package workshop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** A report names a lock the way the thread waits for it: a monitor only where {@code synchronized} is involved. */
class ThreadReportsTest {

    /** Stands for a learner's own lock class, which parks its waiters with {@code LockSupport.park(this)}. */
    static final class HomeMadeLock {
    }

    @Test
    void aThreadParkedOnAnObjectIsNotSaidToWaitForItsMonitor() throws InterruptedException {
        HomeMadeLock lock = new HomeMadeLock();
        AtomicBoolean released = new AtomicBoolean();
        Thread waiter = start("parker", () -> {
            while (!released.get()) {
                LockSupport.park(lock);
            }
        });
        try {
            String report = describeOnce(waiter, Thread.State.WAITING);
            assertThat(report).contains("\"parker\" WAITING on ThreadReportsTest$HomeMadeLock@", "(parked with LockSupport.park)")
                    .doesNotContain("synchronized", "monitor");
        } finally {
            released.set(true);
            LockSupport.unpark(waiter);
            waiter.join();
        }
    }

    @Test
    void aThreadInObjectWaitWaitsOnAMonitor() throws InterruptedException {
        Object monitor = new Object();
        AtomicBoolean released = new AtomicBoolean();
        Thread waiter = start("waiter", () -> {
            synchronized (monitor) {
                while (!released.get()) {
                    monitor.wait();
                }
            }
        });
        try {
            assertThat(describeOnce(waiter, Thread.State.WAITING))
                    .contains("\"waiter\" WAITING on monitor of Object@", "(synchronized)");
        } finally {
            synchronized (monitor) {
                released.set(true);
                monitor.notifyAll();
            }
            waiter.join();
        }
    }

    @Test
    void aThreadBlockedEnteringSynchronizedWaitsForTheMonitorAndItsHolder() throws InterruptedException {
        Object monitor = new Object();
        Thread blocked;
        synchronized (monitor) {
            blocked = start("entering", () -> {
                synchronized (monitor) {
                    monitor.hashCode();
                }
            });
            assertThat(describeOnce(blocked, Thread.State.BLOCKED)).contains(
                    "\"entering\" BLOCKED on monitor of Object@", "(synchronized) held by \"" + Thread.currentThread().getName() + "\"");
        }
        blocked.join();
    }

    @Test
    void aJdkLockOrLatchIsNamedByItsOwnClassAndItsHolderIsShown() throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch latch = new CountDownLatch(1);
        lock.lock();
        Thread lockWaiter = start("locker", lock::lock);
        Thread latchWaiter = start("latched", latch::await);
        try {
            assertThat(describeOnce(lockWaiter, Thread.State.WAITING)).contains("\"locker\" WAITING on ReentrantLock@",
                    "(ReentrantLock$NonfairSync) held by \"" + Thread.currentThread().getName() + "\"");
            assertThat(describeOnce(latchWaiter, Thread.State.WAITING))
                    .contains("\"latched\" WAITING on CountDownLatch@", "(CountDownLatch$Sync)")
                    .doesNotContain("synchronized");
        } finally {
            latch.countDown();
            lock.unlock();
            lockWaiter.join();
            latchWaiter.join();
        }
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }

    private static Thread start(String name, Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The report of {@code thread} once it is in {@code state} (the lock it waits for is known only then). */
    private static String describeOnce(Thread thread, Thread.State state) {
        await().atMost(Duration.ofSeconds(10)).until(() -> thread.getState() == state);
        return ThreadReports.describe(List.of(thread));
    }
}
