package workshop.redislocking.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import workshop.testkit.BlockingCall;
import workshop.testkit.Timeouts;

/**
 * The waiting rules every lock of this module follows, as {@code java.util.concurrent} does: a huge wait
 * ({@link Timeouts#FOREVER}) means as long as it takes, a hugely negative one ({@link Timeouts#MOST_NEGATIVE})
 * means one attempt and no waiting, and an interrupt ends the wait with {@link InterruptedException}, the
 * interrupt status cleared, and the lock's keys as they were.
 */
public final class Waiting {

    /** One lock's tryAcquire. */
    @FunctionalInterface
    public interface Attempt {
        Optional<?> tryAcquire(Duration wait) throws InterruptedException;
    }

    /** Another client that takes and gives back the same lock. */
    public interface OtherClient {
        void take() throws Exception;

        void release() throws Exception;
    }

    private Waiting() {
    }

    /**
     * A held lock: {@code MOST_NEGATIVE} returns empty at once, {@code FOREVER} waits until the other client
     * releases and then gets the lock; a free lock: {@code MOST_NEGATIVE} gets it with its one attempt.
     */
    public static void hugeAndNegativeWaits(String lock, Attempt attempt, OtherClient other, Consumer<Object> releaseOwn)
            throws Exception {
        other.take();
        Optional<?> none = Timeouts.assertReturnsAtOnce(lock + ".tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) on a"
                + " lock another client holds", () -> attempt.tryAcquire(Timeouts.MOST_NEGATIVE));
        assertThat(none).withFailMessage("%s.tryAcquire(a hugely negative wait) got %s while another client held the"
                + " lock", lock, none.orElse(null)).isEmpty();

        Optional<?> got;
        try (BlockingCall<Optional<?>> waiter = Timeouts.assertWaits(lock + ".tryAcquire(FOREVER)",
                () -> attempt.tryAcquire(Timeouts.FOREVER), "for the other client to release the lock")) {
            other.release();
            got = waiter.assertFinishes(lock + ".tryAcquire(Duration.ofSeconds(Long.MAX_VALUE)) did not take the lock"
                    + " after the other client released it: a huge wait means as long as it takes, so keep trying.");
        }
        assertThat(got).withFailMessage("%s.tryAcquire(Duration.ofSeconds(Long.MAX_VALUE)) returned empty: a huge wait"
                + " means as long as it takes (convert it with TimeUnit.NANOSECONDS.convert, which saturates, and"
                + " compare elapsed time with it without overflowing: elapsed < wait, not now < start + wait)", lock)
                .isPresent();
        releaseOwn.accept(got.get());

        Optional<?> once = Timeouts.assertReturnsAtOnce(lock + ".tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) on a"
                + " free lock", () -> attempt.tryAcquire(Timeouts.MOST_NEGATIVE));
        assertThat(once).withFailMessage("%s.tryAcquire(a hugely negative wait) on a free lock returned empty: zero or"
                + " a negative wait still makes one attempt", lock).isPresent();
        releaseOwn.accept(once.get());
    }

    /**
     * An interrupted caller gets InterruptedException at once and leaves no key; a caller interrupted while it
     * waits for a held lock gets it too, with its status cleared, and the other client's keys stay as they were.
     */
    public static void interrupts(String lock, Attempt attempt, OtherClient other, Supplier<List<String>> keyValues)
            throws Exception {
        List<String> free = keyValues.get();
        Timeouts.assertInterruptedCallerGetsInterruptedException(lock + ".tryAcquire(FOREVER)",
                () -> attempt.tryAcquire(Timeouts.FOREVER));
        assertThat(keyValues.get()).withFailMessage("%s.tryAcquire by an interrupted caller changed the lock's keys"
                + " from %s to %s: check for the interrupt before anything else, and leave no key behind", lock, free,
                keyValues.get()).isEqualTo(free);

        other.take();
        List<String> held = keyValues.get();
        try (BlockingCall<Boolean> waiter = BlockingCall.start(lock + ".tryAcquire(FOREVER) on a held lock", () -> {
            try {
                attempt.tryAcquire(Timeouts.FOREVER);
            } catch (InterruptedException expected) {
                return Thread.currentThread().isInterrupted();
            }
            throw new AssertionError(lock + ".tryAcquire(FOREVER) returned although the lock stayed held");
        })) {
            waiter.assertBlocks("for the other client to release the lock");
            waiter.thread().interrupt();
            Boolean stillInterrupted = waiter.assertFinishes(lock + ".tryAcquire(FOREVER) did not end when its thread"
                    + " was interrupted while it waited: the pause between two attempts must give way to an interrupt"
                    + " (Thread.sleep, TimeUnit.sleep and TimeSource.sleep throw InterruptedException: let it out)");
            assertThat(stillInterrupted).withFailMessage("%s.tryAcquire threw InterruptedException but left the"
                    + " interrupt status set: throwing it reports the interrupt, so clear the status (as Thread.sleep"
                    + " does)", lock).isFalse();
        }
        assertThat(keyValues.get()).withFailMessage("after a waiting %s.tryAcquire was interrupted, the lock's keys"
                + " went from %s to %s: an interrupted attempt must leave no key of its own and touch nobody else's",
                lock, held, keyValues.get()).isEqualTo(held);
        other.release();
    }
}
