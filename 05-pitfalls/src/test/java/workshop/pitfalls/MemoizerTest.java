package workshop.pitfalls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.BlockingCall;
import workshop.testkit.Concurrently;
import workshop.testkit.TimeFactor;

/** Exercise 4: README "4. Memoizer". */
public class MemoizerTest {

    private static final int ASKERS = 16;

    @Test
    void sixteenThreadsAskingForOneKeyAtOnceComputeItOnce() {
        // The computation does not return until every other asker is inside get(): either computing too
        // (check-then-act let it through) or waiting for the one computation. So the race is certain.
        AtomicInteger invocations = new AtomicInteger();
        Set<Thread> askers = ConcurrentHashMap.newKeySet();
        Set<Thread> computing = ConcurrentHashMap.newKeySet();
        Memoizer<String, Integer> memoizer = new Memoizer<>(key -> {
            invocations.incrementAndGet();
            computing.add(Thread.currentThread());
            eventually(() -> askers.size() == ASKERS
                    && askers.stream().allMatch(t -> computing.contains(t) || isWaiting(t)), BlockingCall.PATIENCE);
            return key.length();
        });

        List<Integer> results = Concurrently.threads(ASKERS).named("asker").call(t -> {
            askers.add(Thread.currentThread());
            return memoizer.get("answer");
        });

        assertThat(invocations.get()).withFailMessage(
                "%d threads asked for the same key at once and the function ran %d times, expected once. Each thread"
                        + " looked the key up, found it missing and computed it: check-then-act. The lookup and the"
                        + " claim \"I compute this key\" must be one atomic step, and the other threads must wait for"
                        + " that one result (README 4: a map of futures).", ASKERS, invocations.get())
                .isEqualTo(1);
        assertThat(results).withFailMessage("every asker should get the computed value 6, they got %s", results)
                .containsOnly(6);
    }

