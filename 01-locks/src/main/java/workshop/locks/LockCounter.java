package workshop.locks;

/**
 * Exercise 4 (README: "4. Counters"). A {@link Counter} guarded by one lock: every increment and every
 * read takes the same lock. Simple and correct; under contention every thread queues for that lock.
 */
public class LockCounter implements Counter {

    @Override
    public void increment() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 4: LockCounter.increment()");
    }

    @Override
    public long get() {
        throw new UnsupportedOperationException("TODO 01-locks exercise 4: LockCounter.get()");
    }
}
