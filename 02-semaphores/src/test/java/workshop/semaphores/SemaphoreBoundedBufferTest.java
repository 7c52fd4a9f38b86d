package workshop.semaphores;

import static org.assertj.core.api.Assertions.assertThat;
import static workshop.semaphores.support.Refused.assertRefused;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.BlockingCall;
import workshop.testkit.BusyWait;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;
import workshop.testkit.Concurrently;

/** Exercise 3: README "3. SemaphoreBoundedBuffer". */
class SemaphoreBoundedBufferTest {

    private static final Duration QUICKLY = TimeFactor.seconds(3);

    /** Why take() can return null when nobody put one (follows "take() returned null"). */
    private static final String TAKE_RETURNED_NULL = ": an element was read before it was stored, or its slot was reused."
            + " Take a filled slot (acquire its semaphore) before you read, and read the slot and move the take index"
            + " under the mutex.";

    @Test
    void takeReturnsTheElementsInTheOrderTheyWerePut() throws InterruptedException {
        SemaphoreBoundedBuffer<String> buffer = new SemaphoreBoundedBuffer<>(3);
        for (int round = 0; round < 3; round++) { // several rounds, so the ring wraps around
            buffer.put("a" + round);
            buffer.put("b" + round);
            buffer.put("c" + round);
            List<String> taken = List.of(buffer.take(), buffer.take(), buffer.take());
            assertThat(taken).withFailMessage("put a%d, b%d, c%d into a buffer of 3, then took %s: a buffer is FIFO",
                    round, round, round, taken).containsExactly("a" + round, "b" + round, "c" + round);
        }
    }

    @Test
    void putWaitsWhileTheBufferIsFullWithoutUsingTheCpu() throws InterruptedException {
        SemaphoreBoundedBuffer<Integer> buffer = new SemaphoreBoundedBuffer<>(2);
        buffer.put(1);
        buffer.put(2);
        try (BlockingCall<Void> producer = BlockingCall.run("producer", () -> buffer.put(3))) {
            producer.assertBlocks("put() into a full buffer of capacity 2");
            BusyWait.assertWaitsWithoutPolling(producer.thread());
            Integer first = buffer.take();
            assertThat(first).withFailMessage("put 1, 2 into a buffer of 2, then take() returned %s, expected 1: a buffer"
                    + " is FIFO", first).isEqualTo(1);
            producer.assertFinishes("take() freed a slot, but the producer waiting in put() was not let in: does take() give"
                    + " back a free slot (release the producers' semaphore)?");
        }
        List<Integer> rest = List.of(buffer.take(), buffer.take());
        assertThat(rest).withFailMessage("after 1 was taken and the waiting put(3) went in, the buffer gave %s, expected"
                + " [2, 3]: a buffer is FIFO, and the waiting put must add its element once", rest).containsExactly(2, 3);
    }

    @Test
    void takeWaitsWhileTheBufferIsEmptyWithoutUsingTheCpu() {
        SemaphoreBoundedBuffer<String> buffer = new SemaphoreBoundedBuffer<>(2);
        AtomicReference<String> got = new AtomicReference<>();
        try (BlockingCall<Void> consumer = BlockingCall.run("consumer", () -> got.set(buffer.take()))) {
            consumer.assertBlocks("take() from an empty buffer");
            BusyWait.assertWaitsWithoutPolling(consumer.thread());
            BlockingCall.within("producer", QUICKLY, "put() into an empty buffer must not wait", () -> buffer.put("x"));
            consumer.assertFinishes("put() added an element, but the consumer waiting in take() was not woken: does put()"
                    + " release the consumers' semaphore?");
        }
        assertThat(got.get()).withFailMessage("the waiting take() got %s, expected the \"x\" that was put", got.get())
                .isEqualTo("x");
    }

