/*
 * Wrong: deposit() unlocks after the update, not in `finally`: the ArithmeticException of a deposit past `Long.MAX_VALUE` leaves the lock held forever
 * Rejected by: BankAccountTest#aRefusedDepositLeavesTheAccountUsableByOtherThreads
 * Message: the lock was left held after the exception: unlock in finally
 */
package workshop.locks;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bank account that many threads may use at once.
 *
 * <p>Thread-safe. Every read-modify-write of the balance, including the check in {@link #withdraw},
 * happens under one lock, so no update is lost and the balance never goes below zero. Invariant:
 * {@code balance >= 0}.
 *
 * <p>Memory consistency: actions before a {@code deposit} or {@code withdraw} happen-before the actions
 * of any thread that later sees its effect through {@link #balance()}.
 */
public class BankAccount {

    /** Guards {@link #balance}. */
    private final ReentrantLock lock = new ReentrantLock();

    @GuardedBy("lock")
    private long balance;

    /** Opens an account with {@code initial} (zero or more). */
    public BankAccount(long initial) {
        if (initial < 0) {
            throw new IllegalArgumentException("initial balance must be zero or more, was " + initial);
        }
        this.balance = initial;
    }

    /**
     * Adds {@code amount} (more than zero) to the balance.
     *
     * @throws ArithmeticException if the balance would pass {@code Long.MAX_VALUE} (nothing changes then)
     */
    public void deposit(long amount) {
        requirePositive(amount);
        lock.lock();
        requireRoomFor(balance, amount); // under the lock: the room checked is the room written into
        balance += amount;
        lock.unlock();
    }

    /**
     * Takes {@code amount} (more than zero) from the balance if the balance covers it. The check and
     * the update are one atomic step: nobody can spend the same money in between.
     *
     * @return true if the money was taken, false if the funds were short (nothing changes then)
     */
    public boolean withdraw(long amount) {
        requirePositive(amount);
        lock.lock();
        try {
            if (balance < amount) {
                return false;
            }
            balance -= amount;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The current balance. */
    public long balance() {
        lock.lock();
        try {
            return balance;
        } finally {
            lock.unlock();
        }
    }

    private static void requireRoomFor(long balance, long amount) {
        if (balance > Long.MAX_VALUE - amount) { // balance + amount itself would wrap around to a negative number
            throw new ArithmeticException("a deposit of " + amount + " into a balance of " + balance
                    + " would pass Long.MAX_VALUE; nothing was deposited");
        }
    }

    private static void requirePositive(long amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be more than zero, was " + amount);
        }
    }
}
