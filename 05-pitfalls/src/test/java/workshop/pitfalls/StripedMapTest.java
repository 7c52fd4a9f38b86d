package workshop.pitfalls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.pitfalls.support.Worker;
import workshop.testkit.Concurrently;

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
                counts.merge("word" + w, 1, Integer::sum);
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
        try (Worker<Integer> slow = Worker.start("slow-merge", () -> map.merge(0, 1, (a, b) -> {
            insideMerge.countDown(); // the merge now holds key 0's stripe ...
            awaitQuietly(release); // ... until the test lets it go
            return a + b;
        }))) {
            try {
                if (!slow.awaitLatchOrEnd(insideMerge, Duration.ofSeconds(5))) {
                    throw new AssertionFailedError("merge(0, 1, f) on a key that has a value did not call f within 5 s"
                            + (slow.failure() != null ? ": it threw " + slow.failure() : ""));
                }
                try (Worker<Integer> other = Worker.start("other-stripe", () -> {
                    map.put(1, 10);
                    return map.get(1);
                })) {
                    boolean finished = other.endsWithin(Duration.ofSeconds(2));
                    release.countDown();
                    if (!finished) {
                        throw new AssertionFailedError("put(1, ..) and get(1) waited while a merge of key 0 was in"
                                + " progress, although keys 0 and 1 are in different stripes: one lock guards the whole"
                                + " map. Give every stripe a lock of its own and lock only the key's stripe.");
                    }
                    assertThat(other.result("")).isEqualTo(10);
                }
            } finally {
                release.countDown();
            }
            assertThat(slow.result("the merge should end once released")).isEqualTo(2);
        }
        assertThat(map.get(0)).isEqualTo(2);
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
        assertThat(map.get("a")).isNull();
        assertThat(map.size()).isZero();
        assertThat(map.put("a", 1)).as("put of a new key returns null").isNull();
        assertThat(map.put("a", 2)).as("put returns the previous value").isEqualTo(1);
        assertThat(map.get("a")).isEqualTo(2);
        assertThat(map.merge("b", 5, Integer::sum)).as("merge of a new key stores the value").isEqualTo(5);
        assertThat(map.merge("b", 5, Integer::sum)).as("merge of a present key applies the function").isEqualTo(10);
        assertThat(map.size()).isEqualTo(2);
        assertThat(map.merge("b", 0, (x, y) -> null)).as("merge to null removes the key").isNull();
        assertThat(map.get("b")).isNull();
        assertThat(map.size()).isEqualTo(1);
        for (int i = 0; i < 100; i++) {
            map.put("k" + i, i);
        }
        assertThat(map.size()).isEqualTo(101);
        assertThat(map.get("k42")).isEqualTo(42);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new StripedMap<String, Integer>(0)).as("zero stripes").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StripedMap<String, Integer>(-1)).as("negative stripes").isInstanceOf(IllegalArgumentException.class);
        StripedMap<String, Integer> map = new StripedMap<>(4);
        assertThatThrownBy(() -> map.put(null, 1)).as("null key").isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> map.put("a", null)).as("null value").isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> map.get(null)).as("null key").isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> map.merge(null, 1, Integer::sum)).as("null key").isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> map.merge("a", null, Integer::sum)).as("null value").isInstanceOf(NullPointerException.class);
    }
}
