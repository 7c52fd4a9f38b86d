package workshop.pitfalls;

import static org.assertj.core.api.Assertions.assertThat;
import static workshop.pitfalls.support.Refused.assertRefused;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import workshop.pitfalls.support.OverdraftRace;
import workshop.testkit.Concurrently;
import workshop.testkit.PassesOnSkeleton;
import workshop.testkit.TimeLimit;

/**
 * Exercise 1: README "1. Bank". A deadlock shows up here as a failure from the deadlock watchdog, with a
 * report of the threads, the lock each waits for and the thread that holds it (README: "Reading a thread
 * dump").
 */
public class BankTest {

    private static final int THREADS = 8;
    private static final int TRANSFERS_PER_THREAD = 20_000;
    /**
     * How long each thread keeps transferring at least. A lock-ordering deadlock needs two threads inside
     * their transfers at the same instant; on a busy machine the threads may run one after another for a
     * while, so a fixed number of transfers could be over before they ever overlap.
     */
    private static final Duration KEEP_GOING = Duration.ofMillis(700);
    private static final long INITIAL = 1L << 40; // more than any run can move out of one account

    @Test
    void opposingTransfersNeverDeadlock() {
        // Half the threads move money from 0 to 1, the other half from 1 to 0, all at once.
        Bank bank = new Bank(INITIAL, INITIAL);
        AtomicLong refused = new AtomicLong();

        hammer((t, i) -> {
            boolean done = t % 2 == 0 ? bank.transfer(0, 1, 1) : bank.transfer(1, 0, 1);
            if (!done) {
                refused.incrementAndGet();
            }
        });

        assertThat(refused.get()).withFailMessage(
                "%d transfers of 1 were refused although both accounts always held far more than that", refused.get())
                .isZero();
        assertMoneyConserved(bank, 2, 2 * INITIAL);
    }

    @Test
    void transfersAroundACycleNeverDeadlock() {
        // Three accounts, money flowing 0 -> 1 -> 2 -> 0: a cycle of three locks instead of two.
        Bank bank = new Bank(INITIAL, INITIAL, INITIAL);
        AtomicLong refused = new AtomicLong();

        hammer((t, i) -> {
            int from = t % 3;
            if (!bank.transfer(from, (from + 1) % 3, 1)) {
                refused.incrementAndGet();
            }
        });

        assertThat(refused.get()).withFailMessage(
                "%d transfers of 1 were refused although every account always held far more than that", refused.get())
                .isZero();
        assertMoneyConserved(bank, 3, 3 * INITIAL);
    }

    @Test
    void randomTransfersConserveMoneyAndNeverOverdraw() {
        // Small balances and random amounts: many transfers must be refused, none may overdraw.
        int accounts = 5;
        long initial = 100;
        Bank bank = new Bank(initial, initial, initial, initial, initial);
        AtomicLong done = new AtomicLong();
        AtomicLong refused = new AtomicLong();

        hammer((t, i) -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int from = random.nextInt(accounts);
            int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
            if (bank.transfer(from, to, 1 + random.nextInt(60))) {
                done.incrementAndGet();
            } else {
                refused.incrementAndGet();
            }
        });

