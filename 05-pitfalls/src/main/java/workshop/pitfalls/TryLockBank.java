package workshop.pitfalls;

import java.time.Duration;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exercise 2 (README: "2. TryLockBank"). The other way out of the bank's deadlock: do not wait for the
 * second lock forever. Take the first account's lock, <em>try</em> the second, and if it is taken,
 * let go of everything, back off for a moment and try again, until the transfer is done or the
 * timeout has passed.
 *
 * <p>Under heavy traffic in both directions every transfer must finish (no deadlock, and no livelock:
 * two threads that keep backing off in step never get anywhere). When a lock stays held elsewhere,
 * {@code transfer} returns {@link TransferOutcome#TIMED_OUT} after about the timeout, and holds no
 * lock afterwards. Every balance stays zero or more, also when several transfers from one account run
 * at the same time.
 *
 * <p>Everything except {@link #transfer} is written for you; {@link #lockOf} exposes each account's lock
 * so the tests can hold one and check what you leave held.
 */
public class TryLockBank {

    /** What became of a transfer. */
    public enum TransferOutcome {
        /** The money moved. */
        DONE,
        /** The source account did not cover the amount; nothing changed. */
        INSUFFICIENT_FUNDS,
        /** The locks could not be taken within the timeout; nothing changed. */
        TIMED_OUT
    }

    private final Lock[] locks;
    private final long[] balances; // balances[i] is guarded by locks[i]

    /**
     * Opens one account per initial balance, numbered from 0.
     *
     * @throws IllegalArgumentException if a balance is below zero, or the balances add up to more than
     *     {@code Long.MAX_VALUE}: the total, and an account that receives all of it, must fit in a {@code long},
     *     and then no transfer can overflow
     */
    public TryLockBank(long... initialBalances) {
        locks = new Lock[initialBalances.length];
        balances = new long[initialBalances.length];
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
            locks[i] = new ReentrantLock();
            balances[i] = initialBalances[i];
        }
    }

    /**
     * Moves {@code amount} from account {@code from} to account {@code to}, waiting at most about
     * {@code timeout} for the two accounts' locks. A zero or negative timeout makes one attempt and does
     * not wait, as {@code Lock.tryLock(0, unit)}; any {@code Duration} is accepted, and a huge one, up to
     * {@code Duration.ofSeconds(Long.MAX_VALUE)}, waits as long as it takes (convert with
     * {@code TimeUnit.NANOSECONDS.convert(timeout)}, which saturates; {@code timeout.toNanos()} throws
     * {@link ArithmeticException} beyond about 292 years).
     *
     * @return {@code DONE}, {@code INSUFFICIENT_FUNDS} (nothing changes), or {@code TIMED_OUT} (nothing
     *     changes, and no lock is left held)
     * @throws IllegalArgumentException if an account does not exist, {@code from == to}, or {@code amount}
     *     is not more than zero
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if the thread is interrupted on entry (also when both locks are free:
     *     check the interrupt before anything else), while it waits or while it backs off; nothing
     *     changes, no lock is left held, and the interrupt status is cleared
     */
    public TransferOutcome transfer(int from, int to, long amount, Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("TODO 05-pitfalls exercise 2: TryLockBank.transfer()");
    }

    /** The balance of one account. */
    public long balance(int account) {
        Lock lock = lockOf(account);
        lock.lock();
        try {
            return balances[account];
        } finally {
            lock.unlock();
        }
    }

    /** The sum of all balances (exact when no transfer is in flight). */
    public long totalBalance() {
        long total = 0;
        for (int i = 0; i < balances.length; i++) {
            total += balance(i);
        }
        return total;
    }

    /**
     * The lock that guards one account's balance. For tests and inspection: a caller that takes it
     * blocks every transfer that involves the account.
     */
    public Lock lockOf(int account) {
        if (account < 0 || account >= locks.length) {
            throw new IllegalArgumentException("account must be from 0 to " + (locks.length - 1) + ", was " + account);
        }
        return locks[account];
    }
}
