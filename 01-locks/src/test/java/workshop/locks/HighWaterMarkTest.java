package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.LongGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;
import workshop.testkit.BlockingCall;
import workshop.testkit.Concurrently;
import workshop.testkit.LincheckBudget;
import workshop.testkit.TimeLimit;

/** Exercise 5: README "5. HighWaterMark". */
@Param(name = "value", gen = LongGen.class, conf = "1:6")
public class HighWaterMarkTest {

    private static final int ROUNDS = 20_000;

    @Test
    void isMinValueUntilSomethingIsRecorded() {
        HighWaterMark mark = new HighWaterMark();
        assertThat(mark.max()).withFailMessage("max() before anything was recorded is %d; it must be Long.MIN_VALUE"
                + " (start the maximum there, so that any recorded value is larger)", mark.max()).isEqualTo(Long.MIN_VALUE);
        mark.record(-7);
        assertThat(mark.max()).withFailMessage("recorded -7 only: the maximum is -7, not %d", mark.max()).isEqualTo(-7);
        mark.record(3);
        mark.record(1);
        assertThat(mark.max()).withFailMessage("recorded -7, 3, 1: the maximum is 3, not %d", mark.max()).isEqualTo(3);
    }

    @Test
    void recordNeverWaitsForAThreadThatHoldsTheMarksMonitor() {
        HighWaterMark mark = new HighWaterMark();
        // This thread holds the mark's monitor throughout: a record() that takes it (a synchronized method, or
        // synchronized (this)) waits until it is released, a lock-free one never notices.
        synchronized (mark) {
            try (BlockingCall<Void> recorder = BlockingCall.run("recorder", () -> mark.record(5))) {
                recorder.assertFinishes("record(5) blocked on the HighWaterMark's monitor while another thread held it"
                        + " (synchronized (mark)): it takes a lock, and a lock-free maximum must never block (README 5:"
                        + " exact, without a lock). Use compareAndSet in a loop, no synchronized.");
            }
        }
    }

    @Test
    void keepsTheTrueMaximumWhenThreadsRecordAtTheSameMoment() {
        // Every round, a thread per core records a different value into a fresh mark at the same instant.
        int threads = Concurrently.cores();
        HighWaterMark[] marks = new HighWaterMark[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            marks[r] = new HighWaterMark();
        }

        Concurrently.threads(threads).named("recorder").inLockstep(ROUNDS, (t, round) -> marks[round].record(t + 1));

        int lost = 0;
        long example = 0;
        for (HighWaterMark mark : marks) {
            if (mark.max() != threads) {
                lost++;
                example = mark.max();
            }
        }
        assertThat(lost).withFailMessage(
                "in %d of %d rounds the maximum was lost (e.g. %d instead of %d). Two threads read the same old maximum,"
                        + " the larger value was written first and the smaller one overwrote it: read-compare-write is a"
                        + " check-then-act. Publish with compareAndSet and retry if the maximum changed in between.",
                lost, ROUNDS, example, threads).isZero();
    }

    @Test
    void keepsTheTrueMaximumOfManyValuesFromManyThreads() {
        int threads = 8;
        int perThread = 20_000;
        List<List<Long>> values = new ArrayList<>();
        Random random = new Random(42);
        for (int t = 0; t < threads; t++) {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add((long) i * threads + t);
            }
            Collections.shuffle(mine, random);
            values.add(mine);
        }
        HighWaterMark mark = new HighWaterMark();
        AtomicInteger recorded = new AtomicInteger();

        Concurrently.threads(threads).named("recorder").run(t -> {
            for (long value : values.get(t)) {
                mark.record(value);
                recorded.incrementAndGet();
            }
        });

        long expected = (long) threads * perThread - 1;
        assertThat(mark.max()).withFailMessage("recorded 0..%d from %d threads, max() says %d", expected, threads,
                mark.max()).isEqualTo(expected);
    }

    // Lincheck model checking of record/max.

    private final HighWaterMark mark = new HighWaterMark();

    @Operation
    public void record(@Param(name = "value") long value) {
        mark.record(value);
    }

    @Operation
    public long max() {
        return mark.max();
    }

    @Test
    @TimeLimit(60)
    void behavesAsIfOneOperationRanAtATime() {
        HighWaterMark single = new HighWaterMark();
        single.record(4);
        assertThat(single.max()).withFailMessage("recorded 4 into a new HighWaterMark, max() returned %d", single.max())
                .isEqualTo(4);
        LincheckBudget.check(LincheckBudget.modelChecking(), getClass(), "Lincheck found an interleaving, printed below step by step, in which the maximum was lost: two threads"
                + " read the same old maximum and the smaller value was written last. Publish with compareAndSet and"
                + " retry if the maximum changed in between.");
    }
}
