package workshop.conditions;

/**
 * Exercise 3 (README: "3. Barrier"). Build Python's {@code threading.Barrier} (Java's
 * {@code CyclicBarrier} without the extras): {@code parties} threads wait for each other, then all go on
 * together.
 *
 * <p>{@code await()} waits until {@code parties} threads have called it, then every one of them returns.
 * The barrier is reusable: the next {@code parties} calls form the next generation, and a fast thread that
 * comes back for the next generation must not disturb the slow ones still leaving the last. {@code await()}
 * returns the arrival index: {@code parties - 1} for the first thread to arrive, down to {@code 0} for the
 * last, the one that opens the barrier. A thread interrupted while it waits throws
 * {@link InterruptedException}; its arrival still counts, and the others are not disturbed (unlike
 * {@code CyclicBarrier}, which breaks: the README says why). A thread already interrupted when it calls
 * {@code await()} throws at once and does not arrive.
 *
 * <p>Build it with a lock and a condition (do not wrap a {@code CyclicBarrier} or a {@code Phaser}). Hints
 * are in the README.
 */
public class Barrier {

    /**
     * A barrier for {@code parties} threads.
     *
     * @throws IllegalArgumentException if {@code parties} is less than 1 (its message names {@code parties})
     */
    public Barrier(int parties) {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 3: Barrier(int)");
    }

    /**
     * Waits until {@code parties} threads have arrived in this generation.
     *
     * @return the arrival index: {@code parties - 1} for the first to arrive, {@code 0} for the last
     * @throws InterruptedException if interrupted while waiting (the arrival still counts, and the others are
     *     not disturbed), or already interrupted when called (then it throws at once and does not arrive); the
     *     interrupt status is then cleared
     */
    public int await() throws InterruptedException {
        throw new UnsupportedOperationException("TODO 03-conditions exercise 3: Barrier.await()");
    }
}
