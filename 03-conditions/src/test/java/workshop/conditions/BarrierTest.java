package workshop.conditions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import workshop.testkit.BlockingCall;
import workshop.testkit.BusyWait;
import workshop.testkit.Concurrently;
import workshop.testkit.SpuriousWakeups;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;
import workshop.testkit.Timeouts;

/** Exercise 3: README "3. Barrier". */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // simple checks first: the first failure is the one to fix
class BarrierTest {

    private static final Duration LIMIT = TimeFactor.seconds(5);

    @Test
    @Order(1)
    void refusesPartiesBelowOne() {
        for (int parties : new int[] {0, -1}) {
            Throwable thrown = catchThrowable(() -> new Barrier(parties));
            assertThat(thrown).withFailMessage("new Barrier(%d) %s: it must throw IllegalArgumentException with a message"
                    + " naming \"parties\" (a barrier needs at least one party)", parties,
                    thrown == null ? "returned normally" : "threw " + thrown)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parties");
        }
    }

    @Test
    @Order(2)
    void nobodyPassesBeforeAllHaveArrived() {
        Barrier barrier = new Barrier(3);
        AtomicReference<Integer> firstIndex = new AtomicReference<>();
        AtomicReference<Integer> secondIndex = new AtomicReference<>();
        try (BlockingCall<Void> first = BlockingCall.run("first", () -> firstIndex.set(barrier.await()))) {
            first.assertBlocks("the first of 3 parties at the barrier");
            try (BlockingCall<Void> second = BlockingCall.run("second", () -> secondIndex.set(barrier.await()))) {
                second.assertBlocks("the second of 3 parties at the barrier");
                first.assertReaches(Thread.State.WAITING, EventTest.PARKED);
                second.assertReaches(Thread.State.WAITING, EventTest.PARKED);
                BusyWait.assertWaitsWithoutPolling(first.thread());
                assertThat(first.isDone() || second.isDone()).withFailMessage(
                        "a thread passed a barrier for 3 parties when only 2 had arrived").isFalse();
                int lastIndex = BlockingCall.within("last", LIMIT, "the third and last party must pass at once: it opens the"
                        + " barrier.", barrier::await);
                first.assertFinishes("the last party arrived, but the first one was not released: signalAll() when the"
                        + " last one arrives.");
                second.assertFinishes("the last party arrived, but the second one was not released: signalAll(), not"
                        + " signal(), wakes every waiter.");
                assertThat(List.of(firstIndex.get(), secondIndex.get(), lastIndex)).withFailMessage(
                        "arrival indices (first, second, last) were %s; like CyclicBarrier, await() returns parties - 1"
                                + " for the first to arrive and 0 for the last: [2, 1, 0]",
                        List.of(firstIndex.get(), secondIndex.get(), lastIndex)).containsExactly(2, 1, 0);
            }
        }
    }

    @Test
    @Order(3)
    void aBarrierForOnePartyNeverWaits() {
        Barrier barrier = new Barrier(1);
        List<Integer> indices = BlockingCall.within("alone", LIMIT, "a barrier for 1 party must let its only party through at"
                + " once, every time.", () -> List.of(barrier.await(), barrier.await(), barrier.await()));
        assertThat(indices).withFailMessage("a barrier for 1 party returned %s: the only party is the last, index 0",
                indices).containsExactly(0, 0, 0);
    }

