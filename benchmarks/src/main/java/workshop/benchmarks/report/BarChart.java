package workshop.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A grouped bar chart with error bars, written as SVG by hand (no dependency). Categories run along the
 * x axis (for example thread counts); each series (for example an implementation) has one bar per
 * category. A logarithmic y axis suits values that span decades.
 */
public final class BarChart {

    private static final String[] COLORS = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"
    };
    private static final int WIDTH = 940;
    private static final int HEIGHT = 460;
    private static final int LEFT = 80;
    private static final int RIGHT = 240;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private final String title;
    private final String yLabel;
    private final boolean logScale;
    private final List<String> categories = new ArrayList<>();
    private final Map<String, Map<String, double[]>> series = new LinkedHashMap<>();

    /**
     * @param title shown above the chart
     * @param yLabel the unit of the values
     * @param logScale whether the y axis is logarithmic (values must be positive)
     */
    public BarChart(String title, String yLabel, boolean logScale) {
        this.title = title;
        this.yLabel = yLabel;
        this.logScale = logScale;
    }

    /** Adds one bar: {@code value} with an error bar of {@code ± error} (0 or NaN for none). */
    public BarChart bar(String category, String seriesName, double value, double error) {
        if (!categories.contains(category)) {
            categories.add(category);
        }
        series.computeIfAbsent(seriesName, s -> new LinkedHashMap<>()).put(category, new double[] {value, error});
        return this;
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    public String toSvg() {
        double max = 0;
        double min = Double.MAX_VALUE;
        for (Map<String, double[]> bars : series.values()) {
            for (double[] bar : bars.values()) {
                double err = Double.isNaN(bar[1]) ? 0 : bar[1];
                max = Math.max(max, bar[0] + err);
                if (bar[0] > 0) {
                    min = Math.min(min, Math.max(bar[0] - err, bar[0] / 10));
                }
            }
        }
        if (max <= 0) {
            max = 1;
        }
        if (min == Double.MAX_VALUE) {
            min = max / 10;
        }
        Axis axis = logScale ? Axis.log(min, max) : Axis.linear(max);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(WIDTH / 2.0, 24, escape(title), "middle", 15, "bold"));
        // grid and y ticks
        for (double tick : axis.ticks()) {
            double y = TOP + plotH - axis.position(tick) * plotH;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                    LEFT, y, LEFT + plotW, y));
            svg.append(text(LEFT - 6, y + 4, Format.num(tick), "end", 11, "normal"));
        }
        svg.append(String.format(Locale.ROOT,
                "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">%s</text>\n",
                TOP + plotH / 2.0, TOP + plotH / 2.0, escape(yLabel + (logScale ? " (log scale)" : ""))));
        // bars
        int groups = categories.size();
        int perGroup = series.size();
        double groupW = (double) plotW / groups;
        double barW = groupW * 0.8 / perGroup;
        int s = 0;
        for (Map.Entry<String, Map<String, double[]>> entry : series.entrySet()) {
            String color = COLORS[s % COLORS.length];
            for (int c = 0; c < groups; c++) {
                double[] bar = entry.getValue().get(categories.get(c));
                if (bar == null || Double.isNaN(bar[0])) {
                    continue;
                }
                double x = LEFT + c * groupW + groupW * 0.1 + s * barW;
                double top = TOP + plotH - axis.position(bar[0]) * plotH;
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s, %s: %s</title></rect>\n",
                        x, top, Math.max(1, barW - 2), TOP + plotH - top, color, escape(entry.getKey()),
                        escape(categories.get(c)), escape(Format.withError(bar[0], bar[1]))));
                if (!Double.isNaN(bar[1]) && bar[1] > 0) {
                    double cx = x + (barW - 2) / 2;
                    double hi = TOP + plotH - axis.position(bar[0] + bar[1]) * plotH;
                    double lo = TOP + plotH - axis.position(Math.max(bar[0] - bar[1], axis.floor())) * plotH;
                    svg.append(String.format(Locale.ROOT,
                            "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" stroke=\"black\" fill=\"none\"/>\n",
                            cx, hi, lo, cx - 3, hi, cx + 3, cx - 3, lo, cx + 3));
                }
            }
            double ly = TOP + 10 + s * 20;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
                    WIDTH - RIGHT + 15, ly - 10, color));
            svg.append(text(WIDTH - RIGHT + 32, ly, escape(entry.getKey()), "start", 12, "normal"));
            s++;
        }
        // x axis
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
                LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        for (int c = 0; c < groups; c++) {
            svg.append(text(LEFT + c * groupW + groupW / 2, TOP + plotH + 18, escape(categories.get(c)), "middle", 12, "normal"));
        }
        svg.append(text(LEFT + plotW / 2.0, HEIGHT - 20, "error bars: 99.9% confidence interval where measured", "middle", 10,
                "normal"));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String text(double x, double y, String content, String anchor, int size, String weight) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" font-weight=\"%s\">%s</text>\n",
                x, y, anchor, size, weight, content);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Maps values to 0..1 along the y axis. */
    private interface Axis {
        double position(double value);

        List<Double> ticks();

        double floor();

        static Axis linear(double max) {
            double step = Math.pow(10, Math.floor(Math.log10(max)));
            if (max / step < 2) {
                step /= 5;
            } else if (max / step < 5) {
                step /= 2;
            }
            double top = Math.ceil(max / step) * step;
            double finalStep = step;
            return new Axis() {
                public double position(double value) {
                    return Math.max(0, value) / top;
                }

                public List<Double> ticks() {
                    List<Double> ticks = new ArrayList<>();
                    for (double t = 0; t <= top * 1.0001; t += finalStep) {
                        ticks.add(t);
                    }
                    return ticks;
                }

                public double floor() {
                    return 0;
                }
            };
        }

        static Axis log(double min, double max) {
            double lo = Math.floor(Math.log10(min));
            double hi = Math.ceil(Math.log10(max));
            if (hi <= lo) {
                hi = lo + 1;
            }
            double finalHi = hi;
            return new Axis() {
                public double position(double value) {
                    if (value <= 0) {
                        return 0;
                    }
                    return Math.max(0, (Math.log10(value) - lo) / (finalHi - lo));
                }

                public List<Double> ticks() {
                    List<Double> ticks = new ArrayList<>();
                    for (double e = lo; e <= finalHi; e++) {
                        ticks.add(Math.pow(10, e));
                    }
                    return ticks;
                }

                public double floor() {
                    return Math.pow(10, lo);
                }
            };
        }
    }
}