    @Test
    void aProducerWaitingForRoomDoesNotKeepConsumersOut() throws InterruptedException {
        SemaphoreBoundedBuffer<String> buffer = new SemaphoreBoundedBuffer<>(1);
        buffer.put("first");
        try (BlockingCall<Void> producer = BlockingCall.run("producer", () -> buffer.put("second"))) {
            producer.assertBlocks("put() into a full buffer of capacity 1");
            String taken = BlockingCall.within("consumer", QUICKLY, "take() on a full buffer could not get in while a producer"
                    + " waited in put(). The producer holds the mutex while it waits for a free slot, and the consumer"
                    + " needs that mutex to free one: a deadlock. Wait on the semaphore first, then take the mutex.",
                    buffer::take);
            assertThat(taken).withFailMessage("take() from a buffer holding \"first\" returned %s", taken).isEqualTo("first");
            producer.assertFinishes("take() freed the only slot, but the waiting producer was not let in");
        }
        String second = BlockingCall.within("consumer", QUICKLY, "take() with one element in the buffer must not wait",
                buffer::take);
        assertThat(second).withFailMessage("the producer that waited put \"second\", but take() returned %s", second)
                .isEqualTo("second");
    }

    @Test
    void aConsumerWaitingForAnElementDoesNotKeepProducersOut() {
        SemaphoreBoundedBuffer<String> buffer = new SemaphoreBoundedBuffer<>(1);
        AtomicReference<String> got = new AtomicReference<>();
        try (BlockingCall<Void> consumer = BlockingCall.run("consumer", () -> got.set(buffer.take()))) {
            consumer.assertBlocks("take() from an empty buffer");
            BlockingCall.within("producer", QUICKLY, "put() into an empty buffer could not get in while a consumer waited in take()."
                    + " The consumer holds the mutex while it waits for an element, and the producer needs that mutex to"
                    + " add one: a deadlock. Wait on the semaphore first, then take the mutex.", () -> buffer.put("x"));
            consumer.assertFinishes("put() added an element, but the waiting consumer was not woken");
        }
        assertThat(got.get()).withFailMessage("the waiting take() got %s, expected the \"x\" that was put", got.get())
                .isEqualTo("x");
    }

