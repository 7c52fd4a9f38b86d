package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import workshop.testkit.Concurrently;

/** Exercise 4: README "4. Counters". The shared tests are in {@link CounterContract}. */
public class StripedCounterTest extends CounterContract {

    @Override
    Counter newCounter() {
        return new StripedCounter(4);
    }

    @Override
    Counter newCounterForModelChecking() {
        return new StripedCounter(1); // the model checker's threads must share a stripe to collide on it
    }

    @Test
    void rejectsFewerThanOneStripe() {
        for (int stripes : new int[] {0, -3}) {
            Throwable thrown = catchThrowable(() -> new StripedCounter(stripes));
            assertThat(thrown).withFailMessage("new StripedCounter(%d) %s: it must throw IllegalArgumentException with a"
                    + " message naming 'stripes': a counter needs at least one stripe", stripes,
                    thrown == null ? "returned normally" : "threw " + thrown)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stripes");
        }
    }

    @Test
    void isExactWithOneStripeAndWithMoreStripesThanThreads() {
        for (int stripes : new int[] {1, 64}) {
            StripedCounter counter = new StripedCounter(stripes);
            Concurrently.threads(4).named("incrementer").repeat(25_000, (t, i) -> counter.increment());
            assertThat(counter.get()).withFailMessage(
                    "with %d stripes, 4 threads x 25000 increments gave %d", stripes, counter.get()).isEqualTo(100_000);
        }
    }
}
