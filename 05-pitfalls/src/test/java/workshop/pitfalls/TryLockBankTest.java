package workshop.pitfalls;

import static org.assertj.core.api.Assertions.assertThat;
import static workshop.pitfalls.support.Refused.assertRefused;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.pitfalls.TryLockBank.TransferOutcome;
import workshop.pitfalls.support.OverdraftRace;
import workshop.testkit.BlockingCall;
import workshop.testkit.BusyWait;
import workshop.testkit.Concurrently;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;
import workshop.testkit.Timeouts;

/** Exercise 2: README "2. TryLockBank". */
public class TryLockBankTest {

    private static final long INITIAL = 1L << 40; // more than any run can move out of one account
    /** Far longer than any transfer needs, even on a loaded machine. */
    private static final Duration GENEROUS = TimeFactor.seconds(3);
    /** The timeout of the tests that make a transfer time out. */
    private static final Duration SHORT = Duration.ofMillis(300);

    @Test
    void everyTransferFinishesUnderHeavyOpposingTraffic() {
        int threads = 8;
        int transfers = 2_000;
        TryLockBank bank = new TryLockBank(INITIAL, INITIAL);

        // Each thread keeps going for a minimum time, so that the threads really overlap on a busy machine.
        List<Map<TransferOutcome, Integer>> outcomes = Concurrently.threads(threads).named("teller").call(t -> {
            Map<TransferOutcome, Integer> seen = new EnumMap<>(TransferOutcome.class);
            long end = System.nanoTime() + Duration.ofMillis(500).toNanos();
            for (int i = 0; i < transfers || System.nanoTime() - end < 0; i++) {
                TransferOutcome outcome = t % 2 == 0 ? bank.transfer(0, 1, 1, GENEROUS) : bank.transfer(1, 0, 1, GENEROUS);
                seen.merge(outcome, 1, Integer::sum);
            }
            return seen;
        });

        Map<TransferOutcome, Integer> total = new EnumMap<>(TransferOutcome.class);
        outcomes.forEach(m -> m.forEach((k, v) -> total.merge(k, v, Integer::sum)));
        assertThat(total).withFailMessage(
                "expected every transfer DONE (each had %d ms, far more than it needs), saw %s. A TIMED_OUT here means"
                        + " the threads kept getting in each other's way: a lock left held after a failed attempt, or"
                        + " threads that back off and retry in step (livelock: make the backoff random).",
                GENEROUS.toMillis(), total)
                .containsOnlyKeys(TransferOutcome.DONE);
        assertThat(bank.totalBalance()).withFailMessage("money was %s: the bank held %d and now holds %d",
                bank.totalBalance() < 2 * INITIAL ? "lost" : "created", 2 * INITIAL, bank.totalBalance())
                .isEqualTo(2 * INITIAL);
        long net = 0;
        for (int t = 0; t < threads; t++) {
            int done = outcomes.get(t).getOrDefault(TransferOutcome.DONE, 0);
            net += t % 2 == 0 ? done : -done;
        }
        assertThat(bank.balance(1) - INITIAL).withFailMessage(
                "the DONE transfers moved %d from account 0 to account 1 (net), but account 1 changed by %d",
                net, bank.balance(1) - INITIAL).isEqualTo(net);
    }

    @Test
    void aHeldTargetLockMakesTheTransferTimeOutAndLeavesNothingHeld() throws Exception {
        assertTimesOutWhileHeld(1, "the target account's");
    }

    @Test
    void aHeldSourceLockMakesTheTransferTimeOutAndLeavesNothingHeld() throws Exception {
        assertTimesOutWhileHeld(0, "the source account's");
    }

