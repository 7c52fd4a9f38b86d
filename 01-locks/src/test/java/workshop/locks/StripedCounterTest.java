package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import workshop.testkit.Concurrently;
import workshop.testkit.TimeLimit;

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
    @TimeLimit(Concurrently.RACE_SECONDS + 10)
    void isExactWithOneStripeAndWithMoreStripesThanThreads() {
        // One stripe: every thread shares it, released together round after round, so unlocked increments collide. A
        // busy machine often runs the threads one after the other: the rounds in which they really ran together are
        // counted, and the run goes on (up to ten times as many rounds) until enough did.
        int threads = Math.max(2, Concurrently.cores());
        StripedCounter shared = new StripedCounter(1);
        Concurrently.Lockstep run = Concurrently.threads(threads).named("incrementer")
                .race(20_000, (t, round) -> shared.increment());
        long expected = (long) threads * run.rounds();
        assertThat(shared.get()).withFailMessage("with 1 stripe, %d threads incrementing at the same instant for %d rounds"
                + " gave %d, expected %d: %d increments were lost. Threads that share a stripe must take that stripe's"
                + " lock to increment it.", threads, run.rounds(), shared.get(), expected, expected - shared.get())
                .isEqualTo(expected);
        // More stripes than threads: every stripe must still be added up by get().
        StripedCounter wide = new StripedCounter(64);
        Concurrently.threads(4).named("incrementer").repeat(25_000, (t, i) -> wide.increment());
        assertThat(wide.get()).withFailMessage("with 64 stripes, 4 threads x 25000 increments gave %d, expected 100000:"
                + " get() must add up every stripe, and each stripe must count under its own lock", wide.get())
                .isEqualTo(100_000);
        run.abortUnlessOverlapped(2_000); // after every check, so that a race seen still fails the test
    }
}
