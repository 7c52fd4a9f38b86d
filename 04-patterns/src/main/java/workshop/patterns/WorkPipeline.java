package workshop.patterns;

import java.util.List;
import java.util.function.Function;

/**
 * Exercise 2 (README: "2. WorkPipeline"). Build producer-consumer with a bounded queue: the calling
 * thread feeds the items into a queue of {@code queueCapacity}, and {@code consumers} worker threads take
 * them out and apply {@code work}.
 *
 * <p>{@code run} returns the results in input order, each item processed exactly once. Memory stays
 * bounded: read the items one at a time, as the queue has room (the tests count how far ahead of the
 * workers you read). Every worker thread must have ended when {@code run} returns or throws, not a
 * moment later: stop them with poison pills and wait for each to end (the tests look at the threads the
 * instant {@code run} returns). If {@code work} throws for an item, {@code run} must not hang: it starts no further items and
 * throws an unchecked exception whose cause is what {@code work} threw ({@code CompletionException} is
 * made for that). Bad arguments: {@code consumers} or {@code queueCapacity} below 1 throw
 * {@link IllegalArgumentException}; null throws {@link NullPointerException}.
 *
 * <p>Hints are in the README.
 */
public final class WorkPipeline {

    private WorkPipeline() {
    }

    /**
     * Applies {@code work} to every item on {@code consumers} worker threads fed through a queue of
     * {@code queueCapacity} items, and returns the results in input order.
     */
    public static <T, R> List<R> run(List<T> items, Function<T, R> work, int consumers, int queueCapacity) {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 2: WorkPipeline.run()");
    }
}