    /** Holds one account's lock while a transfer from 0 to 1 runs with a short timeout. */
    private static void assertTimesOutWhileHeld(int heldAccount, String whose) throws Exception {
        TryLockBank bank = new TryLockBank(100, 100);
        Lock held = bank.lockOf(heldAccount);
        held.lock();
        BlockingCall<TransferOutcome> transfer = null;
        long elapsedMillis;
        TransferOutcome outcome;
        AtomicLong elapsedNanos = new AtomicLong();
        try {
            // Timed on the transfer's own thread: a busy machine may delay the thread's start or the join, not this.
            transfer = BlockingCall.start("transfer", () -> {
                long start = System.nanoTime();
                try {
                    return bank.transfer(0, 1, 10, SHORT);
                } finally {
                    elapsedNanos.set(System.nanoTime() - start);
                }
            });
            outcome = transfer.assertFinishes("transfer(0, 1, 10, " + SHORT.toMillis() + " ms) ignored its"
                    + " timeout while " + whose + " lock was held by another thread: it must give up after about the"
                    + " timeout (wait for a lock with tryLock(time, unit), never with lock()).");
            elapsedMillis = Duration.ofNanos(elapsedNanos.get()).toMillis();
        } finally {
            held.unlock();
            if (transfer != null) {
                transfer.close();
            }
        }
        assertThat(outcome).withFailMessage("while %s lock was held elsewhere the transfer returned %s, expected TIMED_OUT",
                whose, outcome).isEqualTo(TransferOutcome.TIMED_OUT);
        assertThat(elapsedMillis).withFailMessage(
                "the transfer gave up after %d ms, but its timeout was %d ms: it must keep trying (with backoff) until"
                        + " the timeout has passed", elapsedMillis, SHORT.toMillis())
                .isGreaterThanOrEqualTo(SHORT.toMillis() - 20);
        assertThat(elapsedMillis).withFailMessage(
                "the transfer took %d ms to give up with a timeout of %d ms", elapsedMillis, SHORT.toMillis())
                .isLessThan(SHORT.toMillis() + TimeFactor.seconds(2).toMillis());
        assertFreeFromAnotherThread(bank, 0);
        assertFreeFromAnotherThread(bank, 1);
        assertThat(bank.balance(0)).withFailMessage("a transfer that timed out changed account 0").isEqualTo(100);
        assertThat(bank.balance(1)).withFailMessage("a transfer that timed out changed account 1").isEqualTo(100);
    }

    private static void assertFreeFromAnotherThread(TryLockBank bank, int account) throws Exception {
        Lock lock = bank.lockOf(account);
        boolean free;
        free = BlockingCall.within("probe", BlockingCall.PATIENCE, "tryLock() never waits", () -> {
            boolean taken = lock.tryLock();
            if (taken) {
                lock.unlock();
            }
            return taken;
        });
        assertThat(free).withFailMessage(
                "after the transfer returned, the lock of account %d was still held: a failed attempt must release"
                        + " the lock it did take (unlock in finally) before it backs off or gives up", account)
                .isTrue();
    }

    @Test
    void whileALockStaysHeldTheTransferBacksOffWithoutSpinningAndAnInterruptEndsIt() throws Exception {
        TryLockBank bank = new TryLockBank(100, 100);
        Lock held = bank.lockOf(1);
        held.lock();
        try (BlockingCall<TransferOutcome> transfer = BlockingCall.start("transfer",
                () -> bank.transfer(0, 1, 10, Duration.ofSeconds(30)))) {
            try {
                transfer.assertBlocks("the target account's lock stays held and the timeout is 30 s: the transfer must"
                        + " keep trying, and back off (sleep) between attempts, until the timeout");
                try {
                    BusyWait.assertWaitsWithoutSpinning(transfer.thread());
                } catch (AssertionFailedError e) {
                    throw new AssertionFailedError("While the target's lock stays held, the transfer should back off"
                            + " between attempts (sleep a random time that grows with each failure), not retry at full"
                            + " speed. " + e.getMessage(), e);
                }
                transfer.thread().interrupt();
                transfer.assertThrows(InterruptedException.class, "An interrupted transfer must end with"
                        + " InterruptedException: wait and back off with methods that throw it (tryLock(time, unit),"
                        + " Thread.sleep), and let it propagate.");
            } finally {
                held.unlock();
            }
        }
        assertFreeFromAnotherThread(bank, 0);
        assertBalances(bank, 100, 100, "after an interrupted transfer (it must change nothing)");
    }

