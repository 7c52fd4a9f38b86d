/*
 * Wrong: a `boolean` generation that flips at every trip: when two generations open before a slow waiter looks, it waits on forever
 * Rejected by: BarrierTest#aSlowPartyIsReleasedEvenWhenTwoGenerationsOpenBeforeItLooks
 * Message: cannot tell generation 1 from generation 3
 */
package workshop.conditions;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reusable barrier for a fixed number of threads, like Python's {@code threading.Barrier} or Java's
 * {@code CyclicBarrier} without the barrier action and the broken state (see "Interrupts" below).
 *
 * <p>{@link #await()} waits until {@code parties} threads have called it; then all of them return and the
 * barrier is ready for the next generation of {@code parties} calls:
 *
 * <pre>{@code
 * Barrier stepDone = new Barrier(workers);
 * // each worker:
 * for (int step = 0; step < steps; step++) {
 *     compute(step);
 *     stepDone.await();   // nobody starts step + 1 before everyone finished step
 * }
 * }</pre>
 *
 * <p>Generations: each trip of the barrier ends a generation, and a waiter leaves when the generation it
 * arrived in is over, not when a count looks right. A fast thread that comes back for the next generation
 * before the slow ones have left the last one changes the count, never the generation the slow ones wait
 * for.
 *
 * <p>Interrupts: a thread interrupted while it waits throws {@link InterruptedException} and leaves; its
 * arrival still counts, so the generation trips after {@code parties} arrivals as usual, and the arrival
 * indices of a generation are always {@code parties - 1} down to {@code 0}, each handed out once. A thread
 * interrupted before it calls {@code await()} throws at once and does not arrive. A thread whose generation
 * has already tripped when the interrupt comes returns normally, with its interrupt status set.
 *
 * <p>This is where it differs from {@code CyclicBarrier}, on purpose. {@code CyclicBarrier} <em>breaks</em> when
 * a waiter is interrupted: every other waiter, and every later caller until {@code reset()}, gets a
 * {@code BrokenBarrierException}. That needs a second checked exception and a {@code reset()}, and this
 * exercise's API ({@code int await() throws InterruptedException}, Python's {@code Barrier.wait} without
 * {@code abort}) has neither; Python threads have no interrupts at all. So here an interrupt cancels one
 * thread's wait, not the barrier: the interrupted thread has done its part of the step (it arrived), and the
 * others pass once everyone has arrived. The price: if the interrupted thread does not come back for the
 * next generation, the others wait there for it forever. Cancel all parties together (interrupt every one,
 * or shut down their executor), or use {@code CyclicBarrier} when one party's failure must stop the rest.
 * The other extras of {@code CyclicBarrier} are left out too: the barrier action, the timed {@code await},
 * {@code getNumberWaiting()}.
 *
 * <p>Thread-safe. Memory consistency: actions in every thread before it calls {@code await()} happen-before
 * the actions after {@code await()} returns in every thread of the same generation.
 */
public class Barrier {

    /** Guards all state. */
    private final ReentrantLock lock = new ReentrantLock();

    /** Signalled (all waiters) when the barrier trips. */
    private final Condition tripped = lock.newCondition();

    private final int parties;

    /** Arrivals still missing in the current generation: parties down to 1. */
    @GuardedBy("lock")
    private int missing;

    /** Counts the trips: a waiter leaves once this moves past the value it saw on arrival. */
    @GuardedBy("lock")
    private boolean generation; // flips at every trip

    /**
     * A barrier for {@code parties} threads.
     *
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be at least 1, was " + parties);
        }
        this.parties = parties;
        this.missing = parties;
    }

    /**
     * Waits until {@code parties} threads have arrived in this generation.
     *
     * @return the arrival index: {@code parties - 1} for the first to arrive, {@code 0} for the last
     * @throws InterruptedException if interrupted before arriving, or while waiting (then the arrival counts)
     */
    public int await() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            int index = --missing;
            if (index == 0) {
                // The last arrival opens the barrier and starts the next generation.
                generation = !generation;
                missing = parties;
                tripped.signalAll();
                return 0;
            }
            boolean arrivedIn = generation;
            while (generation == arrivedIn) { // the generation, not the count: see the class comment
                tripped.await(); // an interrupt ends the wait with InterruptedException; the arrival still counts
            }
            return index;
        } finally {
            lock.unlock();
        }
    }
}
