package workshop.testkit;

import java.time.Duration;
import java.util.Locale;

/**
 * The one setting that stretches every time limit, patience and stall constant of the tests, for slow or
 * busy machines: the environment variable {@code WORKSHOP_TIME_FACTOR} or the system property
 * {@code workshop.time.factor} (the property wins), a number of at least 1; the default is 1.
 *
 * <p>Like the JSR-166 TCK's {@code jsr166.delay.factor}: read in one place, applied by every constant. It
 * never makes a test easier to pass with wrong code, only more patient with a slow CPU.
 *
 * <p>While a debugger is attached ({@link Debugger}) the factor is at least 1000, so that a learner who sits at a
 * breakpoint for minutes still gets the test's real result.
 */
public final class TimeFactor {

    /** The environment variable. */
    public static final String ENVIRONMENT_VARIABLE = "WORKSHOP_TIME_FACTOR";

    /** The system property ({@code -Dworkshop.time.factor=3}). */
    public static final String PROPERTY = "workshop.time.factor";

    /** While a debugger is attached: every patience long enough for a coffee at a breakpoint. */
    static final double WHILE_DEBUGGING = 1000;

    private static final double FACTOR = read();

    private TimeFactor() {
    }

    /** The factor in force (at least 1). */
    public static double factor() {
        return FACTOR;
    }

    /** {@code base} stretched by the factor. */
    public static Duration scaled(Duration base) {
        if (FACTOR == 1.0) {
            return base;
        }
        double nanos = base.toNanos() * FACTOR;
        return nanos >= Long.MAX_VALUE ? Duration.ofNanos(Long.MAX_VALUE) : Duration.ofNanos((long) nanos);
    }

    /** {@code millis} stretched by the factor. */
    public static Duration millis(long millis) {
        return scaled(Duration.ofMillis(millis));
    }

    /** {@code seconds} stretched by the factor. */
    public static Duration seconds(long seconds) {
        return scaled(Duration.ofSeconds(seconds));
    }

    /** A hint for messages about time: how to give a slow machine more time. */
    public static String hint() {
        return "If this machine is only slow or busy (other programs using the CPU), run again with more patience: "
                + ENVIRONMENT_VARIABLE + "=3 (or -D" + PROPERTY + "=3); the factor now is " + format(FACTOR) + ".";
    }

    private static double read() {
        String text = System.getProperty(PROPERTY);
        String source = "-D" + PROPERTY;
        if (text == null || text.isBlank()) {
            text = System.getenv(ENVIRONMENT_VARIABLE);
            source = ENVIRONMENT_VARIABLE;
        }
        double configured = 1.0;
        if (text != null && !text.isBlank()) {
            configured = parse(text, source);
        }
        return Debugger.attached() ? Math.max(configured, WHILE_DEBUGGING) : configured;
    }

    private static double parse(String text, String source) {
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + "=" + text + " is not a number; use for example 2 or 3.", e);
        }
        if (!(value >= 1.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(source + "=" + text + ": the time factor must be a number of at least 1.");
        }
        return value;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