    /**
     * Polls {@code condition} every millisecond until it holds or {@code limit} has passed; returns whether it
     * held. Runs inside the function under test, so it never throws.
     */
    private static boolean eventually(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(1_000_000); // a polling interval, not synchronization
        }
        return true;
    }

    private static boolean isWaiting(Thread thread) {
        return switch (thread.getState()) {
            case WAITING, TIMED_WAITING, BLOCKED -> true;
            default -> false;
        };
    }

    @Test
    void differentKeysAreComputedInParallel() throws Exception {
        assertComputedInParallel("slow", "other", "");
    }

    @Test
    void differentKeysWithTheSameHashCodeAreComputedInParallel() throws Exception {
        assertThat("Aa".hashCode()).as("test setup: \"Aa\" and \"BB\" have the same hashCode()")
                .isEqualTo("BB".hashCode());
        assertComputedInParallel("Aa", "BB", " \"Aa\" and \"BB\" have the same hashCode(), so a hash map keeps them in"
                + " the same part (bin) of its table: ConcurrentHashMap.computeIfAbsent runs the function while it"
                + " locks that bin, so the computation of one blocks every key of its bin. Claim the key with"
                + " putIfAbsent, then run the function outside the map.");
    }

    /**
     * The computation of {@code slowKey} waits until the computation of {@code otherKey} has started. That can only
     * happen if get(otherKey) does not wait for get(slowKey) to finish.
     */
    private static void assertComputedInParallel(String slowKey, String otherKey, String hint) throws Exception {
        Duration patience = TimeFactor.seconds(2);
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch otherStarted = new CountDownLatch(1);
        Memoizer<String, String> memoizer = new Memoizer<>(key -> {
            if (key.equals(slowKey)) {
                slowStarted.countDown();
                return awaitQuietly(otherStarted, patience) ? "slow" : "slow, alone";
            }
            otherStarted.countDown();
            return key;
        });

        String slowResult;
        try (BlockingCall<String> slow = BlockingCall.start("asks-for-" + slowKey, () -> memoizer.get(slowKey))) {
            if (!opensOrEnds(slowStarted, slow, BlockingCall.PATIENCE)) {
                throw new AssertionFailedError("get(\"" + slowKey + "\") did not start computing within "
                        + BlockingCall.PATIENCE.toMillis() + " ms"
                        + (slow.failure() != null ? ": it threw " + slow.failure() : "")
                        + ". get() of a key not yet computed must run the function.");
            }
            try (BlockingCall<String> other = BlockingCall.start("asks-for-" + otherKey, () -> memoizer.get(otherKey))) {
                // The computation of "slow" gives up on "other" after `patience` at the latest: wait longer than that,
                // so that a lock around every computation is reported as such (below), not as a hang.
                Duration slowEnds = patience.plus(BlockingCall.PATIENCE);
                slowResult = slow.assertFinishesWithin(slowEnds, "get(\"" + slowKey + "\") should end once its"
                        + " computation returns.");
                other.assertFinishesWithin(slowEnds, "get(\"" + otherKey + "\") should end once its computation returns.");
            }
        }
        assertThat(slowResult).withFailMessage(
                "while \"%s\" was being computed, the computation of \"%s\" did not start within %d ms: get(\"%s\")"
                        + " waited for an unrelated key. Do not hold a lock while the function runs; only claiming a"
                        + " key needs to be atomic (README 4).%s", slowKey, otherKey, patience.toMillis(), otherKey, hint)
                .isEqualTo("slow");
    }

    /** Waits at most {@code limit} until {@code latch} opens or {@code call} ends; returns whether the latch opened. */
    private static boolean opensOrEnds(CountDownLatch latch, BlockingCall<?> call, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!latch.await(10, TimeUnit.MILLISECONDS)) {
            if (call.isDone() || System.nanoTime() - deadline > 0) {
                return latch.getCount() == 0;
            }
        }
        return true;
    }

    private static boolean awaitQuietly(CountDownLatch latch, Duration limit) {
        try {
            return latch.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void aWaiterThatIsInterruptedDoesNotMakeTheNextCallerComputeAgain() throws Exception {
        AtomicInteger invocations = new AtomicInteger();
        CountDownLatch computing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Memoizer<String, String> memoizer = new Memoizer<>(key -> {
            int n = invocations.incrementAndGet();
            computing.countDown();
            awaitQuietly(release, BlockingCall.PATIENCE.multipliedBy(3)); // bounded: a lost release cannot hang
            return key + " #" + n;
        });

        String first;
        String third;
        try (BlockingCall<String> a = BlockingCall.start("computes", () -> memoizer.get("quote"))) {
            try {
                if (!opensOrEnds(computing, a, BlockingCall.PATIENCE)) {
                    throw new AssertionFailedError("get(\"quote\") did not start computing within "
                            + BlockingCall.PATIENCE.toMillis() + " ms" + (a.failure() != null ? ": it threw "
                            + a.failure() : "") + ". get() of a key not yet computed must run the function.");
                }
                try (BlockingCall<String> b = BlockingCall.start("waits-then-is-interrupted",
                        () -> memoizer.get("quote"))) {
                    b.assertBlocks("get(\"quote\") while another thread computes \"quote\": wait for that result");
                    b.thread().interrupt();
                    b.assertThrows(InterruptedException.class, "a thread interrupted while it waits for another"
                            + " thread's computation gets InterruptedException");
                }
                try (BlockingCall<String> c = BlockingCall.start("asks-after-the-interrupt",
                        () -> memoizer.get("quote"))) {
                    c.assertBlocks("get(\"quote\") while the first computation of \"quote\" still runs: wait for it");
                    release.countDown();
                    first = a.assertFinishes("get(\"quote\") should end once its computation returns");
                    third = c.assertFinishes("get(\"quote\") should end once the computation it waits for returns");
                }
            } finally {
                release.countDown();
            }
        }
        assertThat(invocations.get()).withFailMessage(
                "one thread computed \"quote\", a second one waited for it and was interrupted, then a third asked for"
                        + " \"quote\" while the first computation still ran: the function ran %d times, expected once."
                        + " The interrupted waiter took the key's future out of the cache, so the third thread started"
                        + " a computation of its own. Only the thread that computes may remove the future, and only"
                        + " when the computation failed; a waiter that gives up just leaves (README 4).",
                invocations.get())
                .isEqualTo(1);
        assertThat(third).withFailMessage("the third get(\"quote\") returned %s, expected the first computation's %s",
                third, first).isEqualTo(first);
    }

    @Test
    void aFailedComputationIsNotCachedAndItsExceptionReachesTheCaller() throws Exception {
        AtomicInteger invocations = new AtomicInteger();
        IllegalStateException failure = new IllegalStateException("the service is down");
        Memoizer<String, String> memoizer = new Memoizer<>(key -> {
            if (invocations.incrementAndGet() == 1) {
                throw failure;
            }
            return key.toUpperCase();
        });

        Throwable thrown = null;
        try {
            memoizer.get("quote");
        } catch (Throwable t) {
            thrown = t;
        }
        assertThat(thrown).withFailMessage(
                "the function threw %s; get() should throw that very exception (not wrapped), but %s", failure,
                thrown == null ? "it returned normally" : "it threw " + thrown)
                .isSameAs(failure);

        String retried;
        try {
            retried = memoizer.get("quote");
        } catch (RuntimeException e) {
            throw new AssertionFailedError("the first computation of \"quote\" failed with " + e + "; the next get()"
                    + " must compute again, but it threw again after " + invocations.get() + " computation(s): the"
                    + " failure stayed in the cache. Remove a failed computation from the cache (README 4).", e);
        }
        assertThat(retried).withFailMessage(
                "the first computation of \"quote\" failed, so the next get() must compute again; it returned %s after %d"
                        + " computation(s). A failure must not stay in the cache (remove it when the computation throws).",
                retried, invocations.get())
                .isEqualTo("QUOTE");
        String again = memoizer.get("quote");
        assertThat(again).withFailMessage("a third get(\"quote\") returned %s, expected the cached QUOTE", again)
                .isEqualTo("QUOTE");
        assertThat(invocations.get()).withFailMessage(
                "after one failure and one success the function should have run twice, it ran %d times: the success"
                        + " should be cached", invocations.get())
                .isEqualTo(2);
    }

    @Test
    void computesEachKeyOnceAndRemembersIt() throws Exception {
        AtomicInteger invocations = new AtomicInteger();
        Memoizer<Integer, Integer> squares = new Memoizer<>(n -> {
            invocations.incrementAndGet();
            return n * n;
        });
        for (int round = 0; round < 3; round++) {
            for (int n = 0; n < 10; n++) {
                Integer square = squares.get(n);
                assertThat(square).withFailMessage("get(%d) of a memoized n -> n * n returned %s in round %d", n, square,
                        round + 1).isEqualTo(n * n);
            }
        }
        assertThat(invocations.get()).withFailMessage("10 keys asked for 3 times each: expected 10 computations, saw %d",
                invocations.get()).isEqualTo(10);
    }
}