    @Test
    void aHugeTimeoutWaitsAsLongAsItTakes() throws Exception {
        TryLockBank bank = new TryLockBank(100, 100);
        Lock held = bank.lockOf(1);
        held.lock();
        boolean holding = true;
        TransferOutcome outcome;
        try (BlockingCall<TransferOutcome> transfer = Timeouts.assertWaits("transfer(FOREVER)",
                () -> bank.transfer(0, 1, 10, Timeouts.FOREVER),
                "transfer(0, 1, 10, Duration.ofSeconds(Long.MAX_VALUE)) while the target's lock is held backs off and"
                        + " tries again, as long as it takes")) {
            held.unlock();
            holding = false;
            outcome = transfer.assertFinishes("the target's lock was released, but transfer(0, 1, 10,"
                    + " Duration.ofSeconds(Long.MAX_VALUE)) did not finish: does it try again after its backoff?");
        } finally {
            if (holding) {
                held.unlock();
            }
        }
        assertThat(outcome).withFailMessage("transfer(0, 1, 10, Duration.ofSeconds(Long.MAX_VALUE)) returned %s once the"
                + " lock was free, expected DONE: a huge timeout means \"as long as it takes\"", outcome)
                .isEqualTo(TransferOutcome.DONE);
        assertBalances(bank, 90, 110, "after the transfer with a huge timeout");
    }

    @Test
    void aNegativeTimeoutMakesOneAttemptWithoutWaiting() throws Exception {
        TryLockBank bank = new TryLockBank(100, 100);
        TransferOutcome free = Timeouts.assertReturnsAtOnce("transfer(0, 1, 10, Duration.ofSeconds(Long.MIN_VALUE)) with"
                + " both locks free", () -> bank.transfer(0, 1, 10, Timeouts.MOST_NEGATIVE));
        assertThat(free).withFailMessage("transfer(0, 1, 10, Duration.ofSeconds(Long.MIN_VALUE)) with both locks free"
                + " returned %s, expected DONE: a negative timeout means \"do not wait\", as tryLock(0, unit), not"
                + " \"do not try\"", free).isEqualTo(TransferOutcome.DONE);
        assertBalances(bank, 90, 110, "after a transfer with a negative timeout and both locks free");
        Lock held = bank.lockOf(1);
        held.lock();
        TransferOutcome busy;
        try {
            busy = Timeouts.assertReturnsAtOnce("transfer(0, 1, 10, Duration.ofSeconds(Long.MIN_VALUE)) while the"
                    + " target's lock is held", () -> bank.transfer(0, 1, 10, Timeouts.MOST_NEGATIVE));
        } finally {
            held.unlock();
        }
        assertThat(busy).withFailMessage("transfer(0, 1, 10, Duration.ofSeconds(Long.MIN_VALUE)) while the target's lock"
                + " was held returned %s, expected TIMED_OUT", busy).isEqualTo(TransferOutcome.TIMED_OUT);
        assertBalances(bank, 90, 110, "after a transfer with a negative timeout that found a lock held");
        assertFreeFromAnotherThread(bank, 0);
    }

    @Test
    void anInterruptedCallerGetsInterruptedExceptionEvenWithBothLocksFree() throws Exception {
        TryLockBank bank = new TryLockBank(100, 100);
        Timeouts.assertInterruptedCallerGetsInterruptedException("transfer(0, 1, 10, Duration.ofSeconds(Long.MAX_VALUE))"
                + " with both locks free", () -> bank.transfer(0, 1, 10, Timeouts.FOREVER));
        assertBalances(bank, 100, 100, "after an interrupted caller's transfer (it must change nothing)");
        assertFreeFromAnotherThread(bank, 0);
        assertFreeFromAnotherThread(bank, 1);
    }

    private static void assertBalances(TryLockBank bank, long expected0, long expected1, String when) {
        long actual0 = bank.balance(0);
        long actual1 = bank.balance(1);
        assertThat(new long[] {actual0, actual1}).withFailMessage("%s: the balances are %d and %d, expected %d and %d",
                when, actual0, actual1, expected0, expected1).containsExactly(expected0, expected1);
    }


