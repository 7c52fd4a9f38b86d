package workshop.pitfalls;

import static org.assertj.core.api.Assertions.assertThat;
import static workshop.pitfalls.support.Refused.assertRefused;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.BlockingCall;
import workshop.testkit.Concurrently;
import workshop.testkit.TimeFactor;

/** Exercise 5: README "5. StripedMap". */
public class StripedMapTest {

    /** How long each counting thread keeps going at least. */
    private static final Duration KEEP_GOING = Duration.ofMillis(500);

    @Test
    void countsEveryWordExactlyUnderConcurrentMerges() {
        int threads = 8;
        int words = 64; // 4 per stripe: threads collide on stripes and on keys
        StripedMap<String, Integer> counts = new StripedMap<>(16);

        // Every thread counts words round-robin, starting at a different word, for a minimum time (so that
        // the threads really overlap on a busy machine), and remembers how often it counted each.
        List<int[]> counted = Concurrently.threads(threads).named("counter").call(t -> {
            int[] mine = new int[words];
            long end = System.nanoTime() + KEEP_GOING.toNanos();
            for (int i = 0; i < 20_000 || System.nanoTime() - end < 0; i++) {
                int w = (i + t * 7) % words;
                try {
                    counts.merge("word" + w, 1, Integer::sum);
                } catch (java.util.ConcurrentModificationException e) {
                    throw new AssertionError("merge(\"word" + w + "\") threw ConcurrentModificationException: two"
                            + " threads changed one stripe's HashMap at the same time, so its updates were lost or its"
                            + " structure broken. Take the stripe's lock around every access to its map.", e);
                }
                mine[w]++;
            }
            return mine;
        });

        List<String> wrong = new ArrayList<>();
        long lost = 0;
        for (int w = 0; w < words; w++) {
            int expected = 0;
            for (int[] mine : counted) {
                expected += mine[w];
            }
            Integer seen = counts.get("word" + w);
            if (seen == null || seen != expected) {
                wrong.add("word" + w + ": " + seen + " instead of " + expected);
                lost += expected - (seen == null ? 0 : seen);
            }
        }
        assertThat(wrong).withFailMessage(
                "%d of %d words have a wrong count (for example %s); %d updates were lost. merge() is a"
                        + " read-modify-write: it must run under the lock of the key's stripe.",
                wrong.size(), words, wrong.subList(0, Math.min(3, wrong.size())), lost)
                .isEmpty();
        assertThat(counts.size()).withFailMessage("%d distinct words were counted, but size() says %d", words, counts.size())
                .isEqualTo(words);
    }

