package workshop.pitfalls.support;

import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.opentest4j.AssertionFailedError;

/** Checks that a call refuses bad input, with a message that says which call, what it did instead, and what to fix. */
public final class Refused {

    private Refused() {
    }

    /**
     * Runs {@code body} (the call described by {@code call}) and checks that it throws {@code expected}, whose
     * message names {@code naming} unless that is null; returns what it threw.
     */
    public static <X extends Throwable> X assertRefused(String call, Class<X> expected, String naming, ThrowingCallable body) {
        Throwable thrown = catchThrowable(body);
        String wanted = expected.getSimpleName() + (naming == null ? "" : " naming \"" + naming + "\"");
        if (!expected.isInstance(thrown)) {
            throw new AssertionFailedError(call + " must be refused with " + wanted + ", but it "
                    + (thrown == null ? "returned normally" : "threw " + thrown) + ". Check the arguments first, before"
                    + " anything changes.", thrown);
        }
        String message = thrown.getMessage();
        if (naming != null && (message == null || !message.contains(naming))) {
            throw new AssertionFailedError(call + " threw " + thrown + ": the message must name \"" + naming
                    + "\", so that the caller sees which argument is wrong.", thrown);
        }
        return expected.cast(thrown);
    }
}
