package workshop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class BusyWaitTest {

    @Test
    void aSpinningThreadIsCaught() throws InterruptedException {
        AtomicBoolean go = new AtomicBoolean();
        Thread spinner = new Thread(() -> {
            while (!go.get()) {
                Thread.onSpinWait();
            }
        }, "spinner");
        spinner.start();
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> BusyWait.assertWaitsWithoutSpinning(spinner))
                    .isInstanceOf(AssertionFailedError.class).hasMessageContaining("Busy waiting")
                    .hasMessageContaining("\"spinner\"");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        } finally {
            go.set(true);
            spinner.join();
        }
    }

    @Test
    void aParkedThreadPassesBothChecks() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "parked");
        waiter.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> waiter.getState() == Thread.State.WAITING);
            BusyWait.Profile profile = BusyWait.assertWaitsWithoutPolling(waiter);
            assertThat(profile.cpuShare()).isLessThan(0.05);
        } finally {
            release.countDown();
            waiter.join();
        }
    }

    @Test
    void aThreadThatPollsWithShortSleepsIsCaughtByThePollingCheck() throws InterruptedException {
        AtomicBoolean go = new AtomicBoolean();
        Thread poller = new Thread(() -> {
            while (!go.get()) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "poller");
        poller.start();
        try {
            assertThatThrownBy(() -> BusyWait.assertWaitsWithoutPolling(poller))
                    .isInstanceOf(AssertionFailedError.class).hasMessageContaining("Polling");
        } finally {
            go.set(true);
            poller.join();
        }
    }
}
