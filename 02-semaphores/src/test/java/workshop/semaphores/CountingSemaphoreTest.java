package workshop.semaphores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static workshop.semaphores.support.Refused.assertRefused;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.BlockingCall;
import workshop.testkit.BusyWait;
import workshop.testkit.Concurrently;
import workshop.testkit.SpuriousWakeups;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;
import workshop.testkit.Timeouts;

/** Exercise 1: README "1. CountingSemaphore". */
class CountingSemaphoreTest {

    /** How long a thread that must keep waiting is watched, to see that it does not return. */
    static final Duration STAYS_WAITING = Duration.ofMillis(300);

    @Test
    void acquireTakesPermitsAndReleaseGivesThemBack() throws InterruptedException {
        CountingSemaphore semaphore = new CountingSemaphore(3);
        assertThat(semaphore.availablePermits()).withFailMessage("a new CountingSemaphore(3) has %d permits, expected 3",
                semaphore.availablePermits()).isEqualTo(3);
        semaphore.acquire();
        assertPermits(semaphore, 2, "after acquire() on 3 permits");
        semaphore.acquire(2);
        assertPermits(semaphore, 0, "after acquire(2) on 2 permits");
        semaphore.release(2);
        assertPermits(semaphore, 2, "after release(2) on 0 permits");
        assertThat(semaphore.tryAcquire(Duration.ZERO)).withFailMessage("tryAcquire(0) with 2 permits available returned false").isTrue();
        assertPermits(semaphore, 1, "after tryAcquire(0) on 2 permits");
        semaphore.release();
        assertPermits(semaphore, 2, "after release() on 1 permit");
        assertThat(new CountingSemaphore(0).availablePermits()).withFailMessage("a new CountingSemaphore(0) must have 0 permits").isZero();
        for (java.lang.reflect.Field field : CountingSemaphore.class.getDeclaredFields()) {
            assertThat(field.getType()).withFailMessage("CountingSemaphore has a field \"%s\" of type %s: build the semaphore"
                    + " yourself from a lock and a condition (or synchronized, wait and notifyAll), do not wrap the JDK's",
                    field.getName(), field.getType().getName()).isNotEqualTo(java.util.concurrent.Semaphore.class);
        }
    }

    @Test
    void acquireWaitsWhileNoPermitIsLeftAndCostsNoCpuWhileWaiting() throws InterruptedException {
        CountingSemaphore semaphore = new CountingSemaphore(0);
        try (BlockingCall<Void> waiter = BlockingCall.run("acquirer", semaphore::acquire)) {
            waiter.assertBlocks("acquire() on a semaphore with 0 permits");
            BusyWait.assertWaitsWithoutPolling(waiter.thread());
            semaphore.release();
            waiter.assertFinishes("release() gave a permit, but the thread waiting in acquire() was not woken: does release()"
                    + " signal (signalAll/notifyAll) the condition the waiters wait on?");
        }
        assertPermits(semaphore, 0, "after a waiting acquire() took the one released permit");
    }

