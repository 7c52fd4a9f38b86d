package workshop.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import workshop.testkit.BlockingCall;
import workshop.testkit.BusyWait;
import workshop.testkit.Concurrently;
import workshop.testkit.SpuriousWakeups;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;
import workshop.testkit.Timeouts;

/** Exercise 1: README "1. JoinableQueue". */
class JoinableQueueTest {

    private static final Duration LIMIT = TimeFactor.seconds(5);

    /** A timeout no test waits out: the waits that use it end by a signal or not at all. */
    private static final Duration LONG_TIMEOUT = TimeFactor.seconds(30);
    private static final int ROUNDS = 1_000;

    @Test
    void deliversItemsInTheOrderTheyWerePut() throws InterruptedException {
        JoinableQueue<String> queue = new JoinableQueue<>();
        List<String> put = List.of("a", "b", "c", "d", "e");
        for (String item : put) {
            queue.put(item);
        }
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < put.size(); i++) {
            taken.add(queue.take());
            queue.taskDone();
        }
        assertThat(taken).withFailMessage("put %s, took %s: the queue must hand items out first in, first out", put, taken)
                .isEqualTo(put);
        assertThat(queue.join(Duration.ZERO)).withFailMessage(
                "join(0) returned false although every item put was taken and marked done").isTrue();
    }

    @Test
    void joinReturnsAtOnceWhenNothingWasPut() {
        JoinableQueue<String> queue = new JoinableQueue<>();
        BlockingCall.within("joiner", LIMIT, "join() on a queue that never saw an item must return at once: nothing is unfinished.",
                () -> queue.join());
    }

    @Test
    void joinWaitsUntilEveryItemPutIsDoneNotJustTaken() throws InterruptedException {
        JoinableQueue<String> queue = new JoinableQueue<>();
        queue.put("a");
        queue.put("b");
        AtomicInteger done = new AtomicInteger();
        AtomicInteger doneWhenJoinReturned = new AtomicInteger(-1);
        try (BlockingCall<Void> joiner = BlockingCall.run("joiner", () -> {
            queue.join();
            doneWhenJoinReturned.set(done.get());
        })) {
            joiner.assertBlocks("join() while two items are unfinished");
            BusyWait.assertWaitsWithoutPolling(joiner.thread());

            // Puts, takes and taskDone() calls while the joiner waits: each may wake it, none may release it.
            queue.take();
            done.incrementAndGet();
            queue.taskDone();
            queue.put("c"); // put while someone joins: join waits for this one too
            queue.take();
            done.incrementAndGet();
            queue.taskDone();
            queue.take(); // taken, not done: the queue is empty, but the work is not finished
            assertThat(queue.join(Duration.ofMillis(200))).withFailMessage(
                    "join(200 ms) returned true while item \"c\" was taken but not yet marked done. An empty queue is not"
                            + " finished work: join() must wait until taskDone() was called for every item put.")
                    .isFalse();
            assertThat(joiner.isDone()).withFailMessage(
                    "join() returned while only %d of 3 items were done. It must wait in a loop until the count of"
                            + " unfinished items is zero; a wake-up alone (a signal from put or take) proves nothing.",
                    doneWhenJoinReturned.get()).isFalse();

            done.incrementAndGet();
            queue.taskDone();
            joiner.assertFinishes("The last taskDone() brought the unfinished count to zero but did not wake the joiner:"
                    + " signal the threads waiting in join() when it happens.");
        }
        assertThat(doneWhenJoinReturned.get()).withFailMessage(
                "join() returned when %d of 3 items were done: it must return only when all are", doneWhenJoinReturned.get())
                .isEqualTo(3);
    }

    @Test
    void lastTaskDoneReleasesEveryJoiner() throws InterruptedException {
        JoinableQueue<Integer> queue = new JoinableQueue<>();
        queue.put(1);
        List<BlockingCall<Void>> joiners = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                joiners.add(BlockingCall.run("joiner-" + i, queue::join).assertBlocks("join() while an item is unfinished"));
            }
            queue.take();
            queue.taskDone();
            for (BlockingCall<Void> joiner : joiners) {
                joiner.assertFinishes("Three threads waited in join(); when the work was done, not all of them woke up."
                        + " One signal wakes one waiter: every joiner must be woken (signalAll).");
            }
        } finally {
            joiners.forEach(BlockingCall::close);
        }
    }

    @Test
    void joinWithTimeoutGivesUpAfterAboutTheTimeout() throws InterruptedException {
        JoinableQueue<Integer> queue = new JoinableQueue<>();
        queue.put(1);
        Duration timeout = Duration.ofMillis(150);
        BlockingCall.Timed<Boolean> joined = BlockingCall.timed("joiner", LIMIT,
                "join(150 ms) must give up after about 150 ms while an item is unfinished.", () -> queue.join(timeout));
        assertThat(joined.value()).withFailMessage("join(150 ms) returned true while an item was unfinished").isFalse();
        assertThat(joined.elapsed()).withFailMessage(
                "join(150 ms) gave up after %d ms: it must wait for the whole timeout (awaitNanos returns the time left)",
                joined.elapsed().toMillis()).isGreaterThanOrEqualTo(timeout.minusMillis(10));
    }

    @Test
    void wakeUpsWithoutAChangeReleaseNobody() throws InterruptedException {
        JoinableQueue<String> empty = new JoinableQueue<>();
        JoinableQueue<String> full = new JoinableQueue<>(1);
        full.put("x");
        JoinableQueue<String> unfinished = new JoinableQueue<>();
        unfinished.put("a");
        try (BlockingCall<String> taker = BlockingCall.start("taker", empty::take);
                BlockingCall<Void> putter = BlockingCall.run("putter", () -> full.put("y"));
                BlockingCall<Void> joiner = BlockingCall.run("joiner", unfinished::join);
                BlockingCall<Boolean> timedJoiner = BlockingCall.start("timed-joiner", () -> unfinished.join(LONG_TIMEOUT))) {
            taker.assertBlocks("take() on an empty queue");
            putter.assertBlocks("put() into a full queue of capacity 1");
            joiner.assertBlocks("join() while an item is unfinished");
            timedJoiner.assertBlocks("join(30 s) while an item is unfinished");
            SpuriousWakeups.wakeAll(empty, List.of(taker.thread()));
            SpuriousWakeups.wakeAll(full, List.of(putter.thread()));
            SpuriousWakeups.wakeAll(unfinished, List.of(joiner.thread(), timedJoiner.thread()));
            List<String> released = new ArrayList<>();
            for (BlockingCall<?> call : List.of(taker, putter, joiner, timedJoiner)) {
                if (call.isDone()) {
                    released.add(call.thread().getName() + (call.failure() == null ? " returned" : " threw " + call.failure()));
                }
            }
            assertThat(released).withFailMessage(
                    "The test woke the waiting threads without changing any queue, as a spurious wake-up does"
                            + " (Condition.await() may return for no reason: its Javadoc says so), and these calls"
                            + " ended: %s. Nothing they waited for had happened (the queue was still empty, still full,"
                            + " an item still unfinished). A wake-up is only a hint to look again: wait in a while loop"
                            + " that re-checks the condition, in take(), put(), join() and join(Duration).", released)
                    .isEmpty();

            empty.put("z");
            String took = taker.assertFinishes("put() did not wake the thread waiting in take().");
            assertThat(took).withFailMessage("take() returned %s, not the item put (\"z\")", took).isEqualTo("z");
            full.take();
            putter.assertFinishes("take() made room, but the thread waiting in put() was not woken.");
            unfinished.take();
            unfinished.taskDone();
            joiner.assertFinishes("the last taskDone() did not wake the thread waiting in join().");
            assertThat(timedJoiner.assertFinishes("the last taskDone() did not wake the thread waiting in join(30 s)."))
                    .withFailMessage("join(30 s) returned false although the last item was done before the time ran out")
                    .isTrue();
        }
    }

    @Test
    void joinWithTimeoutCountsItsTimeoutFromTheCallNotFromTheLastWakeUp() throws InterruptedException {
        JoinableQueue<String> queue = new JoinableQueue<>();
        queue.put("a");
        try (BlockingCall<Boolean> joiner = BlockingCall.start("timed-joiner", () -> queue.join(Duration.ofMillis(300)))) {
            joiner.assertBlocks("join(300 ms) while an item is unfinished");
            boolean ended = SpuriousWakeups.keepWakingUntilEnded(queue, joiner.thread(), Duration.ofMillis(100),
                    TimeFactor.seconds(4));
            assertThat(ended).withFailMessage(
                    "join(300 ms) was still waiting after %d s, while the test woke it every 100 ms without finishing"
                            + " the item (as spurious wake-ups would). Each wake-up restarted the 300 ms: keep the time"
                            + " left, `nanos = allDone.awaitNanos(nanos)`, and give up when it reaches zero.",
                    TimeFactor.seconds(4).toSeconds()).isTrue();
            assertThat(joiner.assertFinishes("join(300 ms) did not return."))
                    .withFailMessage("join(300 ms) returned true although the item was never done").isFalse();
        }
    }

    @Test
    void joinWithTimeoutTakesHugeAndNegativeTimeoutsAndAnInterruptedCaller() throws Exception {
        JoinableQueue<String> queue = new JoinableQueue<>();
        assertThat(Timeouts.assertReturnsAtOnce("join(Duration.ofSeconds(Long.MAX_VALUE)) with nothing unfinished",
                () -> queue.join(Timeouts.FOREVER))).withFailMessage(
                "join(Duration.ofSeconds(Long.MAX_VALUE)) on a queue with nothing unfinished returned false: no work"
                        + " is unfinished, so it must return true at once").isTrue();
        queue.put("a");
        assertThat(Timeouts.assertReturnsAtOnce("join(Duration.ofSeconds(Long.MIN_VALUE)) while an item is unfinished",
                () -> queue.join(Timeouts.MOST_NEGATIVE))).withFailMessage(
                "join(Duration.ofSeconds(Long.MIN_VALUE)) returned true while an item was unfinished: a negative"
                        + " timeout does not wait, it reports whether the work is done now (it is not)").isFalse();
        Timeouts.assertInterruptedCallerGetsInterruptedException("join(Duration.ofSeconds(Long.MAX_VALUE))",
                () -> queue.join(Timeouts.FOREVER));
        Timeouts.assertInterruptedCallerGetsInterruptedException("join(Duration.ofSeconds(Long.MIN_VALUE))",
                () -> queue.join(Timeouts.MOST_NEGATIVE));
        try (BlockingCall<Boolean> joiner = Timeouts.assertWaits("joiner", () -> queue.join(Timeouts.FOREVER),
                "join(Duration.ofSeconds(Long.MAX_VALUE)) while an item is unfinished: as long as it takes")) {
            queue.take();
            queue.taskDone();
            assertThat(joiner.assertFinishes("the last taskDone() did not wake the thread in join(Duration.ofSeconds("
                    + "Long.MAX_VALUE)).")).withFailMessage("join(Duration.ofSeconds(Long.MAX_VALUE)) returned false"
                    + " although every item was done: a huge timeout waits as long as it takes").isTrue();
        }
    }

    @Test
    void taskDoneMoreTimesThanItemsTakenThrows() throws InterruptedException {
        JoinableQueue<String> queue = new JoinableQueue<>();
        assertThat(catchThrowable(queue::taskDone)).withFailMessage(
                "taskDone() on a fresh queue must throw IllegalStateException: no item was taken")
                .isInstanceOf(IllegalStateException.class);
        queue.put("a");
        assertThat(catchThrowable(queue::taskDone)).withFailMessage(
                "taskDone() after a put but before any take must throw IllegalStateException: count items taken,"
                        + " not items put").isInstanceOf(IllegalStateException.class);
        queue.take();
        queue.taskDone();
        assertThat(catchThrowable(queue::taskDone)).withFailMessage(
                "a second taskDone() for one taken item must throw IllegalStateException")
                .isInstanceOf(IllegalStateException.class);
        assertThat(queue.join(Duration.ZERO)).withFailMessage(
                "a refused taskDone() changed the count: join(0) no longer sees the work as finished").isTrue();
    }

    @Test
    @TimeLimit(Concurrently.RACE_SECONDS + 10)
    void racingTaskDoneCallsAcceptOnlyAsManyAsItemsTaken() throws InterruptedException {
        // Every round, threads on every core call taskDone() at once on a queue with one taken item:
        // exactly one call may succeed. A busy machine often runs the threads one after the other: the rounds in
        // which they really ran together are counted, and the run goes on (up to ten times as many rounds) until
        // enough did.
        int maxRounds = Concurrently.RACE_EXTENSION * ROUNDS;
        List<JoinableQueue<Integer>> queues = new ArrayList<>(maxRounds);
        for (int r = 0; r < maxRounds; r++) {
            JoinableQueue<Integer> queue = new JoinableQueue<>();
            queue.put(r);
            queue.take();
            queues.add(queue);
        }
        AtomicIntegerArray accepted = new AtomicIntegerArray(maxRounds);

        Concurrently.Lockstep run = Concurrently.threads(Concurrently.cores()).named("finisher").race(ROUNDS, (t, round) -> {
            try {
                queues.get(round).taskDone();
                accepted.incrementAndGet(round);
            } catch (IllegalStateException expected) {
                // the losers of the race: this is what the test wants to see
            }
        });

        int rounds = run.rounds();
        int wrong = 0;
        int first = -1;
        for (int r = 0; r < rounds; r++) {
            if (accepted.get(r) != 1) {
                wrong++;
                first = first < 0 ? r : first;
            }
        }
        int bad = Math.max(first, 0);
        assertThat(wrong).withFailMessage(
                "in %d of %d rounds, racing taskDone() calls for one taken item were accepted %d times (first: round %d)."
                        + " Two threads both saw an item in progress before either counted it done: check-then-act."
                        + " The check and the decrement must happen under one lock.",
                wrong, rounds, accepted.get(bad), first).isZero();
        run.abortUnlessOverlapped(ROUNDS / 5);
    }

    @Test
    void joinIsInterruptible() throws InterruptedException {
        JoinableQueue<String> queue = new JoinableQueue<>();
        queue.put("unfinished");
        try (BlockingCall<Void> joiner = BlockingCall.run("joiner", queue::join)) {
            joiner.assertBlocks("join() while an item is not done");
            joiner.thread().interrupt();
            joiner.assertThrows(InterruptedException.class, "join() was interrupted while it waited for an unfinished"
                    + " item: it must give up and throw InterruptedException (wait with await(), not"
                    + " awaitUninterruptibly(), and let the exception out).");
        }
    }

    @Test
    void takeWaitsForAnItem() throws InterruptedException {
        JoinableQueue<String> queue = new JoinableQueue<>();
        AtomicReference<String> took = new AtomicReference<>();
        try (BlockingCall<Void> consumer = BlockingCall.run("consumer", () -> took.set(queue.take()))) {
            consumer.assertBlocks("take() on an empty queue");
            BusyWait.assertWaitsWithoutPolling(consumer.thread());
            queue.put("x");
            consumer.assertFinishes("put() added an item but the thread waiting in take() was not woken: signal it.");
        }
        assertThat(took.get()).withFailMessage("take() returned %s, not the item put (\"x\")", took.get()).isEqualTo("x");
    }

    @Test
    void boundedQueueMakesProducersWaitUntilThereIsRoom() throws InterruptedException {
        JoinableQueue<Integer> queue = new JoinableQueue<>(2);
        queue.put(1);
        queue.put(2);
        AtomicBoolean thirdPut = new AtomicBoolean();
        try (BlockingCall<Void> producer = BlockingCall.run("producer", () -> {
            queue.put(3);
            thirdPut.set(true);
        })) {
            producer.assertBlocks("put() into a full queue of capacity 2");
            BusyWait.assertWaitsWithoutSpinning(producer.thread());
            assertThat(thirdPut.get()).withFailMessage(
                    "put() into a full queue of capacity 2 returned: it must wait until a take() makes room").isFalse();
            int first = queue.take();
            assertThat(first).withFailMessage("take() returned %d, but 1 was put first: the queue must be first in,"
                    + " first out", first).isEqualTo(1);
            producer.assertFinishes("take() made room in the full queue, but the producer waiting in put() was not woken.");
        }
        assertThat(List.of(queue.take(), queue.take())).withFailMessage("items must come out in the order they went in")
                .containsExactly(2, 3);
    }

    @Test
    void unboundedQueueNeverMakesProducersWait() {
        JoinableQueue<Integer> queue = new JoinableQueue<>();
        BlockingCall.within("producer", LIMIT, "put() on a queue made with no capacity must never wait.", () -> {
            for (int i = 0; i < 10_000; i++) {
                queue.put(i);
            }
        });
    }

    @Test
    void manyProducersAndConsumersDeliverEveryItemOnceAndJoinSeesTheirWorkDone() {
        int producers = 4;
        int consumers = 4;
        int perProducer = 5_000;
        int total = producers * perProducer;
        JoinableQueue<Integer> queue = new JoinableQueue<>(8);
        AtomicIntegerArray taken = new AtomicIntegerArray(total);
        AtomicIntegerArray done = new AtomicIntegerArray(total);
        AtomicInteger joinedEarly = new AtomicInteger();
        AtomicInteger firstNotDone = new AtomicInteger(-1);

        Concurrently.threads(producers + consumers).named("producer-or-consumer").run(t -> {
            if (t < producers) {
                for (int i = 0; i < perProducer; i++) {
                    queue.put(t * perProducer + i);
                }
                queue.join(); // every item this producer put must be done when this returns
                for (int i = 0; i < perProducer; i++) {
                    if (done.get(t * perProducer + i) == 0) {
                        joinedEarly.incrementAndGet();
                        firstNotDone.compareAndSet(-1, t * perProducer + i);
                    }
                }
            } else {
                for (int i = 0; i < total / consumers; i++) {
                    int item = queue.take();
                    taken.incrementAndGet(item);
                    done.set(item, 1);
                    queue.taskDone();
                }
            }
        });

        int lost = 0;
        int duplicated = 0;
        for (int i = 0; i < total; i++) {
            lost += taken.get(i) == 0 ? 1 : 0;
            duplicated += taken.get(i) > 1 ? 1 : 0;
        }
        assertThat(lost + duplicated).withFailMessage(
                "of %d items put by %d producers, %d were never taken and %d were taken more than once:"
                        + " put and take must update the queue under one lock", total, producers, lost, duplicated).isZero();
        assertThat(joinedEarly.get()).withFailMessage(
                "join() returned in a producer while %d of the items it had put were not done yet (first: item %d)."
                        + " Keep one count of unfinished items (put adds one, taskDone removes one) under the lock,"
                        + " and let join wait in a loop until it is zero.", joinedEarly.get(), firstNotDone.get()).isZero();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new JoinableQueue<String>(0)).as(
                "new JoinableQueue<>(0) must throw IllegalArgumentException: a queue needs room for at least one item")
                .isInstanceOf(IllegalArgumentException.class);
        JoinableQueue<String> queue = new JoinableQueue<>(1);
        assertThatThrownBy(() -> queue.put(null)).as(
                "put(null) must throw NullPointerException (Objects.requireNonNull): null items are refused")
                .isInstanceOf(NullPointerException.class);
    }
}
