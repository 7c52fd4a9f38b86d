/*
 * Wrong: the balance checked before the locks are taken
 * Rejected by: BankTest#transfersFromOneAccountAtTheSameInstantNeverOverdrawIt
 * Message: check-then-act
 */
package workshop.pitfalls;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bank whose accounts many threads may transfer between at once, with one lock per account.
 *
 * <p>Thread-safe and deadlock-free. A transfer holds the locks of both its accounts, and it always
 * takes them in the same global order, lower account number first, whichever way the money flows.
 * A cycle of threads each waiting for a lock the next one holds would need some thread to wait for a
 * lower-numbered lock while holding a higher-numbered one, which never happens. Invariants: every
 * balance is zero or more, and the total never changes.
 *
 * <p>Memory consistency: actions before a successful {@code transfer} happen-before the actions of any
 * thread that later sees its effect through {@link #balance} or {@link #totalBalance}.
 */
public class Bank {

    /** One account: its balance and the lock that guards it. */
    private static final class Account {
        final ReentrantLock lock = new ReentrantLock();
        @GuardedBy("lock")
        long balance;

        Account(long balance) {
            this.balance = balance;
        }
    }

    private final Account[] accounts;

    /**
     * Opens one account per initial balance, numbered from 0.
     *
     * @throws IllegalArgumentException if a balance is below zero, or the balances add up to more than
     *     {@code Long.MAX_VALUE}: the total, and an account that receives all of it, must fit in a {@code long},
     *     and then no transfer can overflow
     */
    public Bank(long... initialBalances) {
        accounts = new Account[initialBalances.length];
        long total = 0;
        for (int i = 0; i < initialBalances.length; i++) {
            if (initialBalances[i] < 0) {
                throw new IllegalArgumentException("initial balance of account " + i + " must be zero or more, was "
                        + initialBalances[i]);
            }
            if (total > Long.MAX_VALUE - initialBalances[i]) {
                throw new IllegalArgumentException("the initial balances add up to more than Long.MAX_VALUE: the total"
                        + " would wrap around to a negative number");
            }
            total += initialBalances[i];
            accounts[i] = new Account(initialBalances[i]);
        }
    }

    /**
     * Moves {@code amount} from account {@code from} to account {@code to} if {@code from} covers it.
     *
     * @return true if the money moved, false if the funds were short (nothing changes then)
     * @throws IllegalArgumentException if an account does not exist, {@code from == to}, or
     *     {@code amount} is not more than zero
     */
    public boolean transfer(int from, int to, long amount) {
        checkTransfer(from, to, amount);
        Account source = accounts[from];
        Account target = accounts[to];
        // Lock order is by account number, not by direction: 1->2 and 2->1 both lock 1 first.
        Account first = from < to ? source : target;
        Account second = from < to ? target : source;
        if (balance(from) < amount) { // checked before the locks: another transfer can take the money meanwhile
            return false;
        }
        first.lock.lock();
        try {
            second.lock.lock();
            try {
                source.balance -= amount;
                target.balance += amount;
                return true;
            } finally {
                second.lock.unlock();
            }
        } finally {
            first.lock.unlock();
        }
    }

    /** The balance of one account. */
    public long balance(int account) {
        checkAccount(account, "account");
        Account a = accounts[account];
        a.lock.lock();
        try {
            return a.balance;
        } finally {
            a.lock.unlock();
        }
    }

    /** The sum of all balances (exact when no transfer is in flight). */
    public long totalBalance() {
        long total = 0;
        for (int i = 0; i < accounts.length; i++) {
            total += balance(i);
        }
        return total;
    }

    private void checkTransfer(int from, int to, long amount) {
        checkAccount(from, "from");
        checkAccount(to, "to");
        if (from == to) {
            throw new IllegalArgumentException("from and to must be different accounts, both were " + from);
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be more than zero, was " + amount);
        }
    }

    private void checkAccount(int account, String name) {
        if (account < 0 || account >= accounts.length) {
            throw new IllegalArgumentException(name + " must be an account from 0 to " + (accounts.length - 1)
                    + ", was " + account);
        }
    }
}
