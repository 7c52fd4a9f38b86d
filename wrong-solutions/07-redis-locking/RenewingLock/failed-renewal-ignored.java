/*
 * Wrong: a failed renewal is ignored (`isLost()` never turns true)
 * Rejected by: RenewingLockTest#reportsLossWhenTheKeyDisappears, RenewingLockTest#reportsLossWhenTheServerIsGoneForLongerThanTheTtl
 * Message: isLost() stayed false
 * Caught by: `reportsLossWhenTheKeyDisappears`, `reportsLossWhenAnotherClientOwnsTheKeyAndLeavesItsLockAlone`, `reportsLossWhenTheServerIsGoneForLongerThanTheTtl`
 */
package workshop.redislocking;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A {@link RedisLock} with a watchdog, as Redisson's lock has: while a {@link Lease} is open, a
 * background thread extends the lock every {@code renewEvery}, so work may take longer than the TTL,
 * and a crashed client still loses the lock one TTL after its last renewal.
 *
 * <p>The renewal is the compare-and-extend of {@link RedisLock#extend}: it never extends a lock that
 * another client took over. When a renewal finds the key gone or holding another value, or the server
 * cannot be reached for longer than the TTL, the lease reports {@link Lease#isLost() lost} and renewing
 * stops. Closing the lease stops the renewal thread and waits for it to end before it releases the
 * lock, so no renewal reaches the server after {@code close()} returns.
 *
 * <p>Renewal narrows the window but does not close it: a client paused for longer than the TTL (a long
 * GC pause, a frozen VM) loses the lock without knowing it. Fencing tokens close it ({@link FencedLock}).
 *
 * <p>Thread-safe. Each open lease owns one platform thread.
 */
public class RenewingLock {

    private final RedisLock lock;
    private final Duration renewEvery;

    /**
     * @param lock       the lock to hold
     * @param renewEvery how often to extend it; more than zero and less than the lock's TTL (a third of
     *                   the TTL leaves room for two failed renewals)
     */
    public RenewingLock(RedisLock lock, Duration renewEvery) {
        this.lock = Objects.requireNonNull(lock, "lock");
        Objects.requireNonNull(renewEvery, "renewEvery");
        if (renewEvery.isNegative() || renewEvery.isZero()) {
            throw new IllegalArgumentException("renewEvery must be more than zero, was " + renewEvery);
        }
        if (renewEvery.compareTo(lock.ttl()) >= 0) {
            throw new IllegalArgumentException("renewEvery (" + renewEvery + ") must be less than the lock's ttl ("
                    + lock.ttl() + "), or the lock expires between two renewals");
        }
        this.renewEvery = renewEvery;
    }

    /**
     * Tries to take the lock (see {@link RedisLock#tryAcquire}: a wait of zero or less means one attempt, a
     * huge one as long as it takes) and, if it got it, starts renewing it.
     *
     * @return the open lease, or empty if the lock stayed taken for {@code wait}
     * @throws InterruptedException if the thread is interrupted before or while it waits (status cleared,
     *                              no key left behind)
     */
    public Optional<Lease> tryAcquire(Duration wait) throws InterruptedException {
        long acquiring = System.nanoTime(); // the TTL started no earlier than this
        return lock.tryAcquire(wait).map(token -> {
            RenewedLease lease = new RenewedLease(token, acquiring);
            lease.start();
            return lease;
        });
    }

    /** An open lease and the thread that renews it. */
    private final class RenewedLease implements Lease {

        private final LockToken token;
        /** Counted down by close(): ends the renewal loop at once. */
        private final CountDownLatch closed = new CountDownLatch(1);
        private final Thread renewer;
        /** Set once by the renewer (or by close()), read by anyone. */
        private volatile boolean lost;
        /** Written only by the renewer thread. */
        private long lastConfirmedNanos;
        /** Makes close() act once. */
        private final AtomicBoolean closeCalled = new AtomicBoolean();

        RenewedLease(LockToken token, long acquiredNanos) {
            this.token = token;
            this.lastConfirmedNanos = acquiredNanos;
            this.renewer = new Thread(this::renewUntilClosed, "lease-renewer[" + token.name() + "]");
            this.renewer.setDaemon(true);
        }

        void start() {
            renewer.start();
        }

        private void renewUntilClosed() {
            try {
                while (!closed.await(renewEvery.toNanos(), TimeUnit.NANOSECONDS)) {
                    renewOnce(); // the answer is not looked at
                }
            } catch (InterruptedException e) {
                // Only close() could want this thread gone; it ends here either way.
                Thread.currentThread().interrupt();
            }
        }

        /** One renewal. Returns false when the lock is certainly lost. Called only on the renewer thread. */
        private boolean renewOnce() {
            long attempt = System.nanoTime();
            try {
                if (lock.extend(token, lock.ttl())) {
                    lastConfirmedNanos = attempt;
                    return true;
                }
                return false; // the key expired or another client owns it now
            } catch (JedisException e) {
                // The server did not answer. The lock survives until its TTL runs out; keep trying until then.
                return System.nanoTime() - lastConfirmedNanos < TimeUnit.NANOSECONDS.convert(lock.ttl());
            }
        }

        @Override
        public LockToken token() {
            return token;
        }

        @Override
        public boolean isLost() {
            return lost;
        }

        /**
         * {@inheritDoc}
         *
         * @throws JedisException if the server cannot be reached to release the lock (it then expires
         *                        after its TTL; no renewal keeps it alive)
         */
        @Override
        public void close() {
            if (!closeCalled.compareAndSet(false, true)) {
                return;
            }
            closed.countDown();
            joinUninterruptibly(renewer); // after this, no renewal can reach the server
            if (!lost) {
                lock.release(token);
            }
        }

        private static void joinUninterruptibly(Thread thread) {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return "Lease[" + token + (lost ? ", lost]" : "]"); // LockToken.toString() hides the secret value
        }
    }
}
