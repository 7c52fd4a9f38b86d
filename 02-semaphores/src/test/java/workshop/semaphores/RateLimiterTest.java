package workshop.semaphores;

import static org.assertj.core.api.Assertions.assertThat;
import static workshop.semaphores.support.Refused.assertRefused;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import workshop.semaphores.support.FakeTicker;
import workshop.testkit.Concurrently;
import workshop.testkit.LincheckBudget;
import workshop.testkit.TimeLimit;

/** Exercise 4: README "4. RateLimiter". Time comes from a {@link FakeTicker}: exact counts, no sleeps. */
class RateLimiterTest {

    @Test
    void aFullBucketGrantsTheBurstThenRefuses() {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(10, 5, ticker);
        assertGrants(limiter, 5, "a new limiter with burst 5 (the bucket starts full), the clock standing still");
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.tryAcquire()).withFailMessage("with the burst of 5 used up and no time passed, tryAcquire()"
                    + " number %d returned true: permits must come only from the bucket (does the limiter read the"
                    + " system clock instead of the Ticker?)", 6 + i).isFalse();
        }
    }

    @Test
    void refillIsProportionalToTheTimePassed() {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(10, 5, ticker);       // one permit per 100 ms
        assertGrants(limiter, 5, "a full bucket of 5");
        ticker.advance(Duration.ofMillis(100));
        assertGrants(limiter, 1, "100 ms later, at 10 permits per second");
        ticker.advance(Duration.ofMillis(250));
        assertGrants(limiter, 2, "250 ms later (2.5 permits earned: 2 now, the half kept)");
        ticker.advance(Duration.ofMillis(50));
        assertGrants(limiter, 1, "50 ms later (the kept half plus half a permit)");
        ticker.advance(Duration.ofMillis(99));
        assertGrants(limiter, 0, "99 ms later (0.99 of a permit)");
        ticker.advance(Duration.ofMillis(1));
        assertGrants(limiter, 1, "1 ms after that (exactly 1 permit)");
        ticker.advance(Duration.ofMillis(320));
        assertGrants(limiter, 3, "320 ms later (3.2 permits)");
    }

    @Test
    void fractionsOfAPermitAccumulateInsteadOfBeingRoundedAway() {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(3, 2, ticker);     // a burst of 2: the bucket never caps these fractions
        assertGrants(limiter, 2, "a full bucket of 2");
        int granted = 0;
        for (int step = 0; step < 100; step++) {               // 10 s in steps of 100 ms, 0.3 permits each
            ticker.advance(Duration.ofMillis(100));
            while (limiter.tryAcquire()) {
                granted++;
            }
        }
        ticker.advance(Duration.ofMillis(1));                  // 30.003 permits earned in all: room for rounding errors
        while (limiter.tryAcquire()) {                         // of a floating-point bucket, not for a lost fraction
            granted++;
        }
        assertThat(granted).withFailMessage("at 3 permits per second, asking after every 100 ms for 10 s got %d permits,"
                + " expected 30. Each 100 ms earns 0.3 of a permit: rounded down to 0 and the time marked as used, the"
                + " fraction is lost and the limiter starves its callers. Keep the fraction (count in smaller units, or"
                + " move the reference time only by the time the whole permits cost).", granted).isEqualTo(30);
    }

    @Test
    void aLongIdleTimeRefillsNoMoreThanTheBurst() {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(10, 5, ticker);
        assertGrants(limiter, 5, "a full bucket of 5");
        ticker.advance(Duration.ofHours(1));
        assertGrants(limiter, 5, "an hour of idle time later: the bucket holds at most the burst, however long it"
                + " refills");
        RateLimiter fast = new RateLimiter(1_000_000, 3, ticker);
        assertGrants(fast, 3, "a full bucket of 3 at a million permits per second");
        ticker.advance(Duration.ofDays(400));
        assertGrants(fast, 3, "400 days later at a million per second (elapsed nanos times the rate overflows a long:"
                + " cap the time before multiplying)");
    }

    @Test
    void aTickerGoingBackwardsTakesNothingOutOfTheBucket() {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(10, 5, ticker);
        ticker.moveBack(Duration.ofSeconds(1));
        assertGrants(limiter, 5, "a new, full bucket of 5, after the ticker went back 1 s (a broken clock): a reading"
                + " earlier than the last counts as no time passed. A negative elapsed time times the rate must not be"
                + " added to the bucket: it takes permits out");
        ticker.advance(Duration.ofSeconds(2));
        assertGrants(limiter, 5, "1 s after the reading the bucket was created at (2 s after the backward step): 10"
                + " earned, capped at the burst");
    }

    @Test
    void aTickerGoingBackwardsAndForwardAgainEarnsNoTimeTwice() {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(10, 5, ticker);
        assertGrants(limiter, 5, "a full bucket of 5, the clock standing still");
        ticker.moveBack(Duration.ofSeconds(1));
        assertGrants(limiter, 0, "the empty bucket, after the ticker went back 1 s (a broken clock: no time passed)");
        ticker.advance(Duration.ofSeconds(1));
        assertGrants(limiter, 0, "the ticker back at the reading at which the bucket was emptied (1 s back, then 1 s"
                + " forward): no time passed since then, so nothing was earned, and 5 more permits at the same reading"
                + " would be more than burst + rate * 0 = 5. A backward reading must not become the new reference point"
                + " (keep the latest one), or the time between the two readings is earned twice");
        ticker.advance(Duration.ofMillis(100));
        assertGrants(limiter, 1, "100 ms after that, at 10 permits per second");
    }

    @Test
    void aPermitIsEarnedAtItsLastNanosecondNotBefore() {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(3, 1, ticker);   // a permit costs 333,333,333.33... ns
        assertGrants(limiter, 1, "a full bucket of 1");
        ticker.advanceNanos(333_333_333);
        assertGrants(limiter, 0, "333,333,333 ns later at 3 per second (0.999999999 of a permit earned; a second permit"
                + " now would be more than burst + rate * w = 1.999999999 over this window). Does the check whether the"
                + " elapsed time fills the bucket round the time a full bucket needs down (integer division)? Round it"
                + " up, or compare the units earned with the units missing");
        ticker.advanceNanos(1);
        assertGrants(limiter, 1, "1 ns after that (1.000000002 permits earned, the bucket full again)");
    }

    @Test
    void aBurstTooLargeToCountInBillionthsOfAPermitIsRefused() {
        FakeTicker ticker = new FakeTicker();
        long largest = Long.MAX_VALUE / 1_000_000_000L;
        for (long tooLarge : new long[] {largest + 1, Long.MAX_VALUE}) {
            assertRefused(String.format("new RateLimiter(1, %d, ticker) (a burst above Long.MAX_VALUE / 1_000_000_000 ="
                    + " %d: counted in billionths of a permit, a full bucket overflows a long and starts \"full\" of a"
                    + " negative amount)", tooLarge, largest), IllegalArgumentException.class, "burst",
                    () -> new RateLimiter(1, tooLarge, ticker));
        }
        RateLimiter biggest = new RateLimiter(1, largest, ticker);
        assertThat(biggest.tryAcquire(Integer.MAX_VALUE)).withFailMessage("tryAcquire(Integer.MAX_VALUE) on a new, full"
                + " RateLimiter(1, %d) (the largest burst allowed) returned false", largest).isTrue();
        assertThat(biggest.tryAcquire(Integer.MAX_VALUE)).withFailMessage("a second tryAcquire(Integer.MAX_VALUE) on a new,"
                + " full RateLimiter(1, %d) (the largest burst allowed) returned false", largest).isTrue();
    }

    @Test
    void neverGrantsMoreThanTheRateOverAnyWindowPlusTheBurst() {
        FakeTicker ticker = new FakeTicker();
        long rate = 50;
        long burst = 10;
        RateLimiter limiter = new RateLimiter(rate, burst, ticker);
        Random random = new Random(42);
        List<Long> grants = new ArrayList<>();
        long now = 0;
        for (int step = 0; step < 20_000; step++) {
            long advance = step % 2_000 == 1_999 ? 5_000_000_000L : random.nextInt(30_000_000);
            ticker.advanceNanos(advance);
            now += advance;
            int attempts = random.nextInt(4);
            for (int a = 0; a < attempts; a++) {
                int n = 1 + random.nextInt(3);
                if (n == 1 ? limiter.tryAcquire() : limiter.tryAcquire(n)) {
                    for (int p = 0; p < n; p++) {
                        grants.add(now);
                    }
                }
            }
        }
        for (long window : new long[] {0, 1_000_000, 20_000_000, 100_000_000, 1_000_000_000, 3_000_000_000L}) {
            long allowed = burst + rate * window / 1_000_000_000L;
            int end = 0;
            for (int start = 0; start < grants.size(); start++) {
                while (end < grants.size() && grants.get(end) - grants.get(start) <= window) {
                    end++;
                }
                int inWindow = end - start;
                if (inWindow > allowed) {
                    throw new AssertionError(String.format("%d permits were granted within %d ms (from %.3f s on), but at %d"
                            + " per second with a burst of %d at most %d may be: the bucket held more than the burst, or refilled"
                            + " faster than the rate.", inWindow, window / 1_000_000, grants.get(start) / 1e9, rate, burst,
                            allowed));
                }
            }
        }
        assertThat(grants.size()).withFailMessage("only %d permits were granted in %.0f s of simulated time at 50 per second",
                grants.size(), now / 1e9).isGreaterThan((int) (rate * (now / 1_000_000_000L) / 2));
    }

    @Test
    void tryAcquireOfSeveralPermitsTakesAllOrNothing() {
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(10, 5, ticker);
        assertThat(limiter.tryAcquire(3)).withFailMessage("tryAcquire(3) on a full bucket of 5 returned false").isTrue();
        assertThat(limiter.tryAcquire(3)).withFailMessage("tryAcquire(3) with 2 permits left returned true").isFalse();
        assertThat(limiter.tryAcquire(2)).withFailMessage("after a refused tryAcquire(3), tryAcquire(2) returned false: the"
                + " refused call took permits. tryAcquire(n) takes all n or none.").isTrue();
        assertThat(limiter.tryAcquire()).withFailMessage("tryAcquire() with 0 permits left returned true").isFalse();
        ticker.advance(Duration.ofSeconds(10));
        assertThat(limiter.tryAcquire(6)).withFailMessage("tryAcquire(6) with a burst of 5 returned true: the bucket never"
                + " holds more than the burst").isFalse();
        assertThat(limiter.tryAcquire(5)).withFailMessage("after a refused tryAcquire(6), tryAcquire(5) on a full bucket of 5"
                + " returned false: the refused call took permits").isTrue();
    }

    @Test
    void eightThreadsRacingOnAFrozenClockGetExactlyTheBurst() {
        int burst = 20_000;
        FakeTicker frozen = new FakeTicker();
        RateLimiter limiter = new RateLimiter(1, burst, frozen);
        AtomicLong granted = new AtomicLong();
        Concurrently.threads(8).named("client").repeat(5_000, (t, i) -> {
            int n = t % 2 == 0 ? 1 : 2;
            if (n == 1 ? limiter.tryAcquire() : limiter.tryAcquire(n)) {
                granted.addAndGet(n);
            }
        });
        long total = granted.get();
        if (limiter.tryAcquire()) { // a last single permit a 2-permit request could not take
            total++;
        }
        assertThat(total).withFailMessage("8 threads racing on a clock that stands still were granted %d permits from a bucket"
                + " of %d: %s", total, burst, total > burst
                        ? (total - burst) + " too many. Two threads saw the same permits and both took them: refill, check and"
                                + " take must be one atomic step (a lock, or a compareAndSet loop over the whole state)."
                        : (burst - total) + " permits were lost (an update overwrote another).").isEqualTo(burst);
        assertThat(limiter.tryAcquire()).withFailMessage("after the bucket was emptied, tryAcquire() still returned true").isFalse();
    }

    @Test
    void threadsAskingAtTheSameInstantNeverShareAPermit() {
        // Threads released together round after round call tryAcquire() within nanoseconds of each other: a
        // check-then-take without a lock lets two of them take the same permit.
        int threads = Concurrently.cores();
        int rounds = 1_000;
        int burst = threads * rounds / 2;
        RateLimiter limiter = new RateLimiter(1, burst, new FakeTicker());
        AtomicLong granted = new AtomicLong();
        Concurrently.threads(threads).named("client").inLockstep(rounds, (t, round) -> {
            if (limiter.tryAcquire()) {
                granted.incrementAndGet();
            }
        });
        assertThat(granted.get()).withFailMessage("%d threads asking at the same instants %d times each were granted %d"
                + " permits from a bucket of %d on a clock that stands still: %s", threads, rounds, granted.get(), burst,
                granted.get() > burst ? "two threads saw the same permit and both took it. Refill, check and take must be"
                        + " one atomic step." : "permits were lost").isEqualTo(burst);
    }

    @Test
    @TimeLimit(60)
    void behavesAsIfOneCallRanAtATimeUnderEveryInterleaving() {
        assertThat(new RateLimiter(1, 3, new FakeTicker()).tryAcquire()).withFailMessage("tryAcquire() on a new, full"
                + " RateLimiter(1, 3) returned false: it starts full").isTrue(); // fail fast before the model checker
        LincheckBudget.check(LincheckBudget.modelChecking(), FrozenClockLimiter.class, "Lincheck found an interleaving, printed below step by step, whose results no"
                + " one-call-at-a-time order could give: two threads saw the same permits and both took them, or an"
                + " update overwrote another. Refill, check and take must be one atomic step (a lock, or a"
                + " compareAndSet loop over the whole state).");
    }

    /**
     * Lincheck runs these operations from several threads, switching between them at every shared-memory
     * access, and checks every outcome against some one-at-a-time order. On a frozen clock the limiter is a
     * counter of 3 permits: a race between the check and the take shows up as a permit granted twice.
     */
    public static class FrozenClockLimiter {

        private final RateLimiter limiter = new RateLimiter(1, 3, () -> 42L);

        @Operation
        public boolean tryAcquireOne() {
            return limiter.tryAcquire();
        }

        @Operation
        public boolean tryAcquireTwo() {
            return limiter.tryAcquire(2);
        }
    }

    @Test
    void invalidArgumentsAreRefusedWithAMessageNamingThem() {
        FakeTicker ticker = new FakeTicker();
        for (long bad : new long[] {0, -1}) {
            assertRefused(String.format("new RateLimiter(%d, 5, ticker)", bad), IllegalArgumentException.class, "permitsPerSecond", () -> new RateLimiter(bad, 5, ticker));
            assertRefused(String.format("new RateLimiter(10, %d, ticker)", bad), IllegalArgumentException.class, "burst", () -> new RateLimiter(10, bad, ticker));
        }
        assertRefused("new RateLimiter(10, 5, null)", NullPointerException.class, "ticker", () -> new RateLimiter(10, 5, null));
        RateLimiter limiter = new RateLimiter(10, 5, ticker);
        for (int bad : new int[] {0, -1}) {
            assertRefused(String.format("tryAcquire(%d)", bad), IllegalArgumentException.class, "permits", () -> limiter.tryAcquire(bad));
        }
        assertGrants(limiter, 5, "a full bucket of 5 after refused calls (a refused call must take nothing)");
    }

    /** Calls tryAcquire() until it refuses, and checks that exactly {@code expected} calls succeeded. */
    private static void assertGrants(RateLimiter limiter, int expected, String when) {
        int granted = 0;
        while (granted <= expected + 1_000 && limiter.tryAcquire()) {
            granted++;
        }
        assertThat(granted).withFailMessage("%s: expected exactly %d permits, tryAcquire() granted %d%s", when, expected, granted,
                granted > expected + 1_000 ? " and kept granting" : "").isEqualTo(expected);
    }
}
