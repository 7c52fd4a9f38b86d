package workshop.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import workshop.testkit.BlockingCall;
import workshop.testkit.BusyWait;
import workshop.testkit.SpuriousWakeups;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;
import workshop.testkit.Timeouts;

/** Exercise 1: README "1. Event". */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // simple checks first: the first failure is the one to fix
class EventTest {

    private static final Duration LIMIT = TimeFactor.seconds(5);
    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(30);

    @Test
    @Order(1)
    void setAndClearRaiseAndLowerTheFlag() {
        Event event = new Event();
        assertThat(event.isSet()).withFailMessage("a new Event must not be set").isFalse();
        event.set();
        assertThat(event.isSet()).withFailMessage("isSet() must be true after set()").isTrue();
        event.set();
        assertThat(event.isSet()).withFailMessage("a second set() must leave the flag up").isTrue();
        event.clear();
        assertThat(event.isSet()).withFailMessage("isSet() must be false after clear()").isFalse();
        event.clear();
        assertThat(event.isSet()).withFailMessage("a second clear() must leave the flag down").isFalse();
    }

    @Test
    @Order(2)
    void awaitReturnsAtOnceWhenTheEventIsAlreadySet() {
        Event event = new Event();
        event.set();
        BlockingCall.within("waiter", BlockingCall.PATIENCE, "await() on an event that is already set must return at once: the set() came"
                + " before the wait, and a waiter that only waits for a signal misses it (a lost wake-up). Check the"
                + " flag first, and wait only while it is down.", () -> event.await());
        boolean released = BlockingCall.within("timed-waiter", BlockingCall.PATIENCE, "await(30 s) on a set event must return at once.",
                () -> event.await(LONG_TIMEOUT));
        assertThat(released).withFailMessage("await(30 s) on a set event returned false: it must return true").isTrue();
        boolean zero = BlockingCall.within("zero-waiter", BlockingCall.PATIENCE, "await(0) must never wait.", () -> event.await(Duration.ZERO));
        assertThat(zero).withFailMessage("await(0) on a set event returned false: the flag is up, so it must return true")
                .isTrue();
    }

    @Test
    @Order(3)
    void awaitSleepsUntilSetWithoutSpinningOrPolling() {
        Event event = new Event();
        try (BlockingCall<Void> waiter = BlockingCall.run("waiter", event::await)) {
            waiter.assertBlocks("await() on an event that is not set");
            BusyWait.assertWaitsWithoutPolling(waiter.thread());
            assertThat(waiter.isDone()).withFailMessage("await() on an event that is not set returned while nobody"
                    + " called set(): wait in a while loop until the flag is up").isFalse();
            event.set();
            waiter.assertFinishes("set() did not release the thread waiting in await(): signal the waiters when the flag"
                    + " goes up.");
        }
    }

