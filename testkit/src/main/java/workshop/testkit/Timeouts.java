package workshop.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.opentest4j.AssertionFailedError;

/**
 * Edge cases every waiting method of the workshop must survive, as {@code java.util.concurrent} does: a
 * timeout so large it means "as long as it takes", a hugely negative one, and a caller that is already
 * interrupted.
 *
 * <p>{@code Duration.toNanos()} throws {@link ArithmeticException} for anything beyond about 292 years;
 * {@code TimeUnit.NANOSECONDS.convert(duration)} saturates to {@code Long.MAX_VALUE} (or {@code MIN_VALUE})
 * instead, which is what a waiting method wants. The messages here say so.
 */
public final class Timeouts {

    /** "Wait as long as it takes": far beyond what {@code Duration.toNanos()} can hold. */
    public static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

    /** The most negative timeout: must behave like zero ("do not wait"). */
    public static final Duration MOST_NEGATIVE = Duration.ofSeconds(Long.MIN_VALUE);

    private static final String SATURATE = " A waiting method must accept any Duration: convert it with"
            + " TimeUnit.NANOSECONDS.convert(timeout), which saturates at Long.MAX_VALUE (about 292 years, as good as"
            + " forever), instead of timeout.toNanos(), which throws ArithmeticException beyond that.";

    private Timeouts() {
    }

    /**
     * Calls {@code call} (which passes {@link #FOREVER} or {@link #MOST_NEGATIVE} to the code under test, and is
     * expected not to wait) on a thread of its own, so that a call on a lock the test thread holds is a call by
     * another thread; returns its result. Fails with an explanation if it throws {@link ArithmeticException}, or if
     * it is still waiting after {@link BlockingCall#PATIENCE}. What the call takes (a lock) belongs to that thread,
     * which has ended: give it back in the call itself.
     */
    public static <T> T assertReturnsAtOnce(String what, Callable<T> call) throws Exception {
        try {
            return BlockingCall.within(what, BlockingCall.PATIENCE, what + " should not wait at all: a timeout of zero"
                    + " or less means \"do not wait\", and a huge one must not overflow into a negative deadline.", call);
        } catch (ArithmeticException e) {
            throw new AssertionFailedError(what + " threw " + e + "." + SATURATE, e);
        }
    }

    /**
     * Starts {@code call} (which passes {@link #FOREVER} to the code under test) on its own thread and checks
     * that it waits; the caller then releases it and calls {@link BlockingCall#assertFinishes}. Fails with an
     * explanation if it throws {@link ArithmeticException} instead of waiting.
     */
    public static <T> BlockingCall<T> assertWaits(String name, Callable<T> call, String whatItWaitsFor) {
        BlockingCall<T> blockingCall = BlockingCall.start(name, call);
        try {
            blockingCall.assertBlocks(whatItWaitsFor);
        } catch (AssertionFailedError e) {
            blockingCall.close();
            if (blockingCall.failure() instanceof ArithmeticException overflow) {
                throw new AssertionFailedError(name + " threw " + overflow + " instead of waiting." + SATURATE, overflow);
            }
            throw e;
        }
        return blockingCall;
    }

    /**
     * Runs {@code call} on a thread whose interrupt status is set before the call, as
     * {@code java.util.concurrent} methods expect: the call must throw {@link InterruptedException} at once,
     * without waiting and whatever the timeout (also {@link #FOREVER}), and clear the interrupt status.
     */
    public static void assertInterruptedCallerGetsInterruptedException(String what, Callable<?> call) {
        BlockingCall<Boolean> caller = BlockingCall.start(what + " by an interrupted caller", () -> {
            Thread.currentThread().interrupt();
            try {
                call.call();
            } catch (InterruptedException expected) {
                return Thread.currentThread().isInterrupted();
            }
            throw new AssertionFailedError(what + " was called by a thread whose interrupt status was set and returned"
                    + " normally. A waiting method must check for an interrupt before it waits and throw"
                    + " InterruptedException (Lock.lockInterruptibly() and Condition.await() do it for you).");
        });
        try (caller) {
            boolean stillInterrupted;
            try {
                stillInterrupted = caller.assertFinishes(what + " by an interrupted caller should throw"
                        + " InterruptedException at once, not wait: did it swallow the interrupt?");
            } catch (ArithmeticException e) {
                throw new AssertionFailedError(what + " threw " + e + " for an interrupted caller." + SATURATE
                        + " Check for the interrupt before converting the timeout.", e);
            }
            if (stillInterrupted) {
                throw new AssertionFailedError(what + " threw InterruptedException but left the interrupt status set:"
                        + " throwing InterruptedException reports the interrupt, so the status must be cleared"
                        + " (as Lock.lockInterruptibly() and Thread.sleep() do).");
            }
        }
    }
}
