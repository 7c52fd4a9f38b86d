package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import workshop.testkit.Concurrently;
import workshop.testkit.LincheckBudget;
import workshop.testkit.TimeLimit;

/**
 * What every {@link Counter} must do; {@link LockCounterTest}, {@link StripedCounterTest} and
 * {@link CasCounterTest} run these tests against their counter.
 */
@SuppressWarnings("this-escape")
public abstract class CounterContract {

    private static final int THREADS = 8;
    private static final int INCREMENTS_PER_THREAD = 100_000;
    private static final int ROUNDS = 20_000;

    abstract Counter newCounter();

    /** The counter the model checker explores (by default the same kind). */
    Counter newCounterForModelChecking() {
        return newCounter();
    }

    @Test
    void noIncrementIsLostUnderContention() {
        Counter counter = newCounter();

        Concurrently.threads(THREADS).named("incrementer").repeat(INCREMENTS_PER_THREAD, (t, i) -> counter.increment());

        assertExact(counter, (long) THREADS * INCREMENTS_PER_THREAD, THREADS + " threads x " + INCREMENTS_PER_THREAD);
    }

    @Test
    void noIncrementIsLostWhenThreadsIncrementAtTheSameInstant() {
        // Threads released together round after round: their read-add-write steps overlap every time.
        Counter counter = newCounter();
        int threads = Concurrently.cores();

        Concurrently.threads(threads).named("incrementer").inLockstep(ROUNDS, (t, round) -> counter.increment());

        assertExact(counter, (long) threads * ROUNDS, ROUNDS + " rounds in which " + threads + " threads each");
    }

    private static void assertExact(Counter counter, long expected, String how) {
        long seen = counter.get();
        assertThat(seen).withFailMessage(
                "expected %d after %s incremented, saw %d: %d increments were lost. '++' is a read, an add and a"
                        + " write; 'volatile' makes each of them visible but does not make the three one step."
                        + " (README 4: counters)", expected, how, seen, expected - seen).isEqualTo(expected);
    }

    @Test
    void getNeverGoesBackwardsWhileOthersIncrement() {
        Counter counter = newCounter();
        int writers = 4;
        int perWriter = 50_000;
        long total = (long) writers * perWriter;
        AtomicLong backwardsSteps = new AtomicLong();
        AtomicLong example = new AtomicLong();
        AtomicInteger writersDone = new AtomicInteger();

        Concurrently.threads(writers + 2).named("counter-user").run(t -> {
            if (t < writers) {
                for (int i = 0; i < perWriter; i++) {
                    counter.increment();
                }
                writersDone.incrementAndGet();
                return;
            }
            long previous = counter.get();
            while (writersDone.get() < writers) {
                long current = counter.get();
                if (current < previous) {
                    backwardsSteps.incrementAndGet();
                    example.set(previous * 1_000_000_000L + current);
                }
                previous = Math.max(previous, current);
            }
        });

        assertThat(backwardsSteps.get()).withFailMessage(
                "get() went backwards %d times while other threads incremented (e.g. %d then %d). A reader must never"
                        + " see fewer increments than it saw before: read every part of the count so that later reads"
                        + " see later values (under the part's lock, or from a volatile/atomic field).",
                backwardsSteps.get(), example.get() / 1_000_000_000L, example.get() % 1_000_000_000L).isZero();
        assertThat(counter.get()).withFailMessage("expected %d increments, saw %d", total, counter.get()).isEqualTo(total);
    }

    @Test
    void startsAtZeroAndCountsOneThreadsIncrements() {
        Counter counter = newCounter();
        assertThat(counter.get()).withFailMessage("a new counter's get() is %d, expected 0", counter.get()).isZero();
        for (int i = 0; i < 5; i++) {
            counter.increment();
        }
        assertThat(counter.get()).withFailMessage("one thread called increment() 5 times, and get() is %d, expected 5",
                counter.get()).isEqualTo(5);
    }

    // Lincheck model checking: every interleaving of these operations must give results that some
    // one-at-a-time order of the same calls could give.

    private final Counter counter = counterForModelCheckingOrNull();

    private Counter counterForModelCheckingOrNull() {
        try {
            return newCounterForModelChecking();
        } catch (UnsupportedOperationException unfinished) {
            return null; // not built yet: behavesAsIfOneOperationRanAtATime reports it; the other tests need no field
        }
    }

    @Operation
    public void increment() {
        counter.increment();
    }

    @Operation
    public long get() {
        return counter.get();
    }

    @Test
    @TimeLimit(60)
    void behavesAsIfOneOperationRanAtATime() {
        Counter single = newCounterForModelChecking();
        single.increment();
        assertThat(single.get()).withFailMessage("one increment() on a new counter, then get() returned %d", single.get())
                .isEqualTo(1);
        LincheckBudget.check(LincheckBudget.modelChecking(), getClass(), "Lincheck found an interleaving, printed below step by step, in which increments were lost or get()"
                + " saw a count no one-at-a-time order could give. '++' is a read, an add and a write: make the three"
                + " one step (a lock, or a compareAndSet loop). (README 4: counters)");
    }
}
