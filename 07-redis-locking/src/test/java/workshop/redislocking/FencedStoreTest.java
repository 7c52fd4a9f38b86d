package workshop.redislocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import workshop.testkit.Concurrently;
import workshop.testkit.TimeLimit;

/** Exercise 4: README "4. FencedLock, FencedStore" (the store; FencedLockTest tests the lock). */
class FencedStoreTest {

    private static final int ROUNDS = 5_000;
    /** On a busy machine the race goes on, up to ten times as many rounds, until half of ROUNDS really overlapped. */
    private static final int MAX_ROUNDS = Concurrently.RACE_EXTENSION * ROUNDS;
    /** Fewer overlapping rounds than this, and no stale write seen: the test says it proved nothing (aborted). */
    private static final int CONCLUSIVE = 500;

    @Test
    void refusesWritesWithATokenLowerThanTheHighestSeen() {
        FencedStore store = new FencedStore();
        assertThat(store.highestTokenSeen()).isZero();
        assertThat(store.read("file")).isEmpty();

        assertThat(store.write(33, "file", "v33")).isTrue();
        assertThat(store.write(34, "file", "v34")).isTrue();
        assertThat(store.write(34, "file", "v34 again")).withFailMessage("the holder of token 34 could not write twice:"
                + " a token equal to the highest seen belongs to the current holder and must be accepted").isTrue();
        assertThat(store.write(33, "file", "stale")).withFailMessage("a write with token 33 was accepted after one with"
                + " token 34: a lower token comes from a holder whose lock expired; refuse it").isFalse();
        assertThat(store.write(33, "other-file", "stale")).withFailMessage("token 33 could still write to another key"
                + " after token 34 was seen: the highest token counts for every key of the store").isFalse();

        assertThat(store.read("file")).isEqualTo(Optional.of("v34 again"));
        assertThat(store.read("other-file")).isEmpty();
        assertThat(store.highestTokenSeen()).isEqualTo(34);
    }

    @Test
    @TimeLimit(Concurrently.RACE_SECONDS + 10)
    void aStaleWriterNeverLandsAfterANewerOneUnderContention() {
        // Every round, threads on every core write at once with tokens 1..n: the write with the highest
        // token is always accepted, and nothing with a lower token may land after it. A busy machine often runs the
        // threads one after the other: the rounds in which they really ran together are counted, and the run goes on
        // (up to ten times as many rounds) until enough did.
        assertThat(new FencedStore().write(1, "file", "token 1")).isTrue(); // an unfinished store fails here, fast
        int threads = Concurrently.cores();
        FencedStore[] stores = new FencedStore[MAX_ROUNDS];
        for (int r = 0; r < MAX_ROUNDS; r++) {
            stores[r] = new FencedStore();
        }

        Concurrently.Lockstep run = Concurrently.threads(threads).named("writer").race(ROUNDS, (t, round) ->
                stores[round].write(t + 1, "file", "token " + (t + 1)));

        int rounds = run.rounds();
        int wrong = 0;
        int firstWrong = -1;
        for (int r = 0; r < rounds; r++) {
            if (!stores[r].read("file").equals(Optional.of("token " + threads))) {
                wrong++;
                firstWrong = firstWrong < 0 ? r : firstWrong;
            }
        }
        int bad = firstWrong;
        assertThat(wrong).withFailMessage("in %d of %d rounds the store ended with a value written with a lower"
                + " token than the highest (first: round %d, value \"%s\"). A writer checked its token against the"
                + " highest seen, then a newer writer wrote, then the stale one wrote too: check-then-act. The check"
                + " and the write must be one atomic step (one lock around both).",
                wrong, rounds, bad, bad < 0 ? "" : stores[Math.max(0, bad)].read("file").orElse(null)).isZero();
        run.abortUnlessOverlapped(CONCLUSIVE);
    }

    @Test
    void rejectsBadArgumentsClearly() {
        FencedStore fencedStore = new FencedStore();
        assertThatExceptionOfType(NullPointerException.class)
                .as("fencedStore.write(1, null, \"v\") must throw NullPointerException (Objects.requireNonNull)")
                .isThrownBy(() -> fencedStore.write(1, null, "v"));
        assertThatExceptionOfType(NullPointerException.class)
                .as("fencedStore.write(1, \"k\", null) must throw NullPointerException (Objects.requireNonNull)")
                .isThrownBy(() -> fencedStore.write(1, "k", null));
        assertThatExceptionOfType(NullPointerException.class)
                .as("fencedStore.read(null) must throw NullPointerException (Objects.requireNonNull)")
                .isThrownBy(() -> fencedStore.read(null));
        assertThat(fencedStore.highestTokenSeen()).isZero();
    }
}