    @Test
    @TimeLimit(Concurrently.RACE_SECONDS + 10)
    void transfersFromOneAccountAtTheSameInstantNeverOverdrawIt() {
        OverdraftRace.assertNeverOverdrawn(balances -> {
            TryLockBank bank = new TryLockBank(balances);
            return new OverdraftRace.Bank() {
                @Override
                public boolean transferTwoFromAccount0(int to) throws InterruptedException {
                    return bank.transfer(0, to, 2, GENEROUS) == TransferOutcome.DONE;
                }

                @Override
                public long balanceOfAccount0() {
                    return bank.balance(0);
                }
            };
        }, "were DONE", "both locks");
    }

    @Test
    void reportsInsufficientFundsAndChangesNothing() throws Exception {
        TryLockBank bank = new TryLockBank(5, 0);
        TransferOutcome tooMuch = bank.transfer(0, 1, 6, GENEROUS);
        assertThat(tooMuch).withFailMessage("transfer(0, 1, 6) from a balance of 5 returned %s, expected"
                + " INSUFFICIENT_FUNDS (check the balance under both locks)", tooMuch)
                .isEqualTo(TransferOutcome.INSUFFICIENT_FUNDS);
        assertBalances(bank, 5, 0, "after a transfer refused for insufficient funds (it must change nothing)");
        TransferOutcome all = bank.transfer(0, 1, 5, GENEROUS);
        assertThat(all).withFailMessage("transfer(0, 1, 5) from a balance of 5 returned %s, expected DONE (the whole"
                + " balance may move)", all).isEqualTo(TransferOutcome.DONE);
        assertBalances(bank, 0, 5, "after moving the whole balance of 5 from account 0 to account 1");
        assertFreeFromAnotherThread(bank, 0);
        assertFreeFromAnotherThread(bank, 1);
    }

    @Test
    void rejectsBadArguments() throws Exception {
        TryLockBank bank = new TryLockBank(10, 10);
        assertRefused("transfer(0, 0, 1, 3 s) (same account)", IllegalArgumentException.class, null,
                () -> bank.transfer(0, 0, 1, GENEROUS));
        assertRefused("transfer(0, 1, 0, 3 s) (zero amount)", IllegalArgumentException.class, null,
                () -> bank.transfer(0, 1, 0, GENEROUS));
        assertRefused("transfer(0, 1, -3, 3 s) (negative amount)", IllegalArgumentException.class, null,
                () -> bank.transfer(0, 1, -3, GENEROUS));
        assertRefused("transfer(0, 2, 1, 3 s) (unknown account)", IllegalArgumentException.class, null,
                () -> bank.transfer(0, 2, 1, GENEROUS));
        assertRefused("transfer(0, 1, 1, null)", NullPointerException.class, null, () -> bank.transfer(0, 1, 1, null));
        assertRefused("new TryLockBank(Long.MAX_VALUE, 1) (balances that add up to more than Long.MAX_VALUE: totalBalance(),"
                + " and an account that receives all the money, would wrap around to a negative number)",
                IllegalArgumentException.class, "Long.MAX_VALUE", () -> new TryLockBank(Long.MAX_VALUE, 1));
        TryLockBank full = new TryLockBank(Long.MAX_VALUE - 1, 1);
        assertThat(full.transfer(1, 0, 1, GENEROUS)).withFailMessage("in new TryLockBank(Long.MAX_VALUE - 1, 1),"
                + " transfer(1, 0, 1) did not move the money: balances that add up to exactly Long.MAX_VALUE fit, and so"
                + " does every transfer between them").isEqualTo(TransferOutcome.DONE);
        assertBalances(full, Long.MAX_VALUE, 0, "after moving all the money of new TryLockBank(Long.MAX_VALUE - 1, 1) into"
                + " account 0");
        assertBalances(bank, 10, 10, "after refused transfers (a refused call must change nothing)");
    }
}
