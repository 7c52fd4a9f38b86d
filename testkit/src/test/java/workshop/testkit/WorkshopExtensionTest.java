package workshop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The guards every module relies on: each fixture below is a test that goes wrong in one way; it runs
 * in a nested JUnit engine, and the outer test checks that it failed fast, with the right report.
 */
class WorkshopExtensionTest {

    /** Bound for "fails within seconds". */
    private static final Duration FAST = Duration.ofSeconds(5);

    @Test
    void aDeadlockOverReentrantLocksFailsTheTestWithinSecondsNamingThreadsAndLocks() {
        Outcome outcome = run(LockDeadlockFixture.class);

        assertThat(outcome.elapsed()).isLessThan(FAST);
        assertThat(outcome.message()).contains("DEADLOCK", "\"deadlock-a\" waits for ReentrantLock@",
                "\"deadlock-b\" waits for ReentrantLock@", "held by \"deadlock-b\"", "held by \"deadlock-a\"", "and holds",
                "LockDeadlockFixture");
    }

    @Test
    void aDeadlockOverSynchronizedMonitorsFailsTheTestWithinSeconds() {
        Outcome outcome = run(MonitorDeadlockFixture.class);

        assertThat(outcome.elapsed()).isLessThan(FAST);
        assertThat(outcome.message()).contains("DEADLOCK", "\"monitor-a\"", "\"monitor-b\"", "(synchronized)");
    }

    @Test
    void aTestThatHangsFailsAtItsTimeLimitWithAReportOfWhereItsThreadsAre() {
        Outcome outcome = run(HangingFixture.class);

        assertThat(outcome.elapsed()).isLessThan(FAST);
        assertThat(outcome.message()).contains("did not finish within 2 s", "\"forgotten-waiter\" WAITING",
                "CountDownLatch.await");
    }

    @Test
    void aTestThatLeavesAThreadRunningFailsNamingIt() {
        Outcome outcome = run(LeakingFixture.class);

        assertThat(outcome.elapsed()).isLessThan(FAST);
        assertThat(outcome.message()).contains("left 1 thread(s) running", "\"leaked-worker\"");
    }

    @Test
    void aTestThatDeadlocksOnPurposeAndBreaksTheDeadlockPasses() {
        EngineExecutionResults results = engine(OnPurposeFixture.class);
        results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
    }

    @Test
    void aTestThatJoinsItsThreadsPasses() {
        EngineExecutionResults results = engine(TidyFixture.class);
        results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
    }

    record Outcome(Duration elapsed, String message) {
    }

    private static Outcome run(Class<?> fixture) {
        long start = System.nanoTime();
        EngineExecutionResults results = engine(fixture);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        results.testEvents().assertStatistics(stats -> stats.failed(1));
        Event failed = results.testEvents().failed().list().get(0);
        Throwable thrown = failed.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow();
        return new Outcome(elapsed, thrown.getMessage());
    }

    private static EngineExecutionResults engine(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter("junit.jupiter.execution.timeout.default", "10 s")
                .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                .selectors(selectClass(fixture))
                .execute();
    }

    // ---- Fixtures: run only through the nested engine above (Surefire skips nested classes). ----

    static class LockDeadlockFixture {
        @Test
        void deadlocks() throws InterruptedException {
            ReentrantLock first = new ReentrantLock();
            ReentrantLock second = new ReentrantLock();
            CountDownLatch bothHoldOne = new CountDownLatch(2);
            Thread a = new Thread(() -> lockBoth(first, second, bothHoldOne), "deadlock-a");
            Thread b = new Thread(() -> lockBoth(second, first, bothHoldOne), "deadlock-b");
            a.start();
            b.start();
            a.join();
            b.join();
        }

        private static void lockBoth(ReentrantLock one, ReentrantLock other, CountDownLatch bothHoldOne) {
            try {
                one.lockInterruptibly(); // interruptible, so the watchdog can free these threads afterwards
                try {
                    bothHoldOne.countDown();
                    bothHoldOne.await();
                    other.lockInterruptibly();
                    other.unlock();
                } finally {
                    one.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static class OnPurposeFixture {
        @Test
        @DeadlocksOnPurpose("studies a deadlock, then breaks it")
        void deadlocksAndBreaksIt() throws InterruptedException {
            ReentrantLock first = new ReentrantLock();
            ReentrantLock second = new ReentrantLock();
            CountDownLatch bothHoldOne = new CountDownLatch(2);
            Thread a = new Thread(() -> LockDeadlockFixture.lockBoth(first, second, bothHoldOne), "on-purpose-a");
            Thread b = new Thread(() -> LockDeadlockFixture.lockBoth(second, first, bothHoldOne), "on-purpose-b");
            a.start();
            b.start();
            long seenSince = 0;
            // Stay deadlocked for several of the watchdog's polls, then break the cycle.
            while (seenSince == 0 || System.nanoTime() - seenSince < Duration.ofMillis(500).toNanos()) {
                if (seenSince == 0 && ThreadReports.deadlockedThreadIds().containsAll(List.of(a.threadId(), b.threadId()))) {
                    seenSince = System.nanoTime();
                }
                Thread.onSpinWait();
            }
            a.interrupt();
            a.join();
            b.join();
        }
    }

    static class MonitorDeadlockFixture {
        @Test
        void deadlocks() throws InterruptedException {
            Object first = new Object();
            Object second = new Object();
            CountDownLatch bothHoldOne = new CountDownLatch(2);
            Thread a = new Thread(() -> lockBoth(first, second, bothHoldOne), "monitor-a");
            Thread b = new Thread(() -> lockBoth(second, first, bothHoldOne), "monitor-b");
            a.setDaemon(true); // a monitor deadlock cannot be undone: these two stay stuck until the JVM exits
            b.setDaemon(true);
            a.start();
            b.start();
            a.join();
            b.join();
        }

        private static void lockBoth(Object one, Object other, CountDownLatch bothHoldOne) {
            synchronized (one) {
                bothHoldOne.countDown();
                try {
                    bothHoldOne.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                synchronized (other) {
                    other.hashCode();
                }
            }
        }
    }

    static class HangingFixture {
        @Test
        @Timeout(2)
        void hangs() throws InterruptedException {
            CountDownLatch neverOpened = new CountDownLatch(1);
            Thread waiter = new Thread(() -> {
                try {
                    neverOpened.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "forgotten-waiter");
            waiter.start();
            waiter.join();
        }
    }

    static class LeakingFixture {
        @Test
        void leaks() {
            Thread worker = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    LockSupport.park();
                }
            }, "leaked-worker");
            worker.start();
        }
    }

    static class TidyFixture {
        @Test
        void joins() throws InterruptedException {
            Thread worker = new Thread(() -> { }, "tidy-worker");
            worker.start();
            worker.join();
        }
    }
}
