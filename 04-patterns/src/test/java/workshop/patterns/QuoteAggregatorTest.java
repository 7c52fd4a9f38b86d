package workshop.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import workshop.testkit.BlockingCall;
import workshop.testkit.TimeFactor;
import workshop.testkit.Timeouts;

/** Exercise 6: README "6. QuoteAggregator". */
class QuoteAggregatorTest {

    /** The deadline of the aggregator when the test is about the deadline. */
    private static final Duration DEADLINE = Duration.ofMillis(500);

    /** How long a slow service takes to answer: far past the deadline. */
    private static final Duration SLOW = DEADLINE.multipliedBy(10);

    /** The delay step of services that answer in time: the n-th one takes n steps. */
    private static final Duration STEP = Duration.ofMillis(150);

    /** A deadline that no service in the test comes near. */
    private static final Duration GENEROUS_DEADLINE = Duration.ofSeconds(5);

    /** For tests that call bestQuote several times: three calls must fit in a test's time limit in any case. */
    private static final Duration SHORTER_DEADLINE = Duration.ofSeconds(2);

    /** How long bestQuote may take before the test gives up on it. */
    private static final Duration LIMIT = TimeFactor.seconds(7);

    /** How long a service thread may take to end once bestQuote has returned. */
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final Set<Thread> serviceThreads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger callsOnPlatformThreads = new AtomicInteger();
    private final AtomicInteger interruptedSlowCalls = new AtomicInteger();