    @Test
    @Order(4)
    @TimeLimit(20)
    void isReusableForAThousandGenerationsInLockstep() {
        int parties = 4;
        int generations = 1_000;
        Barrier barrier = new Barrier(parties);
        AtomicIntegerArray arrivals = new AtomicIntegerArray(parties); // awaits each thread has started
        AtomicIntegerArray indicesSeen = new AtomicIntegerArray(generations); // a bit per index, per generation
        AtomicInteger outOfStep = new AtomicInteger();
        AtomicReference<String> firstOutOfStep = new AtomicReference<>();

        Concurrently.threads(parties).named("party").within(Duration.ofSeconds(12)).run(t -> {
            for (int g = 0; g < generations; g++) {
                arrivals.set(t, g + 1);
                int index = barrier.await();
                indicesSeen.accumulateAndGet(g, 1 << Math.min(Math.max(index, 0), 30), (a, b) -> a | b);
                if (index < 0 || index >= parties) {
                    outOfStep.incrementAndGet();
                    firstOutOfStep.compareAndSet(null, "party-" + t + " got arrival index " + index + " in generation " + g);
                }
                for (int other = 0; other < parties; other++) {
                    // Everyone has arrived in generation g, and nobody can be past g + 1 (waiting there for me).
                    int seen = arrivals.get(other);
                    if (seen < g + 1 || seen > g + 2) {
                        outOfStep.incrementAndGet();
                        firstOutOfStep.compareAndSet(null, "party-" + t + " left generation " + g + " while party-"
                                + other + " had arrived " + seen + " times (expected " + (g + 1) + " or " + (g + 2) + ")");
                    }
                }
            }
        });

        assertThat(outOfStep.get()).withFailMessage(
                "%d times a thread got out of step with the others; the first: %s. A thread may leave generation g only"
                        + " when all %d parties have arrived in it. Count the arrivals of the current generation, and let"
                        + " a waiter leave when its generation is over.", outOfStep.get(), firstOutOfStep.get(), parties)
                .isZero();
        int full = (1 << parties) - 1;
        for (int g = 0; g < generations; g++) {
            int seen = indicesSeen.get(g);
            assertThat(seen).withFailMessage(
                    "in generation %d the arrival indices returned were {%s}; each of 0..%d must be returned exactly once"
                            + " per generation", g, Integer.toBinaryString(seen), parties - 1).isEqualTo(full);
        }
    }

    @Test
    @Order(5)
    void aFastThreadComingBackForTheNextGenerationDoesNotStrandTheSlowOne() {
        // Three slow parties wait; the fast one opens the barrier and comes straight back for the next generation.
        // The woken parties take the lock one after another, and the fast one, already running, arrives again
        // before the last of them looks: with a count alone, that one sees a closed barrier, on every run.
        int slowParties = 3;
        Barrier barrier = new Barrier(slowParties + 1);
        for (int round = 0; round < 10; round++) {
            List<BlockingCall<Void>> parties = new ArrayList<>();
            try {
                for (int i = 0; i < slowParties; i++) {
                    BlockingCall<Void> slow = BlockingCall.run("slow-" + round + "-" + i, () -> {
                        barrier.await();
                        barrier.await();
                    });
                    parties.add(slow);
                    slow.assertBlocks("party " + (i + 1) + " of " + (slowParties + 1) + " at the barrier");
                    slow.assertReaches(Thread.State.WAITING, EventTest.PARKED);
                }
                parties.add(BlockingCall.run("fast-" + round, () -> {
                    barrier.await();
                    barrier.await();
                }));
                String hint = "The fast party opened the barrier and at once arrived for the next generation, before"
                        + " every slow party had woken up. When a slow one woke, the count already showed the fast"
                        + " one's new arrival, so it took the barrier for closed and slept on: they all wait forever. A"
                        + " count alone cannot tell generations apart. Give each trip a generation number, and let a"
                        + " waiter leave when the generation it arrived in is over.";
                for (BlockingCall<Void> party : parties) {
                    party.assertFinishes(hint);
                }
            } finally {
                parties.forEach(BlockingCall::close);
            }
        }
    }

    @Test
    @Order(6)
    void aSlowPartyIsReleasedEvenWhenTwoGenerationsOpenBeforeItLooks() {
        // A barrier for 2. The slow party waits in generation 1. The test holds the barrier's lock (as a busy machine
        // keeps the slow one off a core) while F, G and H queue for it, in that order. Let go, F opens generation 1
        // and wakes the slow one, but the lock goes to the threads queued before it: G and H make up generation 2
        // and open it too, all before the slow one looks. A generation that only flips (a boolean) is then back at
        // the value the slow one saw on arrival, and it waits on alone, forever.
        Barrier barrier = new Barrier(2);
        HeldLocks held = HeldLocks.of(barrier);
        try (BlockingCall<Integer> slow = BlockingCall.start("slow", barrier::await)) {
            slow.assertBlocks("the first of 2 parties at the barrier");
            SpuriousWakeups.awaitBackToWaitingOrEnded(barrier, List.of(slow.thread())); // on a condition now
            List<BlockingCall<Integer>> fast = new ArrayList<>();
            try {
                held.whileHeld(() -> {
                    for (String name : List.of("F", "G", "H")) {
                        BlockingCall<Integer> party = BlockingCall.start(name, barrier::await);
                        fast.add(party);
                        held.awaitQueued(party.thread()); // F before G before H in the lock's queue
                    }
                });
                slow.assertFinishes("F arrived and opened the slow party's generation, then G and H arrived and opened"
                        + " the next one, all before the slow party got the lock back to look. It found the generation"
                        + " where it was when it arrived, took its own generation for still open, and waits on with"
                        + " nobody left to come. A generation that flips between two values (a boolean) cannot tell"
                        + " generation 1 from generation 3: count the trips with a number that only goes up, and let a"
                        + " waiter leave when it has moved since it arrived.");
                for (BlockingCall<Integer> party : fast) {
                    party.assertFinishes("four arrivals at a barrier for 2 make two full generations, but \""
                            + party.thread().getName() + "\" was not released.");
                }
            } finally {
                fast.forEach(BlockingCall::close);
            }
        }
    }

