/*
 * Wrong: retrying at once without a backoff (spinning)
 * Rejected by: TryLockBankTest#whileALockStaysHeldTheTransferBacksOffWithoutSpinningAndAnInterruptEndsIt
 * Message: back off
 * Caught by: `whileALockStaysHeldTheTransferBacksOffWithoutSpinningAndAnInterruptEndsIt` (CPU time)
 */
package workshop.pitfalls;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bank with one lock per account whose transfers never wait for a lock without a deadline.
 *
 * <p>A transfer takes the source account's lock (waiting at most until its deadline), then only
 * <em>tries</em> the target's. If the target is taken, it releases the first lock, so the thread
 * holding the target can finish, sleeps for a random backoff and tries again. The randomness matters:
 * two threads that back off for the same time retry at the same moment and collide again and again
 * (livelock); random, growing backoffs pull them apart. When the deadline passes, the transfer gives up
 * with {@link TransferOutcome#TIMED_OUT}, holding no lock.
 *
 * <p>Thread-safe. Invariants: every balance is zero or more, and the total never changes.
 *
 * <p>Memory consistency: actions before a transfer that returns {@code DONE} happen-before the actions
 * of any thread that later sees its effect through {@link #balance} or {@link #totalBalance}.
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

    /** The first backoff, in nanoseconds; each failed attempt doubles the bound up to {@link #MAX_BACKOFF_NANOS}. */
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

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
     * not wait, as {@code Lock.tryLock(0, unit)}; a huge one, up to {@code Duration.ofSeconds(Long.MAX_VALUE)},
     * waits as long as it takes.
     *
     * @return {@code DONE}, {@code INSUFFICIENT_FUNDS} (nothing changes), or {@code TIMED_OUT} (nothing
     *     changes, and no lock is left held)
     * @throws IllegalArgumentException if an account does not exist, {@code from == to}, or {@code amount}
     *     is not more than zero
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if the thread is interrupted on entry (also when both locks are free),
     *     while it waits or while it backs off; nothing changes, no lock is left held, and the interrupt
     *     status is cleared
     */
    public TransferOutcome transfer(int from, int to, long amount, Duration timeout) throws InterruptedException {
        Lock source = lockOf(from);
        Lock target = lockOf(to);
        if (from == to) {
            throw new IllegalArgumentException("from and to must be different accounts, both were " + from);
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be more than zero, was " + amount);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (Thread.interrupted()) { // before anything else, as Lock.tryLock(time, unit) does
            throw new InterruptedException("interrupted before transfer");
        }
        // Saturates at Long.MAX_VALUE ns (about 292 years: as long as it takes) where timeout.toNanos() would
        // throw ArithmeticException. A negative timeout counts as zero: adding Long.MIN_VALUE would wrap the
        // deadline into the far future. deadline may still wrap around; deadline - System.nanoTime() stays right.
        long deadline = System.nanoTime() + Math.max(0, TimeUnit.NANOSECONDS.convert(timeout));
        long backoffBound = MIN_BACKOFF_NANOS;
        while (true) {
            long remaining = deadline - System.nanoTime();
            // A zero or spent timeout still makes one attempt, as tryLock(0, unit) does.
            if (!source.tryLock(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
                return TransferOutcome.TIMED_OUT;
            }
            try {
                if (target.tryLock()) { // never wait for the second lock while holding the first
                    try {
                        if (balances[from] < amount) {
                            return TransferOutcome.INSUFFICIENT_FUNDS;
                        }
                        balances[from] -= amount;
                        balances[to] += amount;
                        return TransferOutcome.DONE;
                    } finally {
                        target.unlock();
                    }
                }
            } finally {
                source.unlock(); // on success and on failure: a failed attempt must leave nothing held
            }
            // Back off for a random time, so two threads that collided do not retry in step.
            remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return TransferOutcome.TIMED_OUT;
            }
            if (Thread.interrupted()) { // retries at once, no pause
                throw new InterruptedException();
            }
        }
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
