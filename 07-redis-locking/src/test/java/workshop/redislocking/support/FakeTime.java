package workshop.redislocking.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import workshop.redislocking.TimeSource;

/**
 * A clock for {@code Redlock} tests. Every reading moves it forward by {@code step} (a step of zero
 * freezes it; a large step makes every attempt look slow), and {@link #sleep} moves it forward by the
 * duration asked for instead of sleeping, and records the duration.
 */
public final class FakeTime implements TimeSource {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final long step;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final AtomicLong readings = new AtomicLong();

    public FakeTime(Duration step) {
        this.step = step.toNanos();
    }

    /** A clock that stands still except when slept on. */
    public static FakeTime frozen() {
        return new FakeTime(Duration.ZERO);
    }

    @Override
    public long nanoTime() {
        readings.incrementAndGet();
        return now.getAndAdd(step);
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        sleeps.add(duration);
        now.addAndGet(Math.max(0, duration.toNanos()));
        Thread.yield();
    }

    /** The delays asked for, in order. */
    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    public long readings() {
        return readings.get();
    }
}