    @Test
    @Order(7)
    void aWakeUpBeforeTheLastArrivalLetsNobodyPass() {
        Barrier barrier = new Barrier(3);
        AtomicReference<Integer> firstIndex = new AtomicReference<>();
        AtomicReference<Integer> secondIndex = new AtomicReference<>();
        try (BlockingCall<Void> first = BlockingCall.run("first", () -> firstIndex.set(barrier.await()));
                BlockingCall<Void> second = BlockingCall.run("second", () -> secondIndex.set(barrier.await()))) {
            first.assertBlocks("the first of 3 parties at the barrier");
            second.assertBlocks("the second of 3 parties at the barrier");
            SpuriousWakeups.wakeAll(barrier, List.of(first.thread(), second.thread()));
            assertThat(first.isDone() || second.isDone()).withFailMessage(
                    "The test woke the two waiting parties without a third arrival, as a spurious wake-up does"
                            + " (Condition.await() may return for no reason: its Javadoc says so), and a party passed the"
                            + " barrier with only 2 of 3 arrived. A wake-up is only a hint to look again: wait in a while"
                            + " loop until the generation you arrived in is over.").isFalse();
            int lastIndex = BlockingCall.within("last", LIMIT, "the last party must pass at once.", barrier::await);
            first.assertFinishes("the last party arrived, but a waiter was not released.");
            second.assertFinishes("the last party arrived, but a waiter was not released.");
            List<Integer> indices = java.util.Arrays.asList(firstIndex.get(), secondIndex.get(), lastIndex);
            assertThat(indices.equals(List.of(2, 1, 0)) || indices.equals(List.of(1, 2, 0))).withFailMessage("arrival"
                    + " indices (first, second, last) after the wake-ups were %s: the wake-ups must change nothing, so"
                    + " they are 2 and 1 in either order, then 0 for the last", indices).isTrue();
        }
    }

    @Test
    @Order(8)
    @TimeLimit(30) // a waiter that swallows the interrupt is reported after BlockingCall.PATIENCE; room to spare
    void anInterruptedPartyThrowsAndTheOthersKeepWaiting() {
        Barrier barrier = new Barrier(3);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Integer> secondIndex = new AtomicReference<>();
        try (BlockingCall<Void> first = BlockingCall.run("first", () -> {
            try {
                barrier.await();
            } catch (InterruptedException e) {
                thrown.set(e);
            }
        })) {
            first.assertBlocks("the first of 3 parties at the barrier");
            try (BlockingCall<Void> second = BlockingCall.run("second", () -> secondIndex.set(barrier.await()))) {
                second.assertBlocks("the second of 3 parties at the barrier");
                first.thread().interrupt();
                first.assertFinishes("a party interrupted while it waited at the barrier kept waiting: let"
                        + " InterruptedException propagate.");
                assertThat(thrown.get()).withFailMessage("a party interrupted while waiting at the barrier must throw"
                        + " InterruptedException, not pass as if everyone had arrived").isInstanceOf(InterruptedException.class);
                BusyWait.assertWaitsWithoutPolling(second.thread());
                assertThat(second.isDone()).withFailMessage("when one waiting party was interrupted, another waiting party"
                        + " passed the barrier: an interrupt ends one thread's wait, it does not open the barrier").isFalse();
                // The interrupted party's arrival still counts: the third arrival opens the barrier.
                int lastIndex = BlockingCall.within("last", LIMIT, "the interrupted party's arrival still counts, so the third"
                        + " arrival opens the barrier (see the Barrier Javadoc).", barrier::await);
                second.assertFinishes("the last party arrived, but the waiting one was not released.");
                assertThat(List.of(secondIndex.get(), lastIndex)).withFailMessage("arrival indices (second, third) were"
                        + " %s, expected [1, 0]: the interrupted first party's arrival still counts (index 2)",
                        List.of(secondIndex.get(), lastIndex)).containsExactly(1, 0);
            }
        }
        List<Integer> next = new ArrayList<>();
        BlockingCall.within("next-generation", LIMIT, "after an interrupt, the barrier must work as before.", () -> {
            try (BlockingCall<Void> a = BlockingCall.run("a", barrier::await); BlockingCall<Void> b = BlockingCall.run("b", barrier::await)) {
                a.assertBlocks("the first party of the next generation");
                b.assertBlocks("the second party of the next generation");
                next.add(barrier.await());
                a.assertFinishes("the next generation did not open.");
                b.assertFinishes("the next generation did not open.");
            }
        });
        assertThat(next).withFailMessage("the last party of the generation after the interrupt got index %s, expected"
                + " 0: the barrier must start every generation afresh", next).containsExactly(0);
    }