    /** A service that answers {@code priceCents} after {@code delay}. */
    private QuoteService answering(String name, long priceCents, Duration delay) {
        return item -> {
            called();
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay); // the service's latency: that is the scenario
                } catch (InterruptedException e) {
                    if (delay.compareTo(SLOW) >= 0) {
                        interruptedSlowCalls.incrementAndGet();
                    }
                    throw e;
                }
            }
            return new Quote(name, priceCents);
        };
    }

    private QuoteService failing(Exception failure) {
        return item -> {
            called();
            throw failure;
        };
    }

    private void called() {
        serviceThreads.add(Thread.currentThread());
        if (!Thread.currentThread().isVirtual()) {
            callsOnPlatformThreads.incrementAndGet();
        }
    }

    private BlockingCall.Timed<Optional<Quote>> bestQuote(List<QuoteService> services, Duration deadline) {
        QuoteAggregator aggregator = new QuoteAggregator(services, deadline);
        return BlockingCall.timed("aggregator", LIMIT, "bestQuote() must return by the deadline ("
                + deadline.toMillis() + " ms): wait for the answers with a time limit, then stop waiting.",
                () -> aggregator.bestQuote("widget"));
    }

    @Test
    void callsEveryServiceAtTheSameTimeOnVirtualThreads() {
        int services = 4;
        CountDownLatch allCalled = new CountDownLatch(services);
        AtomicInteger sawAllCalled = new AtomicInteger();
        // One wait for all the calls, counted from the first: calls made one after another do not wait it out each.
        long waitNanos = TimeFactor.seconds(2).toNanos();
        AtomicLong waitEnds = new AtomicLong();
        List<QuoteService> list = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            long price = 100 + s;
            list.add(item -> {
                called();
                allCalled.countDown();
                waitEnds.compareAndSet(0, System.nanoTime() + waitNanos);
                if (allCalled.await(Math.max(0, waitEnds.get() - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    sawAllCalled.incrementAndGet(); // answered only once every service had been called
                }
                return new Quote("service-" + price, price);
            });
        }

        Optional<Quote> best = bestQuote(list, GENEROUS_DEADLINE).value();

        assertThat(sawAllCalled.get()).withFailMessage(
                "only %d of %d services were in a call at the same time as all the others: bestQuote must call every"
                        + " service at once (one thread per call), not one after another", sawAllCalled.get(), services)
                .isEqualTo(services);
        assertThat(callsOnPlatformThreads.get()).withFailMessage(
                "%d service calls ran on platform threads: run each call on a virtual thread"
                        + " (Executors.newVirtualThreadPerTaskExecutor() or Thread.ofVirtual())", callsOnPlatformThreads.get())
                .isZero();
        assertThat(best).withFailMessage("the cheapest quote was 100 cents, got %s", best)
                .hasValueSatisfying(q -> assertThat(q.priceCents()).isEqualTo(100));
        assertNoThreadLeftBehind();
    }

    @Test
    void takesAboutAsLongAsTheSlowestServiceNotTheSumOfAll() {
        List<QuoteService> services = List.of(
                answering("one-step", 400, STEP),
                answering("two-steps", 300, STEP.multipliedBy(2)),
                answering("three-steps", 200, STEP.multipliedBy(3)),
                answering("four-steps", 100, STEP.multipliedBy(4)));
        Duration slowest = STEP.multipliedBy(4);
        Duration sum = STEP.multipliedBy(10);

        BlockingCall.Timed<Optional<Quote>> result = bestQuote(services, GENEROUS_DEADLINE);

        assertThat(result.value()).withFailMessage(
                "the slowest service (%d ms, well within the deadline) had the best price, 100 cents, but bestQuote"
                        + " returned %s: wait for every answer that comes before the deadline, not just the first",
                slowest.toMillis(), result.value()).hasValue(new Quote("four-steps", 100));
        assertThat(result.elapsed()).withFailMessage(
                "bestQuote took %d ms for services that take %d, %d, %d and %d ms: it should take about as long as"
                        + " the slowest (%d ms), not the sum (%d ms), and not wait for the deadline (%d ms) once all"
                        + " have answered. Start all the calls, then wait for them together.",
                result.elapsed().toMillis(), STEP.toMillis(), 2 * STEP.toMillis(), 3 * STEP.toMillis(),
                4 * STEP.toMillis(), slowest.toMillis(), sum.toMillis(), GENEROUS_DEADLINE.toMillis())
                .isLessThan(slowest.multipliedBy(2));
        assertNoThreadLeftBehind();
    }

    @Test
    void returnsAsSoonAsEveryServiceHasAnswered() {
        List<QuoteService> services = List.of(answering("a", 300, Duration.ZERO), answering("b", 200, Duration.ZERO),
                answering("c", 250, Duration.ZERO));

        BlockingCall.Timed<Optional<Quote>> result = bestQuote(services, GENEROUS_DEADLINE);

        assertThat(result.value()).withFailMessage("the three services answered 300, 200 and 250 cents at once; the best"
                + " is b's 200 cents, got %s", result.value()).hasValue(new Quote("b", 200));
        assertThat(result.elapsed()).withFailMessage(
                "every service answered at once, yet bestQuote took %d ms with a deadline of %d ms: the deadline is the"
                        + " most it may wait, not how long it always waits", result.elapsed().toMillis(),
                GENEROUS_DEADLINE.toMillis()).isLessThan(GENEROUS_DEADLINE.dividedBy(2));
        assertNoThreadLeftBehind();
    }

    @Test
    void ignoresServicesThatMissTheDeadlineAndStopsTheirCalls() {
        List<QuoteService> services = List.of(
                answering("fast", 300, Duration.ZERO),
                answering("slow-1", 1, SLOW),
                answering("in-time", 250, STEP),
                answering("slow-2", 2, SLOW),
                answering("slow-3", 3, SLOW));

        BlockingCall.Timed<Optional<Quote>> result = bestQuote(services, DEADLINE);

        assertThat(result.value()).withFailMessage(
                "the best quote that came before the %d ms deadline was in-time's 250 cents, got %s",
                DEADLINE.toMillis(), result.value()).hasValue(new Quote("in-time", 250));
        assertThat(result.elapsed()).withFailMessage(
                "with a deadline of %d ms and three services too slow for it, bestQuote took %d ms. The deadline"
                        + " counts for the whole call, from its start: waiting up to the deadline for each late"
                        + " service in turn adds up.", DEADLINE.toMillis(), result.elapsed().toMillis())
                .isLessThan(DEADLINE.multipliedBy(2));
        assertThat(result.elapsed()).withFailMessage(
                "bestQuote returned after %d ms, before the %d ms deadline, while three services were still working:"
                        + " it must wait for them until the deadline", result.elapsed().toMillis(), DEADLINE.toMillis())
                .isGreaterThanOrEqualTo(DEADLINE.minusMillis(20));
        assertNoThreadLeftBehind();
        assertThat(interruptedSlowCalls.get()).withFailMessage(
                "%d of the 3 calls still running at the deadline were interrupted: cancel the late calls (future.cancel"
                        + "(true), or shutdownNow() on their executor) so that they stop", interruptedSlowCalls.get())
                .isEqualTo(3);
    }

    @Test
    void ignoresServicesThatFailOrHaveNoQuote() {
        List<QuoteService> services = List.of(
                failing(new IOException("connection refused")),
                answering("ok", 500, Duration.ZERO),
                failing(new IllegalStateException("bad response")),
                item -> {
                    called();
                    return null;
                });

        BlockingCall.Timed<Optional<Quote>> result = bestQuote(services, SHORTER_DEADLINE);

        assertThat(result.value()).withFailMessage(
                "two services threw and one had no quote (null); the one answer was ok's 500 cents, got %s. A failing"
                        + " service must not fail the whole call.", result.value()).hasValue(new Quote("ok", 500));

        List<QuoteService> allFail = List.of(failing(new IOException("down")), failing(new RuntimeException("broken")));
        assertThat(bestQuote(allFail, SHORTER_DEADLINE).value()).withFailMessage(
                "when every service fails there is no quote: return Optional.empty()").isEmpty();
        Optional<Quote> none = bestQuote(List.of(), SHORTER_DEADLINE).value();
        assertThat(none).withFailMessage("with no services there is no quote: return Optional.empty(), got %s", none)
                .isEmpty();
        assertNoThreadLeftBehind();
    }

    @Test
    void amongEqualPricesTheServiceListedFirstWins() {
        List<QuoteService> services = List.of(answering("first", 200, STEP), answering("second", 200, Duration.ZERO),
                answering("third", 300, Duration.ZERO));

        assertThat(bestQuote(services, GENEROUS_DEADLINE).value()).withFailMessage(
                "first and second both quoted 200 cents: the one listed first wins, even when it answers later")
                .hasValue(new Quote("first", 200));
        assertNoThreadLeftBehind();
    }

    @Test
    void takesHugeDeadlinesAndAnInterruptedCaller() throws Exception {
        QuoteAggregator patient = new QuoteAggregator(
                List.of(answering("a", 300, Duration.ZERO), answering("b", 200, STEP)), Timeouts.FOREVER);
        Optional<Quote> best = Timeouts.assertReturnsAtOnce("bestQuote() with a deadline of"
                + " Duration.ofSeconds(Long.MAX_VALUE) and two services that answer within " + STEP.toMillis() + " ms",
                () -> patient.bestQuote("widget"));
        assertThat(best).withFailMessage("with a deadline of Duration.ofSeconds(Long.MAX_VALUE) (as long as it takes),"
                + " bestQuote must wait for both services and return b's 200 cents, got %s", best)
                .hasValue(new Quote("b", 200));
        Throwable refused = catchThrowable(() -> new QuoteAggregator(List.of(), Timeouts.MOST_NEGATIVE));
        assertThat(refused).withFailMessage("new QuoteAggregator(services, Duration.ofSeconds(Long.MIN_VALUE)) must throw"
                + " IllegalArgumentException (a deadline must be positive), but it %s",
                refused == null ? "returned" : "threw " + refused).isInstanceOf(IllegalArgumentException.class);

        QuoteAggregator slow = new QuoteAggregator(List.of(answering("slow", 100, SLOW)), Timeouts.FOREVER);
        BlockingCall.Timed<Boolean> interrupted = BlockingCall.timed("interrupted-caller", BlockingCall.PATIENCE,
                "bestQuote() by a thread whose interrupt status was set kept waiting for a service that answers"
                        + " only after " + SLOW.toMillis() + " ms: an interrupted caller must get empty at once.", () -> {
                    Thread.currentThread().interrupt();
                    Optional<Quote> result = slow.bestQuote("widget");
                    assertThat(result).withFailMessage("bestQuote() by an interrupted caller must return"
                            + " Optional.empty(), got %s", result).isEmpty();
                    return Thread.currentThread().isInterrupted();
                });
        assertThat(interrupted.value()).withFailMessage("bestQuote() by an interrupted caller cleared the interrupt"
                + " status: it cannot throw InterruptedException, so it must leave the status set for its caller to"
                + " see (catch InterruptedException, then Thread.currentThread().interrupt())").isTrue();
        assertThat(interrupted.elapsed()).withFailMessage("bestQuote() by an interrupted caller took %d ms: it must"
                + " not wait for the services", interrupted.elapsed().toMillis()).isLessThan(SLOW);
        assertNoThreadLeftBehind();
    }

    @Test
    void aCallerInterruptedWhileWaitingGetsEmptyAndKeepsItsInterruptStatus() throws InterruptedException {
        CountDownLatch calling = new CountDownLatch(1);
        QuoteService slow = item -> {
            called();
            calling.countDown();
            Thread.sleep(SLOW); // the service's latency: its call is cancelled long before it ends
            return new Quote("slow", 100);
        };
        QuoteAggregator aggregator = new QuoteAggregator(List.of(slow), GENEROUS_DEADLINE);
        AtomicReference<Optional<Quote>> result = new AtomicReference<>();
        try (BlockingCall<Boolean> caller = BlockingCall.start("caller", () -> {
            result.set(aggregator.bestQuote("widget"));
            return Thread.currentThread().isInterrupted();
        })) {
            assertThat(calling.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).withFailMessage(
                    "bestQuote() did not call its one service within %d ms", LIMIT.toMillis()).isTrue();
            caller.assertBlocks("bestQuote() waiting for a service that answers only after " + SLOW.toMillis() + " ms");
            caller.thread().interrupt();
            boolean stillInterrupted = caller.assertFinishes("bestQuote() kept waiting for the service after its caller"
                    + " was interrupted: stop waiting, cancel the calls still running and return Optional.empty().");
            assertThat(result.get()).withFailMessage("bestQuote() interrupted while it waited for the services must"
                    + " return Optional.empty(), got %s", result.get()).isEmpty();
            assertThat(stillInterrupted).withFailMessage("bestQuote() interrupted while it waited for the services"
                    + " returned with the interrupt status cleared: it cannot throw InterruptedException, so it must set"
                    + " the status again for its caller to see (catch InterruptedException, then"
                    + " Thread.currentThread().interrupt())").isTrue();
        }
        assertNoThreadLeftBehind();
    }

    @Test
    void rejectsBadArguments() {
        List<QuoteService> services = List.of(answering("a", 1, Duration.ZERO));
        assertThatThrownBy(() -> new QuoteAggregator(services, Duration.ZERO)).as(
                "new QuoteAggregator(services, Duration.ZERO) must throw IllegalArgumentException: a deadline must be"
                        + " positive").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuoteAggregator(services, Duration.ofMillis(-1))).as(
                "new QuoteAggregator(services, -1 ms) must throw IllegalArgumentException: a deadline must be positive")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuoteAggregator(null, DEADLINE)).as(
                "new QuoteAggregator(null, deadline) must throw NullPointerException (Objects.requireNonNull)")
                .isInstanceOf(NullPointerException.class);
    }

    private void assertNoThreadLeftBehind() {
        List<Thread> running = serviceThreads.stream().filter(t -> !BlockingCall.joins(t, GRACE)).toList();
        assertThat(running).withFailMessage(
                "bestQuote returned, but %d thread(s) that called services were still running %d ms later: %s."
                        + " Interrupt the calls that missed the deadline and wait for their threads to end (closing the"
                        + " executor waits for them).", running.size(), GRACE.toMillis(), running).isEmpty();
    }
}
