package workshop.locks;

/**
 * Exercise 1 (README: "1. BankAccount"). This is the guide's bank account, translated to Java, and it
 * is broken: run its tests and watch deposits get lost and withdrawals overdraw the account when
 * several threads use it at once.
 *
 * <p>Make it thread-safe. The balance after any mix of concurrent deposits and withdrawals must be
 * exact, and {@code withdraw} must never take the balance below zero.
 */
public class BankAccount {

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
        long current = balance; // read ...
        requireRoomFor(current, amount);
        balance = current + amount; // ... then write: another thread may have written in between
    }

    /**
     * Takes {@code amount} (more than zero) from the balance if the balance covers it.
     *
     * @return true if the money was taken, false if the funds were short (nothing changes then)
     */
    public boolean withdraw(long amount) {
        requirePositive(amount);
        if (balance >= amount) { // check ...
            long current = balance;
            balance = current - amount; // ... then act: the balance may have changed since the check
            return true;
        }
        return false;
    }

    /** The current balance. */
    public long balance() {
        return balance;
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
