package workshop.benchmarks.report;

import java.util.Locale;

/** Numbers as the tables show them: three significant digits, no scientific notation. */
public final class Format {

    private Format() {
    }

    /** {@code value} with about three significant digits. */
    public static String num(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double abs = Math.abs(value);
        if (abs >= 100 || abs == 0) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (abs >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    /** {@code value ± error}, the error being JMH's 99.9% confidence half-width. */
    public static String withError(double value, double error) {
        if (Double.isNaN(error) || error == 0) {
            return num(value);
        }
        return num(value) + " ± " + num(error);
    }

    /** A ratio such as {@code 1.07x}. */
    public static String ratio(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2fx", value);
    }

    /** A share such as {@code 1.2%}. */
    public static String percent(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }
}