    @Test
    @Order(4)
    void oneSetReleasesEveryWaiter() {
        Event event = new Event();
        List<BlockingCall<Void>> waiters = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                BlockingCall<Void> waiter = BlockingCall.run("waiter-" + i, event::await);
                waiters.add(waiter);
                waiter.assertBlocks("await() on an event that is not set");
            }
            for (BlockingCall<Void> waiter : waiters) {
                waiter.assertReaches(Thread.State.WAITING, PARKED);
            }
            event.set();
            for (BlockingCall<Void> waiter : waiters) {
                waiter.assertFinishes("Five threads waited for the event; one set() released only some of them. signal()"
                        + " wakes one waiter, but an event releases everyone: signalAll().");
            }
        } finally {
            waiters.forEach(BlockingCall::close);
        }
    }

    @Test
    @Order(5)
    void setFollowedAtOnceByClearStillReleasesEveryThreadThatWasWaiting() {
        // The bug shows only when clear() runs before a woken waiter looks at the flag again. A lone waiter almost
        // never beats the test thread to the lock between set() and clear(); behind another waiter it may (it then
        // takes the lock before clear() does). So most rounds have one waiter, alternately plain and timed, and
        // the last has three.
        Event event = new Event();
        int rounds = 13;
        for (int round = 0; round < rounds; round++) {
            boolean lastRound = round == rounds - 1;
            int plainWaiters = lastRound ? 2 : round % 2 == 0 ? 1 : 0;
            boolean withTimedWaiter = lastRound || round % 2 == 1;
            List<BlockingCall<Void>> waiters = new ArrayList<>();
            List<Thread.State> parkedAs = new ArrayList<>();
            AtomicReference<Boolean> timedResult = new AtomicReference<>();
            try {
                for (int i = 0; i < plainWaiters; i++) {
                    waiters.add(BlockingCall.run("waiter-" + round + "-" + i, event::await));
                    parkedAs.add(Thread.State.WAITING);
                }
                if (withTimedWaiter) {
                    waiters.add(BlockingCall.run("timed-waiter-" + round, () -> timedResult.set(event.await(LONG_TIMEOUT))));
                    parkedAs.add(Thread.State.TIMED_WAITING);
                }
                for (int i = 0; i < waiters.size(); i++) {
                    waiters.get(i).assertBlocks("await() on an event that is not set");
                    waiters.get(i).assertReaches(parkedAs.get(i), parkedAs.get(i) == Thread.State.WAITING ? PARKED
                            : "parked until signalled or until its 30 s timeout");
                }
                // Both in a row: the woken waiters run again only after clear() has lowered the flag.
                event.set();
                event.clear();
                for (BlockingCall<Void> waiter : waiters) {
                    waiter.assertFinishes("set() then clear() at once: the threads that were waiting at the set() must all"
                            + " be released, but this one went back to sleep. By the time a woken thread runs again,"
                            + " clear() may have lowered the flag, so `while (!flag)` sends it back to wait. Remember"
                            + " which set() a waiter waits for: count the set() calls (a generation) and leave the loop"
                            + " when the count has moved.");
                }
            } finally {
                waiters.forEach(BlockingCall::close);
            }
            if (withTimedWaiter) {
                assertThat(timedResult.get()).withFailMessage(
                        "await(30 s) was waiting when set() came, and returned %s: it was released by the set(), so it"
                                + " must return true even though clear() lowered the flag before it looked again",
                        timedResult.get()).isTrue();
            }
        }
        assertThat(event.isSet()).withFailMessage("after set() and clear(), isSet() must be false").isFalse();
    }

    @Test
    @Order(6)
    void awaitAfterClearWaitsForTheNextSet() {
        Event event = new Event();
        event.set();
        event.clear();
        try (BlockingCall<Void> waiter = BlockingCall.run("waiter", event::await)) {
            waiter.assertBlocks("await() after set() and clear(): the flag is down, so it must wait for the next set()");
            event.set();
            waiter.assertFinishes("the next set() did not release the thread waiting in await().");
        }
    }

    @Test
    @Order(7)
    void timedAwaitGivesUpAfterAboutTheTimeout() {
        Event event = new Event();
        Duration timeout = Duration.ofMillis(200);
        BlockingCall.Timed<Boolean> waited = BlockingCall.timed("timed-waiter", LIMIT,
                "await(200 ms) on an event nobody sets must give up after about 200 ms.", () -> event.await(timeout));
        assertThat(waited.value()).withFailMessage("await(200 ms) returned true although nobody called set(). true means"
                + " \"released by a set()\", and a wait that ends proves nothing: it may have timed out or woken for no"
                + " reason. Wait in a while loop that re-checks the flag (and the generation) after every wake-up, and"
                + " return false when the time left reaches zero.").isFalse();
        assertThat(waited.elapsed()).withFailMessage(
                "await(200 ms) gave up after %d ms: it must wait for the whole timeout (awaitNanos returns the time"
                        + " left; wait again with that)", waited.elapsed().toMillis())
                .isGreaterThanOrEqualTo(timeout.minusMillis(10));
        boolean zero = BlockingCall.within("zero-waiter", LIMIT, "await(0) must never wait.", () -> event.await(Duration.ZERO));
        assertThat(zero).withFailMessage("await(0) on an event that is not set returned true").isFalse();
    }

    @Test
    @Order(8)
    void timedAwaitCountsItsTimeoutFromTheCallNotFromTheLastWakeUp() {
        Event event = new Event();
        AtomicReference<Boolean> released = new AtomicReference<>();
        try (BlockingCall<Void> waiter = BlockingCall.run("timed-waiter", () -> released.set(event.await(Duration.ofMillis(300))))) {
            waiter.assertBlocks("await(300 ms) on an event that is not set");
            boolean ended = SpuriousWakeups.keepWakingUntilEnded(event, waiter.thread(), Duration.ofMillis(100),
                    Duration.ofSeconds(4));
            assertThat(ended).withFailMessage(
                    "await(300 ms) was still waiting after 4 s, while the test woke it every 100 ms without set() (as"
                            + " spurious wake-ups would). Each wake-up restarted the 300 ms: keep the time left,"
                            + " `nanos = condition.awaitNanos(nanos)`, and give up when it reaches zero.").isTrue();
        }
        assertThat(released.get()).withFailMessage("await(300 ms) returned %s although nobody called set(): the test"
                + " only woke it, as a spurious wake-up does. Wait in a while loop that re-checks the flag (and the"
                + " generation) after every wake-up, and return false when the time left reaches zero.",
                released.get()).isFalse();
    }

    @Test
    @Order(9)
    void timedAwaitReturnsTrueWhenSetInTimeAndSleepsMeanwhile() {
        Event event = new Event();
        AtomicReference<Boolean> released = new AtomicReference<>();
        try (BlockingCall<Void> waiter = BlockingCall.run("timed-waiter", () -> released.set(event.await(LONG_TIMEOUT)))) {
            waiter.assertBlocks("await(30 s) on an event that is not set");
            BusyWait.assertWaitsWithoutSpinning(waiter.thread());
            event.set();
            waiter.assertFinishes("set() did not release the thread waiting in await(30 s) at once: signal the waiters"
                    + " when the flag goes up.");
        }
        assertThat(released.get()).withFailMessage("await(30 s) returned %s after set(): it must return true",
                released.get()).isTrue();
    }

    @Test
    @Order(10)
    @TimeLimit(30) // a waiter that swallows the interrupt is reported after BlockingCall.PATIENCE; room to spare
    void anInterruptedWaiterThrowsInterruptedException() {
        Event event = new Event();
        for (boolean timed : new boolean[] {false, true}) {
            String call = timed ? "await(30 s)" : "await()";
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            try (BlockingCall<Void> waiter = BlockingCall.run("waiter", () -> {
                try {
                    if (timed) {
                        event.await(LONG_TIMEOUT);
                    } else {
                        event.await();
                    }
                } catch (InterruptedException e) {
                    thrown.set(e);
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                }
            })) {
                waiter.assertBlocks(call + " on an event that is not set");
                waiter.thread().interrupt();
                waiter.assertFinishes("a thread waiting in " + call + " was interrupted but kept waiting. Do not catch"
                        + " InterruptedException to wait again: let it propagate (the method declares it).");
            }
            assertThat(thrown.get()).withFailMessage(
                    "a thread interrupted while waiting in %s returned normally instead of throwing"
                            + " InterruptedException: the caller must learn that the wait was cut short, not take it"
                            + " for a set()", call).isInstanceOf(InterruptedException.class);
            assertThat(stillInterrupted.get()).withFailMessage(
                    "%s threw InterruptedException but left the interrupt status set. The convention: a method that"
                            + " throws InterruptedException clears the status (the exception carries the news).", call)
                    .isFalse();
        }
        assertThat(event.isSet()).withFailMessage("an interrupt must not change the flag").isFalse();
    }

    @Test
    @Order(11)
    void aThreadAlreadyInterruptedThrowsInsteadOfWaiting() {
        Event event = new Event();
        Throwable thrown = BlockingCall.within("interrupted-waiter", LIMIT, "await() by an interrupted thread must throw"
                + " InterruptedException at once, not wait.", () -> {
                    Thread.currentThread().interrupt();
                    try {
                        event.await();
                        return null;
                    } catch (InterruptedException e) {
                        return e;
                    }
                });
        assertThat(thrown).withFailMessage("await() by a thread whose interrupt status was set returned normally:"
                + " it must throw InterruptedException (lockInterruptibly() and Condition.await() do that for you)")
                .isInstanceOf(InterruptedException.class);
    }

    @Test
    @Order(12)
    void aWakeUpWithoutSetReleasesNobody() {
        Event event = new Event();
        AtomicReference<Boolean> timedResult = new AtomicReference<>();
        try (BlockingCall<Void> waiter = BlockingCall.run("waiter", event::await);
                BlockingCall<Void> timedWaiter = BlockingCall.run("timed-waiter", () -> timedResult.set(event.await(LONG_TIMEOUT)))) {
            waiter.assertBlocks("await() on an event that is not set");
            timedWaiter.assertBlocks("await(30 s) on an event that is not set");
            SpuriousWakeups.wakeAll(event, List.of(waiter.thread(), timedWaiter.thread()));
            assertThat(waiter.isDone() || timedWaiter.isDone()).withFailMessage(
                    "The test woke the waiting threads without set(), as a spurious wake-up does (Condition.await()"
                            + " may return for no reason: its Javadoc says so), and %s returned. A wake-up is only a"
                            + " hint to look again: wait in a while loop that re-checks the flag (and the generation).",
                    waiter.isDone() ? "await()" : "await(30 s) (returning " + timedResult.get() + ")").isFalse();
            event.set();
            waiter.assertFinishes("set() did not release the waiter.");
            timedWaiter.assertFinishes("set() did not release the timed waiter.");
        }
        assertThat(timedResult.get()).withFailMessage("await(30 s) returned %s after set(): it must return true",
                timedResult.get()).isTrue();
    }

    @Test
    @Order(13)
    void aWakeUpAfterClearWithoutSetReleasesNobody() {
        // clear() on an event that is not set changes nothing a waiter waits for: no set() has happened, so the
        // generation they started waiting in is not over, and a wake-up after it must send them back to wait.
        Event event = new Event();
        AtomicReference<Boolean> timedResult = new AtomicReference<>();
        try (BlockingCall<Void> waiter = BlockingCall.run("waiter", event::await);
                BlockingCall<Void> timedWaiter = BlockingCall.run("timed-waiter", () -> timedResult.set(event.await(LONG_TIMEOUT)))) {
            waiter.assertBlocks("await() on an event that is not set");
            timedWaiter.assertBlocks("await(30 s) on an event that is not set");
            SpuriousWakeups.awaitBackToWaitingOrEnded(event, List.of(waiter.thread(), timedWaiter.thread())); // both wait on the condition now
            event.clear();
            SpuriousWakeups.wakeAll(event, List.of(waiter.thread(), timedWaiter.thread()));
            assertThat(waiter.isDone() || timedWaiter.isDone()).withFailMessage(
                    "The test called clear() on an event that was not set, then woke the waiting threads without set(), as"
                            + " a spurious wake-up does, and %s returned. No set() happened while they waited, so their"
                            + " wait is not over: only set() ends a generation. Count the set() calls, and leave"
                            + " clear() to lowering the flag.",
                    waiter.isDone() ? "await()" : "await(30 s) (returning " + timedResult.get() + ")").isFalse();
            event.set();
            waiter.assertFinishes("set() after clear() did not release the waiter.");
            timedWaiter.assertFinishes("set() after clear() did not release the timed waiter.");
        }
        assertThat(timedResult.get()).withFailMessage("await(30 s) returned %s after set(): it must return true",
                timedResult.get()).isTrue();
    }

    @Test
    @Order(14)
    void timedAwaitAcceptsAnyDurationAsTheJdkDoes() throws Exception {
        Event event = new Event();
        boolean negative = Timeouts.assertReturnsAtOnce("await(" + FOREVER_TEXT.replace("MAX", "MIN") + ") on an event"
                + " that is not set", () -> event.await(Timeouts.MOST_NEGATIVE));
        assertThat(negative).withFailMessage("await(%s) on an event that is not set returned true: a timeout of zero or"
                + " less means \"do not wait\", so it reports the flag, which is down", FOREVER_TEXT.replace("MAX", "MIN"))
                .isFalse();
        try (BlockingCall<Boolean> waiter = Timeouts.assertWaits("forever-waiter", () -> event.await(Timeouts.FOREVER),
                "await(" + FOREVER_TEXT + ") on an event that is not set: as long as it takes")) {
            event.set();
            assertThat(waiter.assertFinishes("set() did not release the thread waiting in await(" + FOREVER_TEXT + ")."))
                    .withFailMessage("await(%s) returned false after set(): it must return true", FOREVER_TEXT).isTrue();
        }
        for (Duration timeout : new Duration[] {Timeouts.FOREVER, Timeouts.MOST_NEGATIVE}) {
            String call = "await(" + (timeout == Timeouts.FOREVER ? FOREVER_TEXT : FOREVER_TEXT.replace("MAX", "MIN"))
                    + ") on a set event";
            boolean released = Timeouts.assertReturnsAtOnce(call, () -> event.await(timeout));
            assertThat(released).withFailMessage("%s returned false: the flag is up, so it must return true", call).isTrue();
        }
    }

    @Test
    @Order(15)
    void anInterruptedCallerGetsInterruptedExceptionWhateverTheTimeout() {
        Event event = new Event();
        Timeouts.assertInterruptedCallerGetsInterruptedException("await() on an event that is not set", () -> {
            event.await();
            return null;
        });
        Timeouts.assertInterruptedCallerGetsInterruptedException("await(" + FOREVER_TEXT + ") on an event that is not"
                + " set", () -> event.await(Timeouts.FOREVER));
        Timeouts.assertInterruptedCallerGetsInterruptedException("await(1 s) on an event that is not set",
                () -> event.await(Duration.ofSeconds(1)));
        assertThat(event.isSet()).withFailMessage("interrupted callers changed the flag: isSet() is true").isFalse();
    }

    private static final String FOREVER_TEXT = "Duration.ofSeconds(Long.MAX_VALUE)";

    /** What a thread in an untimed wait should be doing: for {@link BlockingCall#assertReaches} with WAITING. */
    static final String PARKED = "parked until signalled, with no timeout. A thread that keeps running spins; one that is"
            + " TIMED_WAITING again and again sleeps or waits with a timeout in a loop (it polls). Wait on a Condition"
            + " until another thread signals it";
}
