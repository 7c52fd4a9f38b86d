package workshop.benchmarks.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one benchmark group found: Markdown text with tables, charts, and a few key numbers ("facts")
 * that the summary table (group 9) reads back. Written to {@code <dir>/<id>.md}, {@code <id>-N.svg}
 * and {@code <id>.tsv}.
 */
public final class Section {

    private final String id;
    private final StringBuilder markdown = new StringBuilder();
    private final Map<String, BarChart> charts = new LinkedHashMap<>();
    private final Map<String, String> facts = new LinkedHashMap<>();

    /** @param id file name stem, such as {@code 1-contention} */
    public Section(String id, String title) {
        this.id = id;
        markdown.append("## ").append(title).append("\n\n");
    }

    public String id() {
        return id;
    }

    /** A paragraph of text. */
    public Section text(String paragraph) {
        markdown.append(paragraph.strip()).append("\n\n");
        return this;
    }

    public Section table(Table table) {
        markdown.append(table.toMarkdown()).append('\n');
        return this;
    }

    /** Adds a chart, written next to the Markdown and shown in it. */
    public Section chart(BarChart chart) {
        if (chart.isEmpty()) {
            return this;
        }
        String file = id + "-" + (charts.size() + 1) + ".svg";
        charts.put(file, chart);
        markdown.append("![").append(id).append("](").append(file).append(")\n\n");
        return this;
    }

    /** A key number for the summary. */
    public Section fact(String key, double value) {
        facts.put(key, Double.toString(value));
        return this;
    }

    public String markdown() {
        return markdown.toString();
    }

    /** Writes the Markdown, the charts and the facts into {@code dir}. */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(id + ".md"), markdown, StandardCharsets.UTF_8);
            for (Map.Entry<String, BarChart> chart : charts.entrySet()) {
                Files.writeString(dir.resolve(chart.getKey()), chart.getValue().toSvg(), StandardCharsets.UTF_8);
            }
            Files.writeString(dir.resolve(id + ".tsv"), facts.entrySet().stream()
                    .map(e -> e.getKey() + "\t" + e.getValue()).collect(Collectors.joining("\n", "", "\n")),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results into " + dir, e);
        }
    }

    /** The facts another group wrote into {@code dir} (empty if it did not run). */
    public static Map<String, Double> readFacts(Path dir, String id) {
        Path file = dir.resolve(id + ".tsv");
        Map<String, Double> facts = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return facts;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] kv = line.split("\t");
                if (kv.length == 2) {
                    facts.put(kv[0], Double.parseDouble(kv[1]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return facts;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Section[%s]", id);
    }
}
