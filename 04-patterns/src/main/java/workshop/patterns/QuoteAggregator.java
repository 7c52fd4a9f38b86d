package workshop.patterns;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Exercise 6 (README: "6. QuoteAggregator"). Ask several slow quote services at once and return the
 * lowest price that arrives before a deadline (scatter-gather).
 *
 * <p>{@code bestQuote} calls every service at the same time, each on its own virtual thread, so the
 * whole call takes about as long as the slowest service, not the sum of all. It waits at most
 * {@code deadline} (counted from the start of the call) and returns as soon as every service has
 * answered. Services that throw, return null or have not answered by the deadline are ignored; among
 * equal prices the service listed first wins; no answer at all gives {@code Optional.empty()}. When
 * {@code bestQuote} returns, no thread it started is still running: interrupt the late ones and wait for
 * them to end. A deadline that is not positive throws {@link IllegalArgumentException}; a huge one
 * ({@code Duration.ofSeconds(Long.MAX_VALUE)}) waits as long as the services take (convert it with
 * {@code TimeUnit.NANOSECONDS.convert(deadline)}, which saturates, not {@code deadline.toNanos()}, which
 * throws {@link ArithmeticException} beyond about 292 years). A caller whose interrupt status is set, on
 * entry or while waiting, gets {@code Optional.empty()} without further waiting, and its interrupt status
 * stays set ({@code bestQuote} cannot throw {@link InterruptedException}, so it keeps the interrupt for
 * its caller).
 *
 * <p>Hints are in the README.
 */
public class QuoteAggregator {

    /** An aggregator over {@code services} that waits at most {@code deadline} for their answers. */
    public QuoteAggregator(List<QuoteService> services, Duration deadline) {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 6: QuoteAggregator(List, Duration)");
    }

    /** The lowest quote for {@code item} received within the deadline, or empty if none arrived. */
    public Optional<Quote> bestQuote(String item) {
        throw new UnsupportedOperationException("TODO 04-patterns exercise 6: QuoteAggregator.bestQuote()");
    }
}
