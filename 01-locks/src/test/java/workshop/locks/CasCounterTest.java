package workshop.locks;

import org.junit.jupiter.api.Test;
import workshop.testkit.BlockingCall;

/** Exercise 4: README "4. Counters". The shared tests are in {@link CounterContract}; the lock-free promise is here. */
public class CasCounterTest extends CounterContract {

    @Override
    Counter newCounter() {
        return new CasCounter();
    }

    @Test
    void incrementNeverWaitsForAThreadThatHoldsTheCountersMonitor() {
        CasCounter counter = new CasCounter();
        // This thread holds the counter's monitor throughout: an increment() that takes it (a synchronized method,
        // or synchronized (this)) waits until it is released, a lock-free one never notices.
        synchronized (counter) {
            try (BlockingCall<Void> incrementer = BlockingCall.run("incrementer", counter::increment)) {
                incrementer.assertFinishes("increment() blocked on the CasCounter's monitor while another thread held it"
                        + " (synchronized (counter)): it takes a lock, and a lock-free counter must never block. Use"
                        + " compareAndSet in a loop, no synchronized (README: Atomic variables).");
            }
        }
    }
}
