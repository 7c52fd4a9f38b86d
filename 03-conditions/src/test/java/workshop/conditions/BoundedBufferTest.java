package workshop.conditions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.BlockingCall;
import workshop.testkit.BusyWait;
import workshop.testkit.SpuriousWakeups;
import workshop.testkit.ThreadReports;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;
import workshop.testkit.Timeouts;

/** Exercise 2: README "2. BoundedBuffer". */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // simple checks first: the first failure is the one to fix
class BoundedBufferTest {

    private static final Duration LIMIT = TimeFactor.seconds(5);
    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(30);

    /** No item moved for this long while threads still had work: they all sleep, and nobody will wake them. */
    private static final Duration STALL = Duration.ofSeconds(2);

    @Test
    @Order(1)
    void itemsComeOutInTheOrderTheyWentIn() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(3);
        assertThat(buffer.size()).withFailMessage("a new buffer must be empty").isZero();
        List<String> taken = new ArrayList<>();
        buffer.put("a");
        buffer.put("b");
        buffer.put("c");
        assertThat(buffer.size()).withFailMessage("size() after three puts was %d", buffer.size()).isEqualTo(3);
        taken.add(buffer.take());
        buffer.put("d"); // goes round the end of an array, if you use one
        taken.add(buffer.take());
        buffer.put("e");
        assertThat(buffer.size()).withFailMessage("size() with c, d, e in the buffer was %d", buffer.size()).isEqualTo(3);
        taken.add(buffer.take());
        taken.add(buffer.take());
        taken.add(buffer.take());
        assertThat(taken).withFailMessage("put a, b, c, d, e; took %s: a buffer hands items out first in, first out",
                taken).containsExactly("a", "b", "c", "d", "e");
        assertThat(buffer.size()).withFailMessage("size() of an emptied buffer was %d", buffer.size()).isZero();
    }

    @Test
    @Order(2)
    void takeAfterPutReturnsAtOnce() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(2);
        buffer.put("x"); // the producer signals now, while no consumer is waiting
        buffer.put("y");
        List<String> taken = BlockingCall.within("consumer", BlockingCall.PATIENCE,
                "take() found items in the buffer but went to sleep anyway. The put() that signalled came before the"
                        + " wait, and a signal nobody waits for is lost: this is the lost wake-up of the guide's"
                        + " consumer, which waits without checking first. Wait only while the buffer is empty:"
                        + " `while (count == 0) notEmpty.await();`.",
                () -> List.of(buffer.take(), buffer.take()));
        assertThat(taken).withFailMessage("put x, y; took %s: items come out in the order they went in", taken)
                .containsExactly("x", "y");
    }

    @Test
    @Order(3)
    void takeSleepsWhileTheBufferIsEmpty() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        AtomicReference<String> took = new AtomicReference<>();
        try (BlockingCall<Void> consumer = BlockingCall.run("consumer", () -> took.set(buffer.take()))) {
            consumer.assertBlocks("take() on an empty buffer");
            BusyWait.assertWaitsWithoutPolling(consumer.thread());
            buffer.put("x");
            consumer.assertFinishes("put() added an item but the consumer waiting in take() was not woken: signal it.");
        }
        assertThat(took.get()).withFailMessage("take() returned %s, not the item put (\"x\")", took.get()).isEqualTo("x");
        assertThat(buffer.size()).withFailMessage("size() after the only item was taken was %d", buffer.size()).isZero();
    }

    @Test
    @Order(4)
    void putSleepsWhileTheBufferIsFull() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(2);
        buffer.put("a");
        buffer.put("b");
        try (BlockingCall<Void> producer = BlockingCall.run("producer", () -> buffer.put("c"))) {
            producer.assertBlocks("put() into a full buffer of capacity 2");
            BusyWait.assertWaitsWithoutPolling(producer.thread());
            assertThat(buffer.size()).withFailMessage("a full buffer of capacity 2 reports size() %d", buffer.size())
                    .isEqualTo(2);
            String head = buffer.take();
            assertThat(head).withFailMessage("take() from a full buffer holding a, b returned %s, expected a", head)
                    .isEqualTo("a");
            producer.assertFinishes("take() made room, but the producer waiting in put() was not woken: signal it.");
        }
        assertThat(List.of(buffer.take(), buffer.take())).withFailMessage("items must come out in the order they went in")
                .containsExactly("b", "c");
    }

    @Test
    @Order(5)
    void pollGivesUpAfterAboutTheTimeout() {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        Duration timeout = Duration.ofMillis(200);
        BlockingCall.Timed<Optional<String>> polled = BlockingCall.timed("poller", LIMIT,
                "poll(200 ms) on an empty buffer must give up after about 200 ms.", () -> buffer.poll(timeout));
        assertThat(polled.value()).withFailMessage("poll(200 ms) on an empty buffer returned %s", polled.value()).isEmpty();
        assertThat(polled.elapsed()).withFailMessage(
                "poll(200 ms) gave up after %d ms: it must wait the whole timeout (awaitNanos returns the time left)",
                polled.elapsed().toMillis()).isGreaterThanOrEqualTo(timeout.minusMillis(10));
        Optional<String> zero = BlockingCall.within("poller", LIMIT, "poll(0) must never wait.", () -> buffer.poll(Duration.ZERO));
        assertThat(zero).withFailMessage("poll(0) on an empty buffer returned %s", zero).isEmpty();
    }

    @Test
    @Order(6)
    void offerGivesUpAfterAboutTheTimeout() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        buffer.put("x");
        Duration timeout = Duration.ofMillis(200);
        BlockingCall.Timed<Boolean> offered = BlockingCall.timed("offerer", LIMIT,
                "offer(y, 200 ms) into a full buffer must give up after about 200 ms.", () -> buffer.offer("y", timeout));
        assertThat(offered.value()).withFailMessage("offer(y, 200 ms) into a full buffer returned true").isFalse();
        assertThat(offered.elapsed()).withFailMessage(
                "offer(y, 200 ms) gave up after %d ms: it must wait the whole timeout (awaitNanos returns the time left)",
                offered.elapsed().toMillis()).isGreaterThanOrEqualTo(timeout.minusMillis(10));
        boolean zero = BlockingCall.within("offerer", LIMIT, "offer(y, 0) must never wait.", () -> buffer.offer("y", Duration.ZERO));
        assertThat(zero).withFailMessage("offer(y, 0) into a full buffer returned true").isFalse();
        assertThat(buffer.size()).withFailMessage("failed offers changed size() to %d", buffer.size()).isEqualTo(1);
        assertThat(buffer.take()).withFailMessage("a failed offer must not replace the item in the buffer").isEqualTo("x");
        assertThat(buffer.offer("z", Duration.ZERO)).withFailMessage("offer(z, 0) into an empty buffer returned false")
                .isTrue();
        assertThat(buffer.poll(Duration.ZERO)).withFailMessage("poll(0) with an item in the buffer must return it")
                .contains("z");
    }

    @Test
    @Order(7)
    void pollCountsItsTimeoutFromTheCallNotFromTheLastWakeUp() {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        AtomicReference<Optional<String>> polled = new AtomicReference<>();
        try (BlockingCall<Void> poller = BlockingCall.run("poller", () -> polled.set(buffer.poll(Duration.ofMillis(300))))) {
            poller.assertBlocks("poll(300 ms) on an empty buffer");
            boolean ended = SpuriousWakeups.keepWakingUntilEnded(buffer, poller.thread(), Duration.ofMillis(100),
                    Duration.ofSeconds(4));
            assertThat(ended).withFailMessage(
                    "poll(300 ms) was still waiting after 4 s, while the test woke it every 100 ms without putting"
                            + " anything (as spurious wake-ups would). Each wake-up restarted the 300 ms: keep the time"
                            + " left, `nanos = notEmpty.awaitNanos(nanos)`, and give up when it reaches zero.").isTrue();
        }
        assertThat(polled.get()).withFailMessage("poll(300 ms) on an empty buffer returned %s", polled.get()).isEmpty();
    }

    @Test
    @Order(8)
    void pollReturnsAnItemThatArrivesInTimeAndSleepsMeanwhile() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        AtomicReference<Optional<String>> polled = new AtomicReference<>();
        try (BlockingCall<Void> poller = BlockingCall.run("poller", () -> polled.set(buffer.poll(LONG_TIMEOUT)))) {
            poller.assertBlocks("poll(30 s) on an empty buffer");
            BusyWait.assertWaitsWithoutSpinning(poller.thread());
            buffer.put("x");
            poller.assertFinishes("put() added an item, but the thread in poll(30 s) was not woken: signal it.");
        }
        assertThat(polled.get()).withFailMessage("poll(30 s) returned %s after x was put", polled.get()).contains("x");
    }

    @Test
    @Order(9)
    void offerSucceedsWhenRoomAppearsInTimeAndSleepsMeanwhile() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        buffer.put("x");
        AtomicReference<Boolean> offered = new AtomicReference<>();
        try (BlockingCall<Void> offerer = BlockingCall.run("offerer", () -> offered.set(buffer.offer("y", LONG_TIMEOUT)))) {
            offerer.assertBlocks("offer(y, 30 s) into a full buffer");
            BusyWait.assertWaitsWithoutSpinning(offerer.thread());
            String head = buffer.take();
            assertThat(head).withFailMessage("take() from a buffer holding x returned %s", head).isEqualTo("x");
            offerer.assertFinishes("take() made room, but the thread in offer(y, 30 s) was not woken: signal it.");
        }
        assertThat(offered.get()).withFailMessage("offer(y, 30 s) returned %s after room appeared", offered.get()).isTrue();
        String offeredItem = buffer.take();
        assertThat(offeredItem).withFailMessage("after offer(y, 30 s) succeeded, take() returned %s, expected y",
                offeredItem).isEqualTo("y");
    }

    @Test
    @Order(10)
    void offerWakesAConsumerWaitingInTakeOrPoll() {
        // put() is not the only way in: an offer() that does not wait and one that could must each wake a consumer
        // waiting in take() and one waiting in poll(30 s).
        for (Duration offerTimeout : new Duration[] {Duration.ZERO, LONG_TIMEOUT}) {
            String offer = "offer(x, " + describe(offerTimeout) + ")";
            for (boolean timedConsumer : new boolean[] {false, true}) {
                String call = timedConsumer ? "poll(30 s)" : "take()";
                BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
                Callable<Object> consume = timedConsumer ? () -> buffer.poll(LONG_TIMEOUT) : buffer::take;
                try (BlockingCall<Object> consumer = BlockingCall.start("consumer", consume)) {
                    consumer.assertBlocks(call + " on an empty buffer");
                    SpuriousWakeups.awaitBackToWaitingOrEnded(buffer, List.of(consumer.thread())); // on a condition now
                    boolean added = BlockingCall.within("offerer", LIMIT, offer + " into an empty buffer must add the item"
                            + " at once: there is room.", () -> buffer.offer("x", offerTimeout));
                    assertThat(added).withFailMessage("%s into an empty buffer of capacity 1 returned false: there was"
                            + " room, so it must add the item and return true", offer).isTrue();
                    Object took = consumer.assertFinishes(offer + " added an item, but the consumer waiting in " + call
                            + " was not woken: it sleeps next to the item. Every way in must signal the consumers, not"
                            + " only put(): after offer() adds its item, signal notEmpty as put() does (one enqueue"
                            + " helper that adds and signals serves both).");
                    Object expected = timedConsumer ? Optional.of("x") : "x";
                    assertThat(took).withFailMessage("%s returned %s after %s, expected %s", call, took, offer, expected)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    @Order(11)
    void pollWakesAProducerWaitingInPutOrOffer() throws InterruptedException {
        // take() is not the only way out: a poll() that does not wait and one that could must each wake a producer
        // waiting in put() and one waiting in offer(y, 30 s).
        for (Duration pollTimeout : new Duration[] {Duration.ZERO, LONG_TIMEOUT}) {
            String poll = "poll(" + describe(pollTimeout) + ")";
            for (boolean timedProducer : new boolean[] {false, true}) {
                String call = timedProducer ? "offer(y, 30 s)" : "put(y)";
                BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
                buffer.put("x");
                Callable<Boolean> produce = timedProducer ? () -> buffer.offer("y", LONG_TIMEOUT) : () -> {
                    buffer.put("y");
                    return true;
                };
                try (BlockingCall<Boolean> producer = BlockingCall.start("producer", produce)) {
                    producer.assertBlocks(call + " into a full buffer");
                    SpuriousWakeups.awaitBackToWaitingOrEnded(buffer, List.of(producer.thread())); // on a condition now
                    Optional<String> head = BlockingCall.within("poller", LIMIT, poll + " from a full buffer must take"
                            + " the head at once: there is an item.", () -> buffer.poll(pollTimeout));
                    assertThat(head).withFailMessage("%s from a full buffer holding x returned %s, expected x", poll, head)
                            .contains("x");
                    Boolean added = producer.assertFinishes(poll + " made room, but the producer waiting in " + call
                            + " was not woken: it sleeps next to the free slot. Every way out must signal the producers,"
                            + " not only take(): after poll() takes its item, signal notFull as take() does (one dequeue"
                            + " helper that removes and signals serves both).");
                    assertThat(added).withFailMessage("%s returned %s after %s made room: it must return true", call,
                            added, poll).isTrue();
                }
                Optional<String> last = buffer.poll(Duration.ZERO);
                assertThat(last).withFailMessage("after %s made room, the producer's %s must have added y; poll(0)"
                        + " returned %s", poll, call, last).contains("y");
            }
        }
    }

    @Test
    @Order(12)
    void aConsumerWokenForAnItemThatABargingConsumerTookWaitsAgain() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        for (int attempt = 0; attempt < 20; attempt++) {
            AtomicReference<String> took = new AtomicReference<>();
            try (BlockingCall<Void> sleeper = BlockingCall.run("sleeping-consumer", () -> took.set(buffer.take()))) {
                sleeper.assertBlocks("take() on an empty buffer");
                sleeper.assertReaches(Thread.State.WAITING, EventTest.PARKED);
                // put() wakes the sleeping consumer; before it gets the lock back, this thread barges in and takes
                // the item. (A lock lets a running thread in ahead of one that is still waking up.)
                buffer.put("item-" + attempt);
                Optional<String> stolen = buffer.poll(Duration.ZERO);
                if (stolen.isEmpty()) {
                    sleeper.assertFinishes("the sleeping consumer took the item but did not return.");
                    continue; // the sleeper was quicker this time: try again
                }
                SpuriousWakeups.awaitBackToWaitingOrEnded(buffer, List.of(sleeper.thread()));
                if (sleeper.isDone()) {
                    Throwable thrown = sleeper.failure();
                    throw new AssertionFailedError("A consumer waiting in take() was woken by put(), but another consumer"
                            + " took the item before the woken one got the lock back (a stolen wake-up). The woken"
                            + " consumer then went on as if the buffer held an item, and "
                            + (thrown == null ? "returned " + took.get() : "threw " + thrown) + " with the buffer empty"
                            + " (size() is now " + buffer.size() + "). After waking, check again: wait in"
                            + " `while (count == 0)`, not `if`.", thrown);
                }
                assertThat(buffer.size()).withFailMessage("the stolen item was taken; size() must be 0, was %d",
                        buffer.size()).isZero();
                buffer.put("next");
                sleeper.assertFinishes("the consumer went back to waiting after its item was stolen (good), but the next"
                        + " put() did not wake it.");
                assertThat(took.get()).withFailMessage("the consumer whose item was stolen must get the next one, got %s",
                        took.get()).isEqualTo("next");
                return;
            }
        }
        // Twenty times the woken consumer beat a running thread to the lock (a fair lock does that): nothing to check.
    }

    @Test
    @Order(13)
    void wakeUpsWithoutAChangeReleaseNobody() throws InterruptedException {
        BoundedBuffer<String> empty = new BoundedBuffer<>(1);
        BoundedBuffer<String> full = new BoundedBuffer<>(1);
        full.put("x");
        AtomicReference<String> took = new AtomicReference<>();
        try (BlockingCall<Void> consumer = BlockingCall.run("consumer", () -> took.set(empty.take()));
                BlockingCall<Void> producer = BlockingCall.run("producer", () -> full.put("y"))) {
            consumer.assertBlocks("take() on an empty buffer");
            producer.assertBlocks("put() into a full buffer");
            SpuriousWakeups.wakeAll(empty, List.of(consumer.thread()));
            SpuriousWakeups.wakeAll(full, List.of(producer.thread()));
            if (consumer.isDone() || producer.isDone()) {
                Throwable thrown = consumer.isDone() ? consumer.failure() : producer.failure();
                throw new AssertionFailedError("The test woke the waiting threads without changing either buffer, as a"
                        + " spurious wake-up does (Condition.await() may return for no reason: its Javadoc says so), and "
                        + (consumer.isDone() ? "take() on the empty buffer " + (thrown == null ? "returned " + took.get()
                                : "threw " + thrown) : "put() into the full buffer " + (thrown == null ? "returned"
                                : "threw " + thrown)) + ". A wake-up is only a hint to look again: wait in a while loop.",
                        thrown);
            }
            assertThat(List.of(empty.size(), full.size())).withFailMessage(
                    "wake-ups without a change must leave the buffers as they were: sizes %s, expected [0, 1]",
                    List.of(empty.size(), full.size())).containsExactly(0, 1);
            empty.put("z");
            consumer.assertFinishes("put() did not wake the consumer.");
            String head = full.take();
            assertThat(head).withFailMessage("the full buffer held x; take() returned %s", head).isEqualTo("x");
            producer.assertFinishes("take() did not wake the producer.");
        }
        assertThat(took.get()).withFailMessage("the consumer took %s, expected z, the item put after the wake-ups",
                took.get()).isEqualTo("z");
        String last = full.take();
        assertThat(last).withFailMessage("the producer's put(y) went in after room appeared; take() returned %s", last)
                .isEqualTo("y");
    }

    @Test
    @Order(14)
    void everyItemIsDeliveredExactlyOnceWithCapacityOne() {
        int producers = 4;
        int perProducer = 2_500;
        AtomicIntegerArray taken = exchange(new BoundedBuffer<>(1), producers, 4, perProducer);
        int total = producers * perProducer;
        int lost = 0;
        int duplicated = 0;
        for (int i = 0; i < total; i++) {
            lost += taken.get(i) == 0 ? 1 : 0;
            duplicated += taken.get(i) > 1 ? 1 : 0;
        }
        assertThat(lost + duplicated).withFailMessage(
                "of %d items put by %d producers into a buffer of capacity 1, %d were never taken and %d were taken more"
                        + " than once. put and take must change the buffer under one lock, and each must wait in a while"
                        + " loop until it can really go on.", total, producers, lost, duplicated).isZero();
    }

    @Test
    @Order(15)
    @TimeLimit(20)
    void manyWaitingProducersAndConsumersNeverAllFallAsleep() {
        BoundedBuffer<Integer> buffer = new BoundedBuffer<>(1);
        exchange(buffer, 6, 6, 1_000);
        assertThat(buffer.size()).withFailMessage("every item was taken, but size() says %d", buffer.size()).isZero();
    }

    @Test
    @Order(16)
    @TimeLimit(30) // a waiter that swallows the interrupt is reported after BlockingCall.PATIENCE; room to spare
    void anInterruptedTakeThrowsInterruptedException() {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (BlockingCall<Void> consumer = BlockingCall.run("consumer", () -> {
            try {
                buffer.take();
            } catch (InterruptedException e) {
                thrown.set(e);
            }
        })) {
            consumer.assertBlocks("take() on an empty buffer");
            consumer.thread().interrupt();
            consumer.assertFinishes("a consumer interrupted in take() kept waiting: let InterruptedException propagate.");
        }
        assertThat(thrown.get()).withFailMessage("take() interrupted while waiting must throw InterruptedException")
                .isInstanceOf(InterruptedException.class);
    }

    @Test
    @Order(17)
    void refusesNullItemsAndCapacityBelowOne() {
        for (int capacity : new int[] {0, -1}) {
            Throwable thrown = catchThrowable(() -> new BoundedBuffer<String>(capacity));
            assertThat(thrown).withFailMessage("new BoundedBuffer(%d) %s: it must throw IllegalArgumentException with a"
                    + " message naming \"capacity\" (a buffer needs room for at least one item)", capacity,
                    thrown == null ? "returned normally" : "threw " + thrown)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
        }
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        Throwable onPut = catchThrowable(() -> buffer.put(null));
        assertThat(onPut).withFailMessage("put(null) %s: it must throw NullPointerException (a null item could not be"
                + " told apart from \"nothing there\"; Objects.requireNonNull)", onPut == null ? "returned normally"
                : "threw " + onPut).isInstanceOf(NullPointerException.class);
        Throwable onOffer = catchThrowable(() -> buffer.offer(null, Duration.ZERO));
        assertThat(onOffer).withFailMessage("offer(null, 0) %s: it must throw NullPointerException", onOffer == null
                ? "returned normally" : "threw " + onOffer).isInstanceOf(NullPointerException.class);
        assertThat(buffer.size()).withFailMessage("refused nulls changed size() to %d", buffer.size()).isZero();
    }

    /** A timeout as the messages name it: "0" or "30 s". */
    private static String describe(Duration timeout) {
        return timeout.isZero() ? "0" : timeout.toSeconds() + " s";
    }

    private static final String FOREVER = "Duration.ofSeconds(Long.MAX_VALUE)";
    private static final String MOST_NEGATIVE = "Duration.ofSeconds(Long.MIN_VALUE)";

    @Test
    @Order(18)
    void offerAndPollAcceptAnyDurationAsTheJdkDoes() throws Exception {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        Optional<String> none = Timeouts.assertReturnsAtOnce("poll(" + MOST_NEGATIVE + ") on an empty buffer",
                () -> buffer.poll(Timeouts.MOST_NEGATIVE));
        assertThat(none).withFailMessage("poll(%s) on an empty buffer returned %s", MOST_NEGATIVE, none).isEmpty();
        boolean added = Timeouts.assertReturnsAtOnce("offer(a, " + MOST_NEGATIVE + ") into an empty buffer",
                () -> buffer.offer("a", Timeouts.MOST_NEGATIVE));
        assertThat(added).withFailMessage("offer(a, %s) into an empty buffer returned false: with room, an item goes in"
                + " at once whatever the timeout", MOST_NEGATIVE).isTrue();
        boolean refused = Timeouts.assertReturnsAtOnce("offer(b, " + MOST_NEGATIVE + ") into a full buffer",
                () -> buffer.offer("b", Timeouts.MOST_NEGATIVE));
        assertThat(refused).withFailMessage("offer(b, %s) into a full buffer returned true: a timeout of zero or less"
                + " means \"do not wait\", and there was no room", MOST_NEGATIVE).isFalse();
        Optional<String> got = Timeouts.assertReturnsAtOnce("poll(" + FOREVER + ") with an item in the buffer",
                () -> buffer.poll(Timeouts.FOREVER));
        assertThat(got).withFailMessage("poll(%s) with a in the buffer returned %s", FOREVER, got).contains("a");
        try (BlockingCall<Optional<String>> poller = Timeouts.assertWaits("forever-poller",
                () -> buffer.poll(Timeouts.FOREVER), "poll(" + FOREVER + ") on an empty buffer: as long as it takes")) {
            buffer.put("c");
            Optional<String> polled = poller.assertFinishes("put() did not wake the thread in poll(" + FOREVER + ").");
            assertThat(polled).withFailMessage("poll(%s) returned %s after c was put", FOREVER, polled).contains("c");
        }
        buffer.put("d");
        try (BlockingCall<Boolean> offerer = Timeouts.assertWaits("forever-offerer",
                () -> buffer.offer("e", Timeouts.FOREVER), "offer(e, " + FOREVER + ") into a full buffer: as long as it"
                        + " takes")) {
            String head = buffer.take();
            assertThat(head).withFailMessage("take() from a buffer holding d returned %s", head).isEqualTo("d");
            assertThat(offerer.assertFinishes("take() did not wake the thread in offer(e, " + FOREVER + ")."))
                    .withFailMessage("offer(e, %s) returned false after room appeared", FOREVER).isTrue();
        }
        assertThat(buffer.take()).withFailMessage("the item offered with %s must be in the buffer", FOREVER)
                .isEqualTo("e");
    }

    @Test
    @Order(19)
    void anInterruptedCallerGetsInterruptedExceptionFromEveryWaitingMethod() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        Timeouts.assertInterruptedCallerGetsInterruptedException("take() on an empty buffer", buffer::take);
        Timeouts.assertInterruptedCallerGetsInterruptedException("poll(" + FOREVER + ") on an empty buffer",
                () -> buffer.poll(Timeouts.FOREVER));
        buffer.put("x");
        Timeouts.assertInterruptedCallerGetsInterruptedException("put(y) into a full buffer", () -> {
            buffer.put("y");
            return null;
        });
        Timeouts.assertInterruptedCallerGetsInterruptedException("offer(y, " + FOREVER + ") into a full buffer",
                () -> buffer.offer("y", Timeouts.FOREVER));
        assertThat(buffer.size()).withFailMessage("interrupted callers changed size() to %d; it must stay 1",
                buffer.size()).isEqualTo(1);
        String left = buffer.take();
        assertThat(left).withFailMessage("after the interrupted callers, take() returned %s, expected x", left)
                .isEqualTo("x");
    }

    /**
     * Runs {@code producers} threads that each put {@code perProducer} distinct items and {@code consumers} threads that
     * take them all, released together by a start gate; returns how often each item was taken. Fails as soon as
     * no item has moved for {@link #STALL} while work is left: everyone is asleep, and nobody will wake them.
     */
    private static AtomicIntegerArray exchange(BoundedBuffer<Integer> buffer, int producers, int consumers,
            int perProducer) {
        int total = producers * perProducer;
        AtomicIntegerArray taken = new AtomicIntegerArray(total);
        AtomicInteger moved = new AtomicInteger();
        CountDownLatch startGate = new CountDownLatch(1);
        List<BlockingCall<Void>> calls = new ArrayList<>();
        try {
            for (int p = 0; p < producers; p++) {
                int first = p * perProducer;
                calls.add(BlockingCall.run("producer-" + p, () -> {
                    startGate.await();
                    for (int i = 0; i < perProducer; i++) {
                        buffer.put(first + i); // every item is its own number
                        moved.incrementAndGet();
                    }
                }));
            }
            for (int c = 0; c < consumers; c++) {
                int share = total / consumers + (c < total % consumers ? 1 : 0);
                calls.add(BlockingCall.run("consumer-" + c, () -> {
                    startGate.await();
                    for (int i = 0; i < share; i++) {
                        Integer got = buffer.take();
                        if (got == null || got < 0 || got >= total) {
                            throw new AssertionFailedError("take() returned " + got + ", which nobody put: a consumer"
                                    + " went on with an empty buffer. After a wake-up, check again (while, not if).");
                        }
                        taken.incrementAndGet(got);
                        moved.incrementAndGet();
                    }
                }));
            }
            startGate.countDown();
            int lastSeen = -1;
            long lastChange = System.nanoTime();
            List<BlockingCall<Void>> running = new ArrayList<>(calls);
            while (!running.isEmpty()) {
                BlockingCall<Void> failed = running.stream().filter(call -> call.failure() != null).findFirst().orElse(null);
                if (failed != null) {
                    throw explain(failed.failure());
                }
                int now = moved.get();
                if (now != lastSeen) {
                    lastSeen = now;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > STALL.toNanos()) {
                    List<Thread> alive = running.stream().map(BlockingCall::thread).filter(Thread::isAlive).toList();
                    throw new AssertionFailedError("After " + now + " of " + 2 * total + " puts and takes, nothing moved for "
                            + STALL.toSeconds() + " s: " + alive.size() + " threads are alive and all of them sleep, so"
                            + " nobody will ever wake them. The classic cause: one condition for both kinds of waiter,"
                            + " and signal(). A put() that signals may wake another producer instead of a consumer; that"
                            + " producer sees the buffer full and waits again, and the wake-up is gone. Give each kind of"
                            + " waiter its own Condition (notFull, notEmpty), or wake them all.\nWhere they are:\n"
                            + ThreadReports.describe(alive));
                }
                BlockingCall.joins(running.getFirst().thread(), Duration.ofMillis(20)); // an observer's polling interval
                running.removeIf(call -> call.isDone() && call.failure() == null);
            }
        } finally {
            for (BlockingCall<Void> call : calls) {
                call.close(); // interrupts the ones still asleep, joins every one, and reports one that will not end
            }
        }
        return taken;
    }

    /** What a producer or consumer threw, as a failure that says what it means. */
    private static AssertionFailedError explain(Throwable thrown) {
        if (thrown instanceof AssertionFailedError assertion) {
            return assertion;
        }
        return new AssertionFailedError("a producer or consumer threw " + thrown + (thrown instanceof java.util.NoSuchElementException
                || thrown instanceof IndexOutOfBoundsException || thrown instanceof NullPointerException ? ": it took from an"
                + " empty buffer (or put into a full one). After a wake-up, check again (while, not if)." : ""), thrown);
    }
}
