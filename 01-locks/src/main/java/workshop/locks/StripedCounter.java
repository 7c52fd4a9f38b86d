package workshop.locks;

/**
 * Exercise 4 (README: "4. Counters"). A {@link Counter} split into {@code stripes} parts, each with its
 * own lock, so that threads incrementing different stripes do not wait for each other (lock striping,
 * the idea behind {@code LongAdder} and {@code ConcurrentHashMap}). {@code get()} adds the stripes up.
 */
public class StripedCounter implements Counter {

    /**
     * @param stripes how many independently locked parts (at least 1)
     * @throws IllegalArgumentException if {@code stripes} is less than 1 (its message names {@code stripes})
     */
    public StripedCounter(int stripes) {
        throw new UnsupportedOperationException("TODO 01-locks exercise 4: StripedCounter(int)");
    }

    @Override
    public void increment() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 4: StripedCounter.increment()");
    }

    @Override
    public long get() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 4: StripedCounter.get()");
    }
}
