/*
 * Wrong: unsynchronized stripes: each stripe's `count++` without its lock
 * Rejected by: StripedCounterTest#isExactWithOneStripeAndWithMoreStripesThanThreads, StripedCounterTest#behavesAsIfOneOperationRanAtATime
 * Message: increments were lost
 * Caught by: `isExactWithOneStripeAndWithMoreStripesThanThreads`, `behavesAsIfOneOperationRanAtATime` (one stripe)
 */
package workshop.locks;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A counter split into independently locked stripes (lock striping). A thread always increments the
 * stripe its id maps to, so threads on different stripes do not wait for each other; {@link #get()}
 * adds the stripes up, reading each under its own lock.
 *
 * <p>Thread-safe and exact. {@code get()} never goes backwards: each stripe only grows, and a later
 * {@code get()} reads every stripe later than an earlier one did. It is not a snapshot of one instant,
 * which a counter does not need.
 */
public class StripedCounter implements Counter {

    /** One part of the count with its own lock. */
    private static final class Stripe {
        final ReentrantLock lock = new ReentrantLock();
        @GuardedBy("lock")
        long count;
    }

    private final Stripe[] stripes;

    /**
     * @param stripes how many independently locked parts (at least 1)
     * @throws IllegalArgumentException if {@code stripes} is less than 1
     */
    public StripedCounter(int stripes) {
        if (stripes < 1) {
            throw new IllegalArgumentException("stripes must be at least 1, was " + stripes);
        }
        this.stripes = new Stripe[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new Stripe();
        }
    }

    @Override
    public void increment() {
        Stripe stripe = stripes[stripeOfCurrentThread()];
        stripe.count++; // two threads on the same stripe lose updates
    }

    @Override
    public long get() {
        long sum = 0;
        for (Stripe stripe : stripes) {
            stripe.lock.lock();
            try {
                sum += stripe.count;
            } finally {
                stripe.lock.unlock();
            }
        }
        return sum;
    }

    private int stripeOfCurrentThread() {
        long id = Thread.currentThread().threadId();
        int spread = (int) (id ^ (id >>> 32)) * 0x9E3779B9; // scatter consecutive ids
        return Math.floorMod(spread, stripes.length);
    }
}
