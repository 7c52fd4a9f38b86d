package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import workshop.testkit.Concurrently;
import workshop.testkit.LincheckBudget;
import workshop.testkit.PassesOnSkeleton;
import workshop.testkit.TimeLimit;

/** Exercise 1: README "1. BankAccount". */
@Param(name = "amount", gen = IntGen.class, conf = "1:3")
// The tests whose messages name the lesson run first, so the first failure a learner sees is one of them: lost
// deposits (the skeleton), then deposit() and withdraw() under different locks, then the check outside the lock;
// Lincheck's interleaving comes after them, as the step-by-step evidence.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class BankAccountTest {

    private static final int ROUNDS = 20_000;
    /**
     * On a busy machine the threads often take turns instead of running together, and 20,000 rounds may hold too few
     * collisions to catch a race: the race tests go on, up to ten times as many rounds, until in 10,000 of them the
     * threads really ran at the same time.
     */
    private static final int MAX_ROUNDS = 10 * ROUNDS;
    private static final int OVERLAPPING = ROUNDS / 2;

    @Test
    @Order(1)
    void depositsMadeAtTheSameInstantAreNeverLost() {
        // Threads released together, round after round: their read-add-write steps overlap every round.
        int threads = Concurrently.cores();
        BankAccount account = new BankAccount(0);

        int rounds = Concurrently.threads(threads).named("depositor")
                .inLockstepUntilOverlapped(ROUNDS, OVERLAPPING, MAX_ROUNDS, (t, round) -> account.deposit(1));

        assertNoDepositLost(account.balance(), (long) threads * rounds,
                rounds + " rounds in which " + threads + " threads deposited 1 at the same instant");
    }

    private static void assertNoDepositLost(long seen, long expected, String what) {
        assertThat(seen).withFailMessage(
                "expected %d after %s, saw %d: %d updates were lost. Two threads read the same balance before either"
                        + " wrote it back, and one write overwrote the other. Make the read-modify-write in deposit()"
                        + " one atomic step (README 1: race conditions).", expected, what, seen, expected - seen)
                .isEqualTo(expected);
    }

    @Test
    @Order(2)
    void depositsAndWithdrawalsAtTheSameInstantKeepTheBalanceExact() {
        // Every round, one thread deposits while another withdraws 1. The deposits are a billion each, more than all the
        // withdrawals together: a lost deposit and lost withdrawals can never cancel out in the final balance.
        int threads = Concurrently.cores();
        long deposit = 1_000_000_000;
        long initial = 1_000_000; // enough that every withdrawal is covered, even before the first deposit
        BankAccount account = new BankAccount(initial);
        AtomicLong refused = new AtomicLong();

        int rounds = Concurrently.threads(threads).named("teller").inLockstepUntilOverlapped(ROUNDS, OVERLAPPING,
                MAX_ROUNDS, (t, round) -> {
                    if (t % 2 == 0) {
                        account.deposit(deposit);
                    } else if (!account.withdraw(1)) {
                        refused.incrementAndGet();
                    }
                });

        long deposits = (long) (threads - threads / 2) * rounds;
        long withdrawals = (long) (threads / 2) * rounds - refused.get();
        long expected = initial + deposits * deposit - withdrawals;
        assertThat(refused.get()).withFailMessage(
                "%d withdrawals of 1 were refused although the balance (1,000,000 at the start, and only growing) always"
                        + " covered them: withdraw() read a balance that a concurrent deposit() or withdraw() was half-way"
                        + " through changing. Both methods change the same balance, so both must take the same lock (a lock"
                        + " on deposit() alone does not stop withdraw()).",
                refused.get()).isZero();
        long seen = account.balance();
        assertThat(seen).withFailMessage(
                "expected %d after %d deposits of 1,000,000,000 and %d withdrawals of 1, saw %d (%s): deposits and"
                        + " withdrawals overwrote each other. Both change the same balance, so both must take the same lock"
                        + " (a lock on deposit() alone does not stop withdraw() from interleaving with it).",
                expected, deposits, withdrawals, seen, lost(expected - seen, deposit)).isEqualTo(expected);
    }

    /** What a balance that is {@code missing} short says was lost: whole deposits, and withdrawals of 1 (negative). */
    private static String lost(long missing, long deposit) {
        long deposits = Math.floorDiv(missing + deposit - 1, deposit);
        long withdrawals = deposits * deposit - missing;
        return deposits + " deposit(s) and " + withdrawals + " withdrawal(s) lost";
    }

    @Test
    @Order(3)
    void concurrentWithdrawalsNeverOverdraw() {
        // Every round, threads on every core at once try to withdraw 2 from an account holding 3:
        // exactly one may succeed.
        BankAccount[] accounts = new BankAccount[MAX_ROUNDS];
        for (int r = 0; r < MAX_ROUNDS; r++) {
            accounts[r] = new BankAccount(3);
        }
        AtomicIntegerArray successes = new AtomicIntegerArray(MAX_ROUNDS);

        int rounds = Concurrently.threads(Concurrently.cores()).named("withdrawer")
                .inLockstepUntilOverlapped(ROUNDS, OVERLAPPING, MAX_ROUNDS, (t, round) -> {
                    if (accounts[round].withdraw(2)) {
                        successes.incrementAndGet(round);
                    }
                });

        int wrongRounds = 0;
        String example = "";
        for (int r = 0; r < rounds; r++) {
            if (successes.get(r) != 1 || accounts[r].balance() != 1) {
                if (wrongRounds++ == 0) {
                    example = successes.get(r) + " withdrawals of 2 succeeded and the balance is " + accounts[r].balance();
                }
            }
        }
        assertThat(wrongRounds).withFailMessage(
                "in %d of %d rounds an account holding 3 ended wrong (for example: %s). Several threads checked"
                        + " 'balance >= amount' before any of them took the money: check-then-act. The check and the"
                        + " update must happen under the same lock, as one step.", wrongRounds, rounds, example).isZero();
    }

    // Lincheck model checking: explores thread interleavings of these operations systematically and
    // reports the first one whose results no sequential order of the same calls could produce.

    private final BankAccount account = new BankAccount(2);

    @Operation
    public void deposit(@Param(name = "amount") int amount) {
        account.deposit(amount);
    }

    @Operation
    public boolean withdraw(@Param(name = "amount") int amount) {
        return account.withdraw(amount);
    }

    @Operation
    public long balance() {
        return account.balance();
    }

    @Test
    @Order(4)
    @TimeLimit(60)
    void behavesAsIfOneOperationRanAtATime() {
        LincheckBudget.check(LincheckBudget.modelChecking(), getClass(), "Lincheck found an interleaving of deposit(), withdraw() and balance(), printed below step by step, whose"
                + " results no one-at-a-time order of the same calls could give: two operations read and wrote the"
                + " balance at the same time. Every method that touches the balance must hold the same lock for its"
                + " whole read-check-write: a check made before taking the lock is a check-then-act, and a lock on deposit()"
                + " alone does not stop withdraw().");
    }

    @Test
    @Order(5)
    @PassesOnSkeleton("the skeleton already rejects bad amounts: keep those checks when you fix it")
    void rejectsAmountsThatAreNotPositive() {
        BankAccount account = new BankAccount(10);
        assertRefused("deposit(0)", () -> account.deposit(0));
        assertRefused("deposit(-5)", () -> account.deposit(-5));
        assertRefused("withdraw(0)", () -> account.withdraw(0));
        assertRefused("withdraw(-1)", () -> account.withdraw(-1));
        assertRefused("new BankAccount(-1)", () -> new BankAccount(-1));
        assertThat(account.balance()).withFailMessage("refused amounts changed the balance from 10 to %d",
                account.balance()).isEqualTo(10);
    }

    private static void assertRefused(String call, ThrowingCallable code) {
        Throwable thrown = catchThrowable(code);
        assertThat(thrown).withFailMessage("%s %s: an amount (or opening balance) below what the README allows must"
                + " throw IllegalArgumentException. The skeleton has these checks: keep them when you fix it.", call,
                thrown == null ? "returned normally" : "threw " + thrown).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Order(6)
    @PassesOnSkeleton("single-threaded behaviour: the skeleton gets it right; the bug shows only under concurrency")
    void refusesAWithdrawalTheBalanceDoesNotCover() {
        BankAccount account = new BankAccount(5);
        assertThat(account.withdraw(6)).withFailMessage("withdraw(6) from an account holding 5 returned true: it must"
                + " refuse (return false) when the balance does not cover the amount").isFalse();
        assertThat(account.balance()).withFailMessage("a refused withdraw(6) changed the balance from 5 to %d: a refused"
                + " withdrawal changes nothing", account.balance()).isEqualTo(5);
        assertThat(account.withdraw(5)).withFailMessage("withdraw(5) from an account holding 5 returned false: a balance"
                + " that covers the amount exactly is enough").isTrue();
        assertThat(account.balance()).withFailMessage("after withdrawing all 5, the balance is %d, expected 0",
                account.balance()).isZero();
    }
}