        assertMoneyConserved(bank, accounts, accounts * initial);
        assertThat(done.get()).withFailMessage("no transfer succeeded at all").isPositive();
    }


    @Test
    @PassesOnSkeleton("the skeleton checks the balance under both locks; this test catches a fix that moves the check"
            + " out of the locked section")
    @TimeLimit(Concurrently.RACE_SECONDS + 10)
    void transfersFromOneAccountAtTheSameInstantNeverOverdrawIt() {
        OverdraftRace.assertNeverOverdrawn(balances -> {
            Bank bank = new Bank(balances);
            return new OverdraftRace.Bank() {
                @Override
                public boolean transferTwoFromAccount0(int to) {
                    return bank.transfer(0, to, 2);
                }

                @Override
                public long balanceOfAccount0() {
                    return bank.balance(0);
                }
            };
        }, "succeeded", "the account's lock");
    }

    @Test
    @PassesOnSkeleton("single-threaded behaviour: the skeleton gets it right; its bug shows only under concurrency")
    void refusesATransferTheBalanceDoesNotCover() {
        Bank bank = new Bank(5, 0);
        assertThat(bank.transfer(0, 1, 6)).withFailMessage("transfer(0, 1, 6) from a balance of 5 returned true: a"
                + " transfer the balance does not cover must return false and change nothing").isFalse();
        assertBalances(bank, 5, 0, "after a refused transfer of 6 from a balance of 5 (it must change nothing)");
        assertThat(bank.transfer(0, 1, 5)).withFailMessage("transfer(0, 1, 5) from a balance of 5 returned false: the"
                + " whole balance may move").isTrue();
        assertBalances(bank, 0, 5, "after moving the whole balance of 5 from account 0 to account 1");
        assertThat(bank.totalBalance()).withFailMessage("totalBalance() is %d after moving 5 between two accounts that"
                + " held 5 together", bank.totalBalance()).isEqualTo(5);
    }

    @Test
    @PassesOnSkeleton("the skeleton already rejects bad arguments: keep those checks when you fix it")
    void rejectsBadArguments() {
        Bank bank = new Bank(10, 10);
        assertRefused("transfer(0, 0, 1) (same account)", IllegalArgumentException.class, null, () -> bank.transfer(0, 0, 1));
        assertRefused("transfer(0, 1, 0) (zero amount)", IllegalArgumentException.class, null, () -> bank.transfer(0, 1, 0));
        assertRefused("transfer(0, 1, -3) (negative amount)", IllegalArgumentException.class, null,
                () -> bank.transfer(0, 1, -3));
        assertRefused("transfer(0, 2, 1) (unknown account)", IllegalArgumentException.class, null, () -> bank.transfer(0, 2, 1));
        assertRefused("transfer(-1, 1, 1) (unknown account)", IllegalArgumentException.class, null,
                () -> bank.transfer(-1, 1, 1));
        assertRefused("new Bank(10, -1) (negative balance)", IllegalArgumentException.class, null, () -> new Bank(10, -1));
        assertRefused("new Bank(Long.MAX_VALUE, 1) (balances that add up to more than Long.MAX_VALUE: totalBalance(), and"
                + " an account that receives all the money, would wrap around to a negative number)",
                IllegalArgumentException.class, "Long.MAX_VALUE", () -> new Bank(Long.MAX_VALUE, 1));
        Bank full = new Bank(Long.MAX_VALUE - 1, 1);
        assertThat(full.transfer(1, 0, 1)).withFailMessage("in new Bank(Long.MAX_VALUE - 1, 1), transfer(1, 0, 1) was"
                + " refused: balances that add up to exactly Long.MAX_VALUE fit, and so does every transfer between them")
                .isTrue();
        assertThat(new long[] {full.balance(0), full.balance(1), full.totalBalance()}).withFailMessage("after moving"
                + " all the money of new Bank(Long.MAX_VALUE - 1, 1) into account 0, expected balances Long.MAX_VALUE and 0"
                + " and that total, saw %d, %d and %d", full.balance(0), full.balance(1), full.totalBalance())
                .containsExactly(Long.MAX_VALUE, 0, Long.MAX_VALUE);
        assertThat(bank.totalBalance()).withFailMessage("refused transfers changed the total from 20 to %d: a refused call"
                + " must change nothing", bank.totalBalance()).isEqualTo(20);
    }

    private static void assertBalances(Bank bank, long expected0, long expected1, String when) {
        long actual0 = bank.balance(0);
        long actual1 = bank.balance(1);
        assertThat(new long[] {actual0, actual1}).withFailMessage("%s: the balances are %d and %d, expected %d and %d",
                when, actual0, actual1, expected0, expected1).containsExactly(expected0, expected1);
    }

    /** THREADS threads released together, each transferring until it has done enough for long enough. */
    private static void hammer(Concurrently.Repeated transfer) {
        Concurrently.threads(THREADS).named("teller").run(t -> {
            long end = System.nanoTime() + KEEP_GOING.toNanos();
            for (int i = 0; i < TRANSFERS_PER_THREAD || System.nanoTime() - end < 0; i++) {
                transfer.run(t, i);
            }
        });
    }

    private static void assertMoneyConserved(Bank bank, int accounts, long expectedTotal) {
        for (int i = 0; i < accounts; i++) {
            long balance = bank.balance(i);
            assertThat(balance).withFailMessage(
                    "account %d holds %d: an account went below zero. The balance check and the withdrawal must happen"
                            + " under the account's lock, as one step.", i, balance).isNotNegative();
        }
        long total = bank.totalBalance();
        assertThat(total).withFailMessage(
                "the bank held %d before the transfers and %d after: %d was %s. A transfer must hold the locks of"
                        + " both its accounts while it moves the money, or concurrent updates overwrite each other.",
                expectedTotal, total, Math.abs(total - expectedTotal), total < expectedTotal ? "lost" : "created")
                .isEqualTo(expectedTotal);
    }
}
