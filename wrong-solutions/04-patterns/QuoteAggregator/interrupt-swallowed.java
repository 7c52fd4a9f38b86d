/*
 * Wrong: `bestQuote()` interrupted while it waits for the services returns empty without setting the interrupt status again
 * Rejected by: QuoteAggregatorTest#aCallerInterruptedWhileWaitingGetsEmptyAndKeepsItsInterruptStatus
 * Message: returned with the interrupt status cleared
 */
package workshop.patterns;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Asks several quote services at once and returns the best (lowest) price that arrives before a
 * deadline: the scatter-gather pattern.
 *
 * <p>Every call of {@link #bestQuote} runs each service on its own virtual thread, so all the slow
 * calls wait together and the whole call takes about as long as the slowest service (or the deadline),
 * not the sum of all. Services that fail, return null or have not answered when the deadline passes are
 * left out; those still running are interrupted, and {@code bestQuote} returns only once their threads
 * have ended, so it leaves no thread behind. (A service that ignores interrupts delays it until the
 * service returns.)
 *
 * <p>Thread-safe: calls of {@code bestQuote} share nothing but the service list.
 */
public class QuoteAggregator {

    private final List<QuoteService> services;
    private final Duration deadline;

    /**
     * An aggregator over {@code services} that waits at most {@code deadline} for their answers. A huge
     * deadline ({@code Duration.ofSeconds(Long.MAX_VALUE)}) waits as long as the services take.
     *
     * @throws IllegalArgumentException if {@code deadline} is not positive
     */
    public QuoteAggregator(List<QuoteService> services, Duration deadline) {
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, was " + deadline);
        }
        this.services = List.copyOf(services);
        this.deadline = deadline;
    }

    /**
     * Asks every service for {@code item} at once and returns the lowest quote received within the
     * deadline (the first service's, among equal prices), or empty if none arrived.
     *
     * <p>If the calling thread is interrupted, the calls still running are cancelled and the result is
     * empty, with the interrupt status set; a caller interrupted before the call gets empty at once and no
     * service is called. ({@code bestQuote} cannot throw {@link InterruptedException}: its signature has no
     * checked exception, so it keeps the interrupt for the caller to see, as the JDK's methods without
     * {@code throws InterruptedException} do.)
     */
    public Optional<Quote> bestQuote(String item) {
        Objects.requireNonNull(item, "item");
        if (Thread.currentThread().isInterrupted()) {
            return Optional.empty(); // asked to stop before starting: call nobody
        }
        List<Callable<Quote>> calls = services.stream().<Callable<Quote>>map(service -> () -> service.quote(item)).toList();
        List<Future<Quote>> answers;
        // close() at the end of the block waits until every thread has ended.
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            // Waits until all have answered or the deadline passes, then cancels (interrupts) the rest.
            // TimeUnit saturates a huge deadline (Duration.toNanos() would throw ArithmeticException beyond
            // about 292 years): such a deadline waits as long as the services take.
            answers = executor.invokeAll(calls, TimeUnit.NANOSECONDS.convert(deadline), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return Optional.empty();
        }
        Quote best = null;
        for (Future<Quote> answer : answers) {
            if (answer.state() == Future.State.SUCCESS) {
                Quote quote = answer.resultNow();
                if (quote != null && (best == null || quote.priceCents() < best.priceCents())) {
                    best = quote;
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
