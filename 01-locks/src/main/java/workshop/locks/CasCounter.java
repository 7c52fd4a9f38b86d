package workshop.locks;

/**
 * Exercise 4 (README: "4. Counters"). A {@link Counter} without any lock: read the value, compute the
 * next one, and publish it with {@code compareAndSet}, retrying when another thread got there first.
 * Write the loop yourself (not {@code incrementAndGet}): the point is to see how it works.
 */
public class CasCounter implements Counter {

    @Override
    public void increment() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 4: CasCounter.increment()");
    }

    @Override
    public long get() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 4: CasCounter.get()");
    }
}
