package workshop.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.concurrent.Callable;
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
import workshop.testkit.BlockingCall;
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
     * collisions to catch a race: the race tests ({@link Concurrently#race}) go on, up to ten times as many rounds or
     * half of {@link Concurrently#RACE_SECONDS}, until in 10,000 of them the threads really ran at the same time. On
     * a quiet machine that many overlap in the first 20,000 rounds. With two busy loops per core, 20,000 rounds took
     * 3 to 14 s (a correct class; 15,202 to 18,741 of them overlapped), so the default 8 s could fail a correct
     * class; each race test's {@code @TimeLimit} covers the race's limit.
     */
    private static final int MAX_ROUNDS = Concurrently.RACE_EXTENSION * ROUNDS;
    /** Fewer overlapping rounds than this, and no race seen: the test says it proved nothing (aborted), not passed. */
    private static final int CONCLUSIVE = 2_000;

    // The race tests give every round an account of its own: no thread has it in its cache yet, so every thread's read
    // of the balance waits for memory, and threads that start together all read it before any of them writes it back.
    // Each round is checked on its own, so no lost update can hide behind another.

    @Test
    @Order(1)
    @TimeLimit(Concurrently.RACE_SECONDS + 10)
    void depositsMadeAtTheSameInstantAreNeverLost() {
        // Every round, threads on every core at once deposit 1 into an account holding 0.
        int threads = Concurrently.cores();
        BankAccount[] accounts = accounts(0);

        Concurrently.Lockstep run = raceRounds("depositor", (t, round) -> accounts[round].deposit(1));
        int rounds = run.rounds();

        int wrongRounds = 0;
        long lost = 0;
        for (int r = 0; r < rounds; r++) {
            long balance = accounts[r].balance();
            if (balance != threads) {
                wrongRounds++;
                lost += threads - balance;
            }
        }
        assertThat(wrongRounds).withFailMessage(
                "in %d of %d rounds, %d threads each deposited 1 at the same instant into an account holding 0, and it"
                        + " did not end holding %d (%d deposits lost in all). Two threads read the same balance before either"
                        + " wrote it back, and one write overwrote the other. Make the read-modify-write in deposit() one"
                        + " atomic step (README 1: race conditions).", wrongRounds, rounds, threads, threads, lost)
                .isZero();
        run.abortUnlessOverlapped(CONCLUSIVE);
    }

    @Test
    @Order(2)
    @TimeLimit(Concurrently.RACE_SECONDS + 10)
    void depositsAndWithdrawalsAtTheSameInstantKeepTheBalanceExact() {
        // Every round, into an account holding 1,000, one thread deposits 1,000 while another withdraws 1. The
        // amounts differ, so a lost deposit and a lost withdrawal cannot cancel out.
        int threads = Concurrently.cores();
        int depositors = threads - threads / 2;
        int withdrawers = threads / 2;
        long initial = 1_000;
        BankAccount[] accounts = accounts(initial);
        AtomicLong refused = new AtomicLong();

        Concurrently.Lockstep run = raceRounds("teller", (t, round) -> {
            if (t % 2 == 0) {
                accounts[round].deposit(1_000);
            } else if (!accounts[round].withdraw(1)) {
                refused.incrementAndGet();
            }
        });

        assertThat(refused.get()).withFailMessage(
                "%d withdrawals of 1 were refused although every account held 1,000 or more: withdraw() read a balance"
                        + " that a concurrent deposit() or withdraw() was half-way through changing. Both methods change the"
                        + " same balance, so both must take the same lock (a lock on deposit() alone does not stop"
                        + " withdraw()).", refused.get()).isZero();
        int rounds = run.rounds();
        long expected = initial + depositors * 1_000L - withdrawers;
        int wrongRounds = 0;
        String example = "";
        for (int r = 0; r < rounds; r++) {
            long balance = accounts[r].balance();
            if (balance != expected && wrongRounds++ == 0) {
                example = balance == expected - 1_000 ? balance + ": a deposit was lost"
                        : balance == expected + 1 ? balance + ": a withdrawal was lost" : String.valueOf(balance);
            }
        }
        assertThat(wrongRounds).withFailMessage(
                "in %d of %d rounds an account holding 1,000 did not end at %d after %d deposit(s) of 1,000 and %d"
                        + " withdrawal(s) of 1 made at the same instant (for example: %s): deposits and withdrawals"
                        + " overwrote each other. Both change the same balance, so both must take the same lock (a lock on"
                        + " deposit() alone does not stop withdraw() from interleaving with it).",
                wrongRounds, rounds, expected, depositors, withdrawers, example).isZero();
        run.abortUnlessOverlapped(CONCLUSIVE);
    }

    /** Lockstep rounds on a thread per core, each thread running {@code body} once per round (see the constants). */
    private static Concurrently.Lockstep raceRounds(String name, Concurrently.Repeated body) {
        return Concurrently.threads(Concurrently.cores()).named(name).race(ROUNDS, body);
    }

    /** An account for every round the race tests may run, each holding {@code initial}. */
    private static BankAccount[] accounts(long initial) {
        BankAccount[] accounts = new BankAccount[MAX_ROUNDS];
        for (int r = 0; r < MAX_ROUNDS; r++) {
            accounts[r] = new BankAccount(initial);
        }
        return accounts;
    }

    @Test
    @Order(3)
    @TimeLimit(Concurrently.RACE_SECONDS + 10)
    void concurrentWithdrawalsNeverOverdraw() {
        // Every round, threads on every core at once try to withdraw 2 from an account holding 3:
        // exactly one may succeed.
        BankAccount[] accounts = accounts(3);
        AtomicIntegerArray successes = new AtomicIntegerArray(MAX_ROUNDS);

        Concurrently.Lockstep run = raceRounds("withdrawer", (t, round) -> {
            if (accounts[round].withdraw(2)) {
                successes.incrementAndGet(round);
            }
        });
        int rounds = run.rounds();

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
        run.abortUnlessOverlapped(CONCLUSIVE);
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

    @Test
    @Order(7)
    @PassesOnSkeleton("the skeleton already refuses a deposit past Long.MAX_VALUE: keep that check when you fix it")
    void aDepositThatWouldPassLongMaxValueIsRefusedAndChangesNothing() {
        BankAccount account = new BankAccount(Long.MAX_VALUE - 5);
        account.deposit(5);
        assertThat(account.balance()).withFailMessage("deposit(5) into Long.MAX_VALUE - 5 left %d, expected Long.MAX_VALUE:"
                + " a deposit that fits exactly must be made", account.balance()).isEqualTo(Long.MAX_VALUE);
        for (long amount : new long[] {1, Long.MAX_VALUE}) {
            Throwable thrown = catchThrowable(() -> account.deposit(amount));
            assertThat(thrown).withFailMessage("deposit(%d) into a balance of Long.MAX_VALUE %s, and the balance is now %d:"
                    + " the sum does not fit in a long and wraps around to a negative number, so money vanishes and the"
                    + " balance goes below zero. It must throw ArithmeticException and change nothing (the skeleton has"
                    + " this check: keep it, under the lock, when you fix it).", amount,
                    thrown == null ? "returned normally" : "threw " + thrown, account.balance())
                    .isInstanceOf(ArithmeticException.class);
            assertThat(account.balance()).withFailMessage("a refused deposit(%d) changed the balance from Long.MAX_VALUE to"
                    + " %d: a refused deposit changes nothing", amount, account.balance()).isEqualTo(Long.MAX_VALUE);
        }
    }

    @Test
    @Order(8)
    @PassesOnSkeleton("the skeleton has no lock to leave held; this test catches a fix whose lock an exception leaves held")
    void aRefusedDepositLeavesTheAccountUsableByOtherThreads() {
        BankAccount account = new BankAccount(Long.MAX_VALUE);
        Throwable thrown = catchThrowable(() -> account.deposit(1));
        assertThat(thrown).withFailMessage("deposit(1) into a balance of Long.MAX_VALUE %s: it must throw"
                + " ArithmeticException and change nothing", thrown == null ? "returned normally" : "threw " + thrown)
                .isInstanceOf(ArithmeticException.class);
        // The refused deposit ran on this thread: a lock it left held would still let this thread in (a
        // ReentrantLock is reentrant), so every call after it runs on another thread.
        long balance = onAnotherThread("balance()", account::balance);
        assertThat(balance).withFailMessage("after a refused deposit(1) into Long.MAX_VALUE, balance() on another thread"
                + " returned %d: a refused deposit changes nothing", balance).isEqualTo(Long.MAX_VALUE);
        boolean took = onAnotherThread("withdraw(1)", () -> account.withdraw(1));
        assertThat(took).withFailMessage("after a refused deposit, withdraw(1) from an account holding Long.MAX_VALUE"
                + " returned false on another thread: the balance covers it").isTrue();
        onAnotherThread("deposit(1)", () -> {
            account.deposit(1);
            return null;
        });
        assertThat(account.balance()).withFailMessage("after a refused deposit, withdraw(1) and deposit(1) left %d,"
                + " expected Long.MAX_VALUE", account.balance()).isEqualTo(Long.MAX_VALUE);
    }

    /** Runs {@code body} on a thread of its own and fails, saying where it waits, if it does not return in time. */
    private static <T> T onAnotherThread(String call, Callable<T> body) {
        try (BlockingCall<T> other = BlockingCall.start("other-thread", body)) {
            return other.assertFinishes(call + " on another thread did not return after a deposit was refused with"
                    + " ArithmeticException: the lock was left held after the exception: unlock in finally, as in"
                    + " lock.lock(); try { ... } finally { lock.unlock(); } (README: Mutex / Lock), so that a method"
                    + " that throws still releases it.");
        }
    }
}
