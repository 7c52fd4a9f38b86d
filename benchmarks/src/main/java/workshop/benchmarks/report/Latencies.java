package workshop.benchmarks.report;

import java.util.Arrays;

/** A growable list of latencies in nanoseconds, with percentiles. Not thread-safe: one per thread. */
public final class Latencies {

    private long[] values = new long[1 << 12];
    private int size;
    private boolean sorted;

    public void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
        sorted = false;
    }

    public void addAll(Latencies other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }

    public int count() {
        return size;
    }

    /** The {@code p}-th percentile (0-100) in nanoseconds, NaN when empty. */
    public double percentile(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
        int index = (int) Math.ceil(p / 100 * size) - 1;
        return values[Math.max(0, Math.min(size - 1, index))];
    }

    public double mean() {
        if (size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return sum / size;
    }

    public double max() {
        return percentile(100);
    }
}