    @Test
    void anOperationBlockedOnOneStripeDoesNotBlockAnotherStripe() throws Exception {
        // Integer keys 0 and 1 are in different stripes of 16 (stripe = floorMod(hashCode, stripes)).
        StripedMap<Integer, Integer> map = new StripedMap<>(16);
        map.put(0, 1);
        CountDownLatch insideMerge = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (BlockingCall<Integer> slow = BlockingCall.start("slow-merge", () -> map.merge(0, 1, (a, b) -> {
            insideMerge.countDown(); // the merge now holds key 0's stripe ...
            awaitQuietly(release); // ... until the test lets it go
            return a + b;
        }))) {
            try {
                if (!opensOrEnds(insideMerge, slow, BlockingCall.PATIENCE)) {
                    throw new AssertionFailedError("merge(0, 1, f) on a key that has a value did not call f within "
                            + BlockingCall.PATIENCE.toMillis() + " ms" + (slow.failure() != null ? ": it threw "
                            + slow.failure() : "") + ". merge() must call the remapping function when the key has a value.");
                }
                try (BlockingCall<Integer> other = BlockingCall.start("other-stripe", () -> {
                    map.put(1, 10);
                    return map.get(1);
                })) {
                    boolean finished = BlockingCall.joins(other.thread(), TimeFactor.seconds(2));
                    release.countDown();
                    if (!finished) {
                        throw new AssertionFailedError("put(1, ..) and get(1) waited while a merge of key 0 was in"
                                + " progress, although keys 0 and 1 are in different stripes: one lock guards the whole"
                                + " map. Give every stripe a lock of its own and lock only the key's stripe.");
                    }
                    Integer got = other.assertFinishes("put(1, 10) and get(1) should not wait");
                    assertThat(got).withFailMessage("put(1, 10) then get(1) returned %s, expected 10", got).isEqualTo(10);
                }
            } finally {
                release.countDown();
            }
            Integer merged = slow.assertFinishes("the merge should end once the remapping function returns");
            assertThat(merged).withFailMessage("merge(0, 1, Integer::sum) on a value of 1 returned %s, expected 2", merged)
                    .isEqualTo(2);
        }
        assertThat(map.get(0)).withFailMessage("after merge(0, 1, Integer::sum) on a value of 1, get(0) is %s, expected 2",
                map.get(0)).isEqualTo(2);
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void behavesLikeAMap() {
        StripedMap<String, Integer> map = new StripedMap<>(4);
        assertThat(map.get("a")).as("get of a key never put into a new map").isNull();
        assertThat(map.size()).as("size() of a new map").isZero();
        assertThat(map.put("a", 1)).as("put of a new key returns null").isNull();
        assertThat(map.put("a", 2)).as("put returns the previous value").isEqualTo(1);
        assertThat(map.get("a")).as("get after put(\"a\", 2)").isEqualTo(2);
        assertThat(map.merge("b", 5, Integer::sum)).as("merge of a new key stores the value").isEqualTo(5);
        assertThat(map.merge("b", 5, Integer::sum)).as("merge of a present key applies the function").isEqualTo(10);
        assertThat(map.size()).as("size() with keys a and b").isEqualTo(2);
        assertThat(map.merge("b", 0, (x, y) -> null)).as("merge to null removes the key").isNull();
        assertThat(map.get("b")).as("get of a key that merge removed").isNull();
        assertThat(map.size()).as("size() after merge removed b").isEqualTo(1);
        for (int i = 0; i < 100; i++) {
            map.put("k" + i, i);
        }
        assertThat(map.size()).as("size() after 100 more keys (spread over every stripe)").isEqualTo(101);
        assertThat(map.get("k42")).as("get(\"k42\") after put(\"k42\", 42)").isEqualTo(42);
    }

    @Test
    void aKeyWhoseHashCodeIsIntegerMinValueWorksLikeAnyOther() {
        // 3 stripes: Integer.MIN_VALUE % 3 is -2, not 0 (with a power of two it would be 0, and the mistake hidden).
        StripedMap<Object, Integer> map = new StripedMap<>(3);
        Object key = new Object() {
            @Override
            public int hashCode() {
                return Integer.MIN_VALUE;
            }

            @Override
            public String toString() {
                return "key";
            }
        };
        assertThat(withMinValueKey("put(key, 1)", () -> map.put(key, 1))).as("put of a new key returns null").isNull();
        assertThat(withMinValueKey("get(key)", () -> map.get(key))).as("get(key) after put(key, 1)").isEqualTo(1);
        assertThat(withMinValueKey("merge(key, 2, Integer::sum)", () -> map.merge(key, 2, Integer::sum)))
                .as("merge(key, 2, Integer::sum) on a value of 1").isEqualTo(3);
        assertThat(withMinValueKey("get(key)", () -> map.get(key))).as("get(key) after the merge").isEqualTo(3);
    }

    /** Runs {@code call} on a key whose hashCode() is Integer.MIN_VALUE; a negative stripe index fails with the cause. */
    private static <T> T withMinValueKey(String call, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (IndexOutOfBoundsException e) {
            throw new AssertionFailedError(call + " with a key whose hashCode() is Integer.MIN_VALUE, in a map of 3"
                    + " stripes, threw " + e + ": the stripe index was negative. Math.abs(Integer.MIN_VALUE) is"
                    + " Integer.MIN_VALUE itself (its positive counterpart does not fit in an int), and a negative"
                    + " number % stripes is negative. The key's stripe is Math.floorMod(key.hashCode(), stripes),"
                    + " which is never negative (README 5).", e);
        }
    }

    @Test
    void rejectsBadArguments() {
        assertRefused("new StripedMap(0)", IllegalArgumentException.class, null, () -> new StripedMap<String, Integer>(0));
        assertRefused("new StripedMap(-1)", IllegalArgumentException.class, null, () -> new StripedMap<String, Integer>(-1));
        StripedMap<String, Integer> map = new StripedMap<>(4);
        assertRefused("put(null, 1)", NullPointerException.class, null, () -> map.put(null, 1));
        assertRefused("put(\"a\", null)", NullPointerException.class, null, () -> map.put("a", null));
        assertRefused("get(null)", NullPointerException.class, null, () -> map.get(null));
        assertRefused("merge(null, 1, f)", NullPointerException.class, null, () -> map.merge(null, 1, Integer::sum));
        assertRefused("merge(\"a\", null, f)", NullPointerException.class, null, () -> map.merge("a", null, Integer::sum));
    }
}