    @Test
    @Order(9)
    void anInterruptedCallerThrowsAtOnceAndDoesNotArrive() {
        Barrier barrier = new Barrier(2);
        Timeouts.assertInterruptedCallerGetsInterruptedException("await() on a barrier for 2 parties", barrier::await);
        try (BlockingCall<Integer> first = BlockingCall.start("first", barrier::await)) {
            first.assertBlocks("the first of 2 parties at the barrier. A thread that was already interrupted called"
                    + " await() before it and got InterruptedException: that call must not count as an arrival"
                    + " (throw before you count, as lockInterruptibly() does)");
            int lastIndex = BlockingCall.within("last", LIMIT, "the second party must pass at once: it opens the"
                    + " barrier. It waits as if it were the first of a new generation: the interrupted caller's call"
                    + " was counted, and it must not count as an arrival (throw before you count, as"
                    + " lockInterruptibly() does).", barrier::await);
            int firstIndex = first.assertFinishes("the second party arrived, but the first was not released.");
            assertThat(List.of(firstIndex, lastIndex)).withFailMessage("arrival indices (first, last) after an"
                    + " interrupted caller were %s, expected [1, 0]: the interrupted call must not count",
                    List.of(firstIndex, lastIndex)).containsExactly(1, 0);
        }
    }

    /**
     * The locks a barrier may wait with, found as {@link SpuriousWakeups} finds them: its {@link ReentrantLock}
     * fields, its own monitor and its fields of type {@code Object}. The test thread holds them all, so that parties
     * that arrive meanwhile queue for the lock in the order they came.
     */
    private record HeldLocks(List<ReentrantLock> locks, List<Object> monitors) {

        static HeldLocks of(Object target) {
            List<ReentrantLock> locks = new ArrayList<>();
            List<Object> monitors = new ArrayList<>(List.of(target));
            for (Class<?> type = target.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                        continue;
                    }
                    try {
                        field.setAccessible(true);
                        Object value = field.get(target);
                        if (value instanceof ReentrantLock lock) {
                            locks.add(lock);
                        } else if (value != null && value.getClass() == Object.class) {
                            monitors.add(value);
                        }
                    } catch (ReflectiveOperationException | RuntimeException inaccessible) {
                        // a field we cannot read cannot be held either: skip it
                    }
                }
            }
            return new HeldLocks(locks, monitors);
        }

        /** Runs {@code body} holding every lock and monitor; lets them all go afterwards, also when it fails. */
        void whileHeld(Runnable body) {
            holdingMonitors(0, () -> {
                locks.forEach(ReentrantLock::lock);
                try {
                    body.run();
                } finally {
                    locks.forEach(ReentrantLock::unlock);
                }
            });
        }

        private void holdingMonitors(int from, Runnable body) {
            if (from == monitors.size()) {
                body.run();
                return;
            }
            synchronized (monitors.get(from)) {
                holdingMonitors(from + 1, body);
            }
        }

        /**
         * Waits (while holding) until {@code thread} is queued for one of the held locks or blocked on a held monitor.
         * A barrier whose lock the test cannot see never gets there: then it goes on after {@link
         * BlockingCall#BLOCKS_WITHIN}, the order of the parties unknown, and a correct barrier still passes.
         */
        void awaitQueued(Thread thread) {
            long deadline = System.nanoTime() + BlockingCall.BLOCKS_WITHIN.toNanos();
            while (thread.getState() != Thread.State.BLOCKED && locks.stream().noneMatch(l -> l.hasQueuedThread(thread))
                    && thread.getState() != Thread.State.TERMINATED && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(1_000_000); // a polling interval, not synchronization
            }
        }
    }
}