    @Test
    void everyElementIsDeliveredExactlyOnceWithFourProducersAndFourConsumers() {
        int producers = 4;
        int consumers = 4;
        int perProducer = 10_000;
        int total = producers * perProducer;
        SemaphoreBoundedBuffer<Integer> buffer = new SemaphoreBoundedBuffer<>(4);
        AtomicIntegerArray deliveries = new AtomicIntegerArray(total);
        AtomicReference<String> outOfOrder = new AtomicReference<>();
        AtomicInteger nullsTaken = new AtomicInteger();
        try {
            Concurrently.threads(producers + consumers).named("producer-or-consumer").within(Duration.ofSeconds(8)).run(t -> {
                if (t < producers) {
                    for (int i = 0; i < perProducer; i++) {
                        buffer.put(t * perProducer + i);
                    }
                } else {
                    int[] lastSeen = new int[producers];
                    java.util.Arrays.fill(lastSeen, -1);
                    for (int i = 0; i < total / consumers; i++) {
                        Integer element = buffer.take();
                        if (element == null) {
                            nullsTaken.incrementAndGet(); // reported by the test thread, below
                            continue;
                        }
                        deliveries.incrementAndGet(element);
                        int producer = element / perProducer;
                        int sequence = element % perProducer;
                        if (sequence <= lastSeen[producer]) {
                            outOfOrder.compareAndSet(null, "consumer " + (t - producers) + " took element " + sequence
                                    + " of producer " + producer + " after element " + lastSeen[producer]);
                        }
                        lastSeen[producer] = sequence;
                    }
                }
            });
        } catch (AssertionFailedError stuck) {
            throw new AssertionFailedError("4 producers and 4 consumers did not finish " + total + " elements through a"
                    + " buffer of 4. Either an element was lost (a consumer waits for it forever), or a thread holds the"
                    + " mutex while it waits on a semaphore.\n" + stuck.getMessage(), stuck);
        }
        assertThat(nullsTaken.get()).withFailMessage("4 producers put %d numbers (never null) through a buffer of 4, and"
                + " take() returned null %d times" + TAKE_RETURNED_NULL, total, nullsTaken.get()).isZero();
        List<Integer> lost = new ArrayList<>();
        List<Integer> duplicated = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            int n = deliveries.get(i);
            if (n == 0) {
                lost.add(i);
            } else if (n > 1) {
                duplicated.add(i);
            }
        }
        assertThat(lost.size() + duplicated.size()).withFailMessage("of %d elements, %d were never taken (first: %s) and"
                + " %d were taken more than once (first: %s). Two threads updated the array and its indices at the same"
                + " time: the put or take itself must happen under the mutex.", total, lost.size(),
                lost.stream().limit(5).toList(), duplicated.size(), duplicated.stream().limit(5).toList()).isZero();
        assertThat(outOfOrder.get()).withFailMessage("the buffer is not FIFO: %s", outOfOrder.get()).isNull();
    }

    /** Rounds of the same-instant puts; on a busy machine up to ten times as many, until half of them overlapped. */
    private static final int RACE_ROUNDS = 1_000;
    private static final int RACE_MAX_ROUNDS = Concurrently.RACE_EXTENSION * RACE_ROUNDS;
    /** Fewer overlapping rounds of puts than this, and nothing lost: the test says it proved nothing (aborted). */
    private static final int RACE_CONCLUSIVE = 200;

    @Test
    @TimeLimit(2 * Concurrently.RACE_SECONDS + 10) // the puts' race, then as many rounds of takes within the same limit
    void putsAndTakesAtTheSameInstantNeitherLoseNorDuplicateAnElement() {
        // Threads released together round after round hit put() (then take()) within nanoseconds of each other:
        // without the mutex, two of them read the same index and one element overwrites the other. A busy machine
        // often runs the threads one after the other: the put rounds in which they really ran together are
        // counted, and the puts go on until enough did; the takes then run as many rounds.
        int threads = Concurrently.cores();
        SemaphoreBoundedBuffer<Integer> buffer = new SemaphoreBoundedBuffer<>(threads * RACE_MAX_ROUNDS);
        Concurrently.Lockstep puts = Concurrently.threads(threads).named("producer")
                .race(RACE_ROUNDS, (t, round) -> buffer.put(round * threads + t));
        int rounds = puts.rounds();
        int total = threads * rounds;
        java.util.Queue<Object> taken = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Concurrently.threads(threads).named("consumer").within(Duration.ofSeconds(Concurrently.RACE_SECONDS)).inLockstep(rounds, (t, round) -> {
            Integer element = buffer.take();
            taken.add(element == null ? "null" : element);
        });
        int[] deliveries = new int[total];
        List<Object> strange = new ArrayList<>();
        for (Object element : taken) {
            if (element instanceof Integer i && i >= 0 && i < total) {
                deliveries[i]++;
            } else {
                strange.add(element);
            }
        }
        List<Integer> lost = new ArrayList<>();
        List<Integer> duplicated = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            if (deliveries[i] == 0) {
                lost.add(i);
            } else if (deliveries[i] > 1) {
                duplicated.add(i);
            }
        }
        assertThat(lost.size() + duplicated.size() + strange.size()).withFailMessage("%d threads put %d elements at the same"
                + " instants, then took them the same way: %d were lost (first: %s), %d taken twice (first: %s), and take()"
                + " returned %d values nobody put (%s). Two threads used the same array index: the semaphores only count,"
                + " they do not protect the array. Do the put and the take themselves under the mutex.", threads, total,
                lost.size(), lost.stream().limit(5).toList(), duplicated.size(), duplicated.stream().limit(5).toList(),
                strange.size(), strange.stream().limit(3).toList()).isZero();
        puts.abortUnlessOverlapped(RACE_CONCLUSIVE);
    }

    @Test
    void oneProducerAndOneConsumerSeeFifoOrder() {
        int elements = 20_000;
        SemaphoreBoundedBuffer<Integer> buffer = new SemaphoreBoundedBuffer<>(3);
        List<String> problems = Concurrently.threads(2).named("producer-or-consumer").within(Duration.ofSeconds(8)).call(t -> {
            if (t == 0) {
                for (int i = 0; i < elements; i++) {
                    buffer.put(i);
                }
                return null;
            }
            String firstProblem = null;
            for (int i = 0; i < elements; i++) { // take them all, so the producer can finish
                Integer element = buffer.take();
                if (element == null && firstProblem == null) {
                    firstProblem = "take() number " + i + " returned null" + TAKE_RETURNED_NULL;
                } else if (element != null && element != i && firstProblem == null) {
                    firstProblem = "take() number " + i + " returned " + element + ", expected " + i;
                }
            }
            return firstProblem;
        });
        assertThat(problems.get(1)).withFailMessage("one producer put 0, 1, 2, ... through a buffer of 3 and the consumer"
                + " saw them out of order: %s. Put at one end of the ring, take from the other.", problems.get(1)).isNull();
    }

    @Test
    void anInterruptEndsAWaitingPutOrTakeWithInterruptedExceptionAndChangesNothing() throws InterruptedException {
        SemaphoreBoundedBuffer<String> buffer = new SemaphoreBoundedBuffer<>(1);
        assertInterruptible("take() from an empty buffer", buffer::take, () -> buffer.put("unblocks"));
        buffer.put("kept");
        assertInterruptible("put() into a full buffer", () -> buffer.put("never added"), buffer::take);
        assertThat(BlockingCall.within("consumer", QUICKLY, "take() with one element in the buffer must not wait", buffer::take))
                .withFailMessage("after an interrupted put(), the buffer should hold only the element put before")
                .isEqualTo("kept");
        try (BlockingCall<Void> consumer = BlockingCall.run("consumer", buffer::take)) {
            consumer.assertBlocks("take() from a buffer that should be empty again (an interrupted put added nothing)");
        }
    }

    /**
     * Interrupts {@code call} while it waits and expects InterruptedException. If the call ignores the interrupt,
     * {@code unblock} gives it what it waits for, so that the failure is reported at once and no thread stays behind.
     */
    private static void assertInterruptible(String what, BlockingCall.ThrowingRunnable call,
            BlockingCall.ThrowingRunnable unblock) {
        try (BlockingCall<Void> waiter = BlockingCall.run("interrupted", call)) {
            waiter.assertBlocks(what);
            waiter.thread().interrupt();
            try {
                waiter.assertThrows(InterruptedException.class, "An interrupt must end the wait in " + what + " with"
                        + " InterruptedException: let the InterruptedException that acquire() throws out, do not catch it and"
                        + " wait again (and do not use acquireUninterruptibly).");
            } catch (AssertionFailedError ignoredTheInterrupt) {
                try {
                    unblock.run();
                } catch (Exception e) {
                    ignoredTheInterrupt.addSuppressed(e);
                }
                throw ignoredTheInterrupt;
            }
        }
    }

    @Test
    void invalidArgumentsAreRefusedWithAMessageNamingThem() {
        for (int capacity : new int[] {0, -1}) {
            assertRefused(String.format("new SemaphoreBoundedBuffer(%d)", capacity), IllegalArgumentException.class, "capacity", () -> new SemaphoreBoundedBuffer<String>(capacity));
        }
        SemaphoreBoundedBuffer<String> buffer = new SemaphoreBoundedBuffer<>(1);
        assertRefused("put(null) (a null would look like \"nothing there\")", NullPointerException.class, "element", () -> buffer.put(null));
        assertThat(BlockingCall.within("producer", QUICKLY, "put() into an empty buffer of 1 waited: did the refused put(null)"
                + " take the free slot?", () -> {
                    buffer.put("x");
                    return buffer.take();
                })).withFailMessage("put(\"x\") then take() on a buffer of 1 after a refused put(null) did not give \"x\"")
                .isEqualTo("x");
    }
}