    @Test
    void releaseByAThreadThatNeverAcquiredWakesAWaiterBecausePermitsHaveNoOwner() throws Exception {
        CountingSemaphore semaphore = new CountingSemaphore(1);
        BlockingCall.within("owner", BlockingCall.PATIENCE, "acquire() with a free permit should not wait", (BlockingCall.ThrowingRunnable) semaphore::acquire);
        try (BlockingCall<Void> waiter = BlockingCall.run("waiter", semaphore::acquire)) {
            waiter.assertBlocks("acquire() while another thread holds the only permit");
            Throwable thrown = BlockingCall.within("releaser", BlockingCall.PATIENCE, "release() should never wait", () -> {
                try {
                    semaphore.release();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            if (thrown != null) {
                throw new AssertionFailedError("release() by a thread that never acquired threw " + thrown + ". A semaphore"
                        + " is not a mutex: permits have no owner, and any thread may release one (a producer signals a"
                        + " consumer this way). Do not check who releases.", thrown);
            }
            waiter.assertFinishes("a permit released by a third thread did not wake the thread waiting in acquire()");
        }
        assertPermits(semaphore, 0, "after the waiter took the permit a third thread released");
    }

    @Test
    void acquireOfSeveralPermitsTakesAllAtOnceOrWaitsHoldingNone() throws Exception {
        CountingSemaphore semaphore = new CountingSemaphore(1);
        try (BlockingCall<Void> waiter = BlockingCall.run("wants-2", () -> semaphore.acquire(2))) {
            waiter.assertBlocks("acquire(2) on a semaphore with 1 permit");
            int whileWaiting = semaphore.availablePermits();
            if (whileWaiting != 1) {
                throw new AssertionFailedError("a thread waiting in acquire(2) on a semaphore with 1 permit left "
                        + whileWaiting + " permits available, expected 1: it took part of what it asked for and holds it while"
                        + " it waits. Two threads that each hold part of what they need wait for each other forever."
                        + " acquire(n) must wait until n permits are there and then take all n in one step.");
            }
            boolean otherGotIt = BlockingCall.within("wants-1", BlockingCall.PATIENCE, "tryAcquire(0) must never wait", () -> {
                boolean took = semaphore.tryAcquire(Duration.ZERO);
                if (took) {
                    semaphore.release();
                }
                return took;
            });
            assertThat(otherGotIt).withFailMessage("while a thread waited in acquire(2), another thread's tryAcquire(0) could"
                    + " not take the 1 available permit: the waiter holds it. acquire(n) must hold nothing while it waits.")
                    .isTrue();
            semaphore.release();
            waiter.assertFinishes("with 2 permits available, the thread waiting in acquire(2) was not let through");
        }
        assertPermits(semaphore, 0, "after acquire(2) took both permits");
    }

    @Test
    void twoThreadsThatEachNeedTwoOfThreePermitsNeverDeadlock() throws InterruptedException {
        // 3 permits, 1 of them in use elsewhere (this thread holds it), and two threads that each need 2, asking at
        // the same instant round after round. If acquire(2) takes one permit and then waits for the second, each can
        // take one: 0 left, and each waits forever for a permit that only the other could release.
        int rounds = 1_000;
        CountingSemaphore semaphore = new CountingSemaphore(3);
        semaphore.acquire();
        AtomicInteger held = new AtomicInteger();
        AtomicInteger mostHeld = new AtomicInteger();
        try {
            Concurrently.threads(2).named("needs-2").within(Duration.ofSeconds(6)).inLockstep(rounds, (t, i) -> {
                semaphore.acquire(2);
                mostHeld.accumulateAndGet(held.addAndGet(2), Math::max);
                held.addAndGet(-2);
                semaphore.release(2);
            });
        } catch (AssertionFailedError stuck) {
            if (semaphore.availablePermits() >= 2) {
                throw new AssertionFailedError("Two threads that each need 2 permits did not finish " + rounds + " rounds"
                        + " in time, but 2 permits are free now: nobody holds part of them, so this is no deadlock. The"
                        + " threads were slow, or a wake-up was missed (does release(n) signal every waiter?). "
                        + TimeFactor.hint() + "\n" + stuck.getMessage(), stuck);
            }
            throw new AssertionFailedError("Two threads that each need 2 permits, with 2 of 3 free, got stuck ("
                    + semaphore.availablePermits() + " permits available). If acquire(2) takes one permit and then waits for"
                    + " the second, each thread can hold one and wait for the other's forever. Take all n permits in one"
                    + " step, or none.\n" + stuck.getMessage(), stuck);
        }
        assertThat(mostHeld.get()).withFailMessage("%d permits were held at once by two threads with 2 free permits:"
                + " acquire(2) let a thread through without 2 permits being there", mostHeld.get()).isLessThanOrEqualTo(2);
        semaphore.release();
        assertPermits(semaphore, 3, "after every thread released what it acquired");
    }

    @Test
    void permitsAreNeitherLostNorCreatedUnderContention() {
        int permits = 5;
        CountingSemaphore semaphore = new CountingSemaphore(permits);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicLong timedOut = new AtomicLong();
        Concurrently.threads(8).named("user").within(Duration.ofSeconds(6)).repeat(5_000, (t, i) -> {
            int n = 1 + (t + i) % 3;
            if (i % 4 == 0) {
                if (!semaphore.tryAcquire(Duration.ofMillis(1))) {
                    timedOut.incrementAndGet();
                    return;
                }
                n = 1;
            } else {
                semaphore.acquire(n);
            }
            mostHeld.accumulateAndGet(held.addAndGet(n), Math::max);
            held.addAndGet(-n);
            if (n == 1) {
                semaphore.release();
            } else {
                semaphore.release(n);
            }
        });
        assertThat(mostHeld.get()).withFailMessage("%d permits were held at once, but the semaphore only has %d: two threads"
                + " saw the same permits free and both took them. Checking the count and taking the permits must be one"
                + " atomic step, under the lock.", mostHeld.get(), permits).isLessThanOrEqualTo(permits);
        int left = semaphore.availablePermits();
        assertThat(left).withFailMessage("8 threads acquired and released permits 40000 times; afterwards %d permits are"
                + " available, expected %d: %s. Every change of the count must happen under the lock.", left, permits,
                left < permits ? (permits - left) + " permits were lost (an update overwrote another)"
                        : (left - permits) + " permits were created out of nothing").isEqualTo(permits);
    }

    @Test
    void aWakeUpWithTooFewPermitsSendsTheWaiterBackToWait() {
        CountingSemaphore semaphore = new CountingSemaphore(0);
        try (BlockingCall<Void> waiter = BlockingCall.run("wants-2", () -> semaphore.acquire(2))) {
            waiter.assertBlocks("acquire(2) on a semaphore with 0 permits");
            semaphore.release(); // wakes the waiter, but 1 permit is not enough for it
            if (BlockingCall.joins(waiter.thread(), STAYS_WAITING)) {
                throw new AssertionFailedError("acquire(2) returned after only 1 permit was released (available permits now "
                        + semaphore.availablePermits() + "). A wake-up only says \"something changed\", not \"you may go\": the"
                        + " woken thread must check the condition again. Wait in a loop, while (permits < n) await();, not"
                        + " in an if." + (waiter.failure() == null ? "" : " It threw " + waiter.failure()));
            }
            assertPermits(semaphore, 1, "while a thread waits in acquire(2) after 1 permit was released");
            semaphore.release();
            waiter.assertFinishes("the second released permit did not let the thread waiting in acquire(2) through");
        }
        assertPermits(semaphore, 0, "after acquire(2) took the 2 released permits");
    }

    @Test
    void whenAnotherThreadTakesThePermitFirstTheWokenWaiterWaitsAgain() {
        CountingSemaphore semaphore = new CountingSemaphore(0);
        try (BlockingCall<Void> first = BlockingCall.run("waiter-1", semaphore::acquire);
                BlockingCall<Void> second = BlockingCall.run("waiter-2", semaphore::acquire)) {
            first.assertBlocks("acquire() on a semaphore with 0 permits");
            second.assertBlocks("acquire() on a semaphore with 0 permits");
            semaphore.release(); // one permit for two waiters: one goes, the other must wait again
            BlockingCall<Void> winner = awaitOneOf(first, second);
            BlockingCall<Void> loser = winner == first ? second : first;
            if (BlockingCall.joins(loser.thread(), STAYS_WAITING)) {
                throw new AssertionFailedError("One permit was released and both threads waiting in acquire() returned"
                        + " (available permits now " + semaphore.availablePermits() + "). Both were woken; the first took"
                        + " the permit, and the second went ahead without checking that a permit was still there. Re-check"
                        + " after every wake-up: while (permits == 0) await();, not if.");
            }
            assertPermits(semaphore, 0, "after one of two waiters took the one released permit");
            semaphore.release();
            loser.assertFinishes("the second released permit did not wake the thread still waiting in acquire()");
        }
        assertPermits(semaphore, 0, "after two waiters took the two released permits");
    }

    @Test
    void aReleaseWakesAWaiterItIsEnoughForEvenWhenABiggerRequestWaitedFirst() {
        CountingSemaphore semaphore = new CountingSemaphore(0);
        try (BlockingCall<Void> wantsTwo = BlockingCall.run("wants-2", () -> semaphore.acquire(2))) {
            wantsTwo.assertReaches(Thread.State.WAITING, "acquire(2) on a semaphore with 0 permits");
            try (BlockingCall<Void> wantsOne = BlockingCall.run("wants-1", semaphore::acquire)) {
                wantsOne.assertReaches(Thread.State.WAITING, "acquire() on a semaphore with 0 permits");
                semaphore.release(); // 1 permit: too few for wants-2, which waits longer, enough for wants-1
                wantsOne.assertFinishes("release() gave 1 permit while one thread waited in acquire(2) (the first to"
                        + " wait) and another in acquire(): the acquire() thread was left waiting with the permit free. A"
                        + " single signal()/notify() wakes one waiter, here acquire(2), which finds too few permits and"
                        + " sleeps again, and nobody wakes the thread the permit was enough for. Waiters want different"
                        + " numbers of permits: release must wake them all (signalAll/notifyAll).");
            }
            if (BlockingCall.joins(wantsTwo.thread(), Duration.ZERO)) {
                throw new AssertionFailedError("acquire(2) returned although only 1 permit was released, and another"
                        + " thread took it (available permits now " + semaphore.availablePermits() + "). Re-check after"
                        + " every wake-up: while (permits < n) await();." + (wantsTwo.failure() == null ? ""
                                : " It threw " + wantsTwo.failure()));
            }
            assertPermits(semaphore, 0, "after the acquire() thread took the one released permit");
            semaphore.release(2);
            wantsTwo.assertFinishes("release(2) did not let the thread waiting in acquire(2) through");
        }
        assertPermits(semaphore, 0, "after acquire(2) took the 2 released permits");
    }

    @Test
    void aReleaseThatWouldOverflowTheCountIsRefusedAndChangesNothing() {
        assertOverflowRefused(Integer.MAX_VALUE, 1);
        assertOverflowRefused(Integer.MAX_VALUE - 1, 2);
        CountingSemaphore almostFull = new CountingSemaphore(Integer.MAX_VALUE - 1);
        almostFull.release();
        assertPermits(almostFull, Integer.MAX_VALUE, "after release() on Integer.MAX_VALUE - 1 permits (the count just"
                + " fits)");
    }

    /** A semaphore with {@code initial} permits must refuse release({@code n}), which would exceed Integer.MAX_VALUE. */
    private static void assertOverflowRefused(int initial, int n) {
        CountingSemaphore semaphore = new CountingSemaphore(initial);
        String call = (n == 1 ? "release()" : "release(" + n + ")") + " on a CountingSemaphore(" + initial + ")";
        Throwable thrown = catchThrowable(() -> {
            if (n == 1) {
                semaphore.release();
            } else {
                semaphore.release(n);
            }
        });
        if (!(thrown instanceof IllegalArgumentException)) {
            throw new AssertionFailedError(call + " would take the count beyond Integer.MAX_VALUE and must be refused with"
                    + " IllegalArgumentException, but it " + (thrown == null ? "returned normally" : "threw " + thrown)
                    + ", and availablePermits() is now " + semaphore.availablePermits() + ". A check written as"
                    + " permits + n > Integer.MAX_VALUE is never true: the sum wraps around to a negative number first."
                    + " Compare without overflowing: permits > Integer.MAX_VALUE - n.", thrown);
        }
        assertPermits(semaphore, initial, "after a refused " + call + " (a refused call must change nothing)");
    }

    @Test
    void timedTryAcquireGivesUpAfterAboutTheTimeout() throws InterruptedException {
        CountingSemaphore semaphore = new CountingSemaphore(0);
        long start = System.nanoTime();
        boolean took = semaphore.tryAcquire(Duration.ofMillis(300));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(took).withFailMessage("tryAcquire(300 ms) on a semaphore with 0 permits returned true").isFalse();
        assertThat(elapsedMs).withFailMessage("tryAcquire(300 ms) gave up after %d ms: it must wait (about) the whole"
                + " timeout before it returns false", elapsedMs).isGreaterThanOrEqualTo(270);
        assertThat(elapsedMs).withFailMessage("tryAcquire(300 ms) returned after %d ms: it should give up soon after the"
                + " timeout (awaitNanos returns the time left; keep waiting only while some is left)", elapsedMs)
                .isLessThan(300 + 2_000);
        assertPermits(semaphore, 0, "after a tryAcquire that timed out");
        long zeroStart = System.nanoTime();
        assertThat(semaphore.tryAcquire(Duration.ZERO)).withFailMessage("tryAcquire(0) with 0 permits returned true").isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - zeroStart)).withFailMessage(
                "tryAcquire(0) with 0 permits must return false at once").isLessThan(1_000);
    }

    @Test
    void timedTryAcquireTakesAPermitReleasedInTimeAndWaitsWithoutSpinning() {
        CountingSemaphore semaphore = new CountingSemaphore(0);
        try (BlockingCall<Void> waiter = BlockingCall.run("timed-waiter", () -> {
            if (!semaphore.tryAcquire(Duration.ofSeconds(30))) {
                throw new AssertionFailedError("tryAcquire(30 s) returned false although a permit was released after"
                        + " about a second");
            }
        })) {
            waiter.assertBlocks("tryAcquire(30 s) on a semaphore with 0 permits");
            BusyWait.assertWaitsWithoutSpinning(waiter.thread());
            semaphore.release();
            waiter.assertFinishes("a thread in tryAcquire(30 s) was not woken by release()");
        }
        assertPermits(semaphore, 0, "after tryAcquire took the released permit");
    }

    @Test
    void aWakeUpWithoutAPermitSendsATimedWaiterBackToWaitForTheRestOfItsTimeout() {
        CountingSemaphore semaphore = new CountingSemaphore(0);
        try (BlockingCall<Boolean> waiter = BlockingCall.start("timed-waiter", () -> semaphore.tryAcquire(Duration.ofSeconds(30)))) {
            waiter.assertBlocks("tryAcquire(30 s) on a semaphore with 0 permits");
            SpuriousWakeups.wakeAll(semaphore, List.of(waiter.thread()));
            if (waiter.isDone()) {
                Throwable thrown = waiter.failure();
                throw new AssertionFailedError("The test woke the thread waiting in tryAcquire(30 s) without releasing a"
                        + " permit, as a spurious wake-up does (Condition.await() and Object.wait() may return for no"
                        + " reason), and tryAcquire " + (thrown == null ? "returned " + waiter.assertFinishes("")
                                : "threw " + thrown) + " at once, long before its 30 s were up. A wake-up is only a hint to"
                        + " look again: wait in a loop, while (permits < 1) { if no time is left, return false;"
                        + " remaining = awaitNanos(remaining); }, not in an if.", thrown);
            }
            assertPermits(semaphore, 0, "after a wake-up without a release");
            semaphore.release();
            boolean took = waiter.assertFinishes("a thread in tryAcquire(30 s) was not woken by release() after a spurious"
                    + " wake-up");
            assertThat(took).withFailMessage("tryAcquire(30 s) returned false although a permit was released while it"
                    + " waited (after a spurious wake-up)").isTrue();
        }
        assertPermits(semaphore, 0, "after tryAcquire took the released permit");
    }

    @Test
    @TimeLimit(30)
    void tryAcquireCountsItsTimeoutFromTheCallNotFromTheLastWakeUp() {
        CountingSemaphore semaphore = new CountingSemaphore(0);
        Duration timeout = Duration.ofSeconds(1);
        try (BlockingCall<Boolean> waiter = BlockingCall.start("timed-waiter", () -> semaphore.tryAcquire(timeout))) {
            waiter.assertBlocks("tryAcquire(1 s) on a semaphore with 0 permits");
            // Wakes it every 100 ms without a permit, as spurious wake-ups would. A wrong solution that restarts its
            // full second after each wake-up ends only if the test thread is held up for most of a second between
            // two wake-ups; a correct one ends after about a second.
            boolean ended = SpuriousWakeups.keepWakingUntilEnded(semaphore, waiter.thread(), Duration.ofMillis(100),
                    Duration.ofSeconds(8));
            assertThat(ended).withFailMessage("tryAcquire(1 s) on 0 permits was still waiting after 8 s, while the test"
                    + " woke it every 100 ms without releasing a permit (as spurious wake-ups would). Each wake-up"
                    + " restarted the whole second: keep the time left, remaining = permitsReleased.awaitNanos(remaining),"
                    + " and give up when it reaches zero.").isTrue();
            boolean took = waiter.assertFinishes("");
            assertThat(took).withFailMessage("tryAcquire(1 s) on a semaphore that never had a permit returned true")
                    .isFalse();
        }
        assertPermits(semaphore, 0, "after a tryAcquire that timed out");
    }

    @Test
    void tryAcquireWithAHugeTimeoutWaitsAsLongAsItTakes() {
        CountingSemaphore semaphore = new CountingSemaphore(0);
        try (BlockingCall<Boolean> waiter = Timeouts.assertWaits("tryAcquire(FOREVER)",
                () -> semaphore.tryAcquire(Timeouts.FOREVER),
                "tryAcquire(Duration.ofSeconds(Long.MAX_VALUE)) on 0 permits waits as long as it takes")) {
            semaphore.release();
            boolean took = waiter.assertFinishes("a thread in tryAcquire(Duration.ofSeconds(Long.MAX_VALUE)) was not woken"
                    + " by release()");
            assertThat(took).withFailMessage("tryAcquire(Duration.ofSeconds(Long.MAX_VALUE)) returned false although a"
                    + " permit was released while it waited: a huge timeout means \"as long as it takes\"").isTrue();
        }
        assertPermits(semaphore, 0, "after tryAcquire(FOREVER) took the released permit");
    }

    @Test
    void tryAcquireWithANegativeTimeoutDoesNotWait() throws Exception {
        CountingSemaphore empty = new CountingSemaphore(0);
        boolean took = Timeouts.assertReturnsAtOnce("tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) with 0 permits",
                () -> empty.tryAcquire(Timeouts.MOST_NEGATIVE));
        assertThat(took).withFailMessage("tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) with 0 permits returned true")
                .isFalse();
        assertPermits(empty, 0, "after tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) on 0 permits");
        CountingSemaphore one = new CountingSemaphore(1);
        boolean tookFree = Timeouts.assertReturnsAtOnce("tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) with 1 permit free",
                () -> one.tryAcquire(Timeouts.MOST_NEGATIVE));
        assertThat(tookFree).withFailMessage("tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) with a permit free returned"
                + " false: a negative timeout means \"do not wait\", not \"do not take\"; a free permit is taken").isTrue();
        assertPermits(one, 0, "after tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) took the free permit");
    }

    @Test
    void anInterruptedCallerOfTryAcquireGetsInterruptedExceptionEvenWithAPermitFree() {
        CountingSemaphore semaphore = new CountingSemaphore(1);
        Timeouts.assertInterruptedCallerGetsInterruptedException("tryAcquire(Duration.ofSeconds(Long.MAX_VALUE)) with a"
                + " permit free", () -> semaphore.tryAcquire(Timeouts.FOREVER));
        assertPermits(semaphore, 1, "after an interrupted caller's tryAcquire (it must take nothing)");
        assertInterruptedCallerOfATryThatDoesNotWait("tryAcquire(Duration.ZERO) with a permit free",
                () -> semaphore.tryAcquire(Duration.ZERO));
        assertPermits(semaphore, 1, "after an interrupted caller's tryAcquire(Duration.ZERO) (it must take nothing)");
        assertInterruptedCallerOfATryThatDoesNotWait("tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) with a permit free",
                () -> semaphore.tryAcquire(Timeouts.MOST_NEGATIVE));
        assertPermits(semaphore, 1, "after an interrupted caller's tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) (it must"
                + " take nothing)");
    }

    /** As {@link Timeouts#assertInterruptedCallerGetsInterruptedException}, for a zero or negative timeout. */
    static void assertInterruptedCallerOfATryThatDoesNotWait(String what, java.util.concurrent.Callable<?> call) {
        try {
            Timeouts.assertInterruptedCallerGetsInterruptedException(what, call);
        } catch (AssertionFailedError e) {
            throw new AssertionFailedError(e.getMessage() + " A zero or negative timeout does not wait, but an interrupted"
                    + " caller gets InterruptedException all the same: check Thread.interrupted() first, before anything"
                    + " else, and let no \"do not wait\" shortcut skip it.", e);
        }
    }

    @Test
    void anInterruptEndsTheWaitWithInterruptedExceptionAndTakesNothing() {
        CountingSemaphore semaphore = new CountingSemaphore(1);
        assertInterruptible("acquire(2)", () -> semaphore.acquire(2), () -> semaphore.release(2));
        assertPermits(semaphore, 1, "after an interrupted acquire(2) on 1 permit (it must take nothing)");
        CountingSemaphore empty = new CountingSemaphore(0);
        assertInterruptible("tryAcquire(30 s)", () -> empty.tryAcquire(Duration.ofSeconds(30)), empty::release);
        assertPermits(empty, 0, "after an interrupted tryAcquire(30 s)");
    }

    /**
     * Interrupts {@code call} while it waits and expects InterruptedException. If the call ignores the interrupt,
     * {@code unblock} gives it what it waits for, so that the failure is reported at once and no thread stays behind.
     */
    private static void assertInterruptible(String what, BlockingCall.ThrowingRunnable call,
            BlockingCall.ThrowingRunnable unblock) {
        try (BlockingCall<Void> waiter = BlockingCall.run("interrupted", call)) {
            waiter.assertBlocks(what + " without enough permits");
            waiter.thread().interrupt();
            try {
                waiter.assertThrows(InterruptedException.class, "An interrupt must end the wait in " + what + " with"
                        + " InterruptedException: let the InterruptedException that await() throws out, do not catch it and"
                        + " wait again (and do not use awaitUninterruptibly).");
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
    void releaseBeyondTheInitialCountAddsPermitsAsJdkSemaphoreDoes() {
        CountingSemaphore semaphore = new CountingSemaphore(1);
        semaphore.release();
        assertPermits(semaphore, 2, "after release() on a new CountingSemaphore(1): releasing beyond the initial count"
                + " adds a permit, as java.util.concurrent.Semaphore does (Python's BoundedSemaphore would raise)");
        semaphore.release(3);
        assertPermits(semaphore, 5, "after release(3) on 2 permits");
    }

    @Test
    void invalidArgumentsAreRefusedWithAMessageNamingThem() {
        assertRefused("new CountingSemaphore(-1)", IllegalArgumentException.class, "permits", () -> new CountingSemaphore(-1));
        CountingSemaphore semaphore = new CountingSemaphore(2);
        for (int n : new int[] {0, -1}) {
            assertRefused(String.format("acquire(%d)", n), IllegalArgumentException.class, "permits", () -> semaphore.acquire(n));
            assertRefused(String.format("release(%d)", n), IllegalArgumentException.class, "permits", () -> semaphore.release(n));
        }
        assertRefused("tryAcquire(null)", NullPointerException.class, "timeout", () -> semaphore.tryAcquire(null));
        assertPermits(semaphore, 2, "after refused calls (a refused call must change nothing)");
    }

    private static BlockingCall<Void> awaitOneOf(BlockingCall<Void> first, BlockingCall<Void> second) {
        long deadline = System.nanoTime() + BlockingCall.PATIENCE.toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (BlockingCall<Void> call : List.of(first, second)) {
                if (BlockingCall.joins(call.thread(), Duration.ofMillis(5))) {
                    call.assertFinishesWithin(Duration.ZERO, "");
                    return call;
                }
            }
        }
        throw new AssertionFailedError("release() gave a permit, but neither of the two threads waiting in acquire() was"
                + " woken within " + BlockingCall.PATIENCE.toMillis() + " ms: does release() signal the waiters?");
    }

    static void assertPermits(CountingSemaphore semaphore, int expected, String when) {
        int actual = semaphore.availablePermits();
        assertThat(actual).withFailMessage("%s: availablePermits() is %d, expected %d", when, actual, expected).isEqualTo(expected);
    }
}
