package workshop.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Formats the progress summary: exercises in README order, their state, and what to do next. */
final class ProgressReport {

    /** An exercise heading in a module README: {@code ### 2. `SimpleMutex`: ...}. */
    private static final Pattern HEADING = Pattern.compile("^###\\s+(\\d+)\\.\\s+(.*)$");
    private static final Pattern CODE_NAME = Pattern.compile("`([A-Z][A-Za-z0-9]*)`");
    private static final String RULE = "-".repeat(72);

    private ProgressReport() {
    }

    /** One exercise as the README lists it. */
    record Exercise(String section, String name) {
    }

    static List<Exercise> exercisesIn(Path readme) {
        List<Exercise> exercises = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
                Matcher heading = HEADING.matcher(line.strip());
                if (heading.matches()) {
                    Matcher names = CODE_NAME.matcher(heading.group(2));
                    while (names.find()) {
                        exercises.add(new Exercise(heading.group(1), names.group(1)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return exercises;
    }

    static void print(Map<String, ProgressListener.Results> byClass, List<Path> readmes, PrintStream out) {
        Map<String, ProgressListener.Results> bySimpleName = new LinkedHashMap<>();
        byClass.forEach((name, r) -> bySimpleName.put(name.substring(name.lastIndexOf('.') + 1), r));
        Set<String> reported = new LinkedHashSet<>();
        StringBuilder text = new StringBuilder("\n");
        for (Path readme : readmes) {
            List<Exercise> exercises = exercisesIn(readme);
            boolean anyRan = exercises.stream().anyMatch(e -> bySimpleName.containsKey(e.name() + "Test"));
            if (!anyRan) {
                continue;
            }
            String module = readme.getParent().getFileName().toString();
            appendModule(text, module, exercises, bySimpleName, reported);
        }
        List<String> others = bySimpleName.keySet().stream().filter(n -> !reported.contains(n)).sorted().toList();
        if (!others.isEmpty()) {
            text.append(RULE).append("\n Other test classes\n");
            for (String name : others) {
                ProgressListener.Results r = bySimpleName.get(name);
                text.append(String.format("  %s %-28s %s%n", mark(r), name, counts(r)));
            }
            text.append(RULE).append('\n');
        }
        out.print(text);
        out.flush();
    }

    private static void appendModule(StringBuilder text, String module, List<Exercise> exercises,
            Map<String, ProgressListener.Results> bySimpleName, Set<String> reported) {
        long done = exercises.stream().filter(e -> {
            ProgressListener.Results r = bySimpleName.get(e.name() + "Test");
            return r != null && r.done();
        }).count();
        text.append(RULE).append('\n')
                .append(String.format(" %s: %d of %d exercises pass%n", module, done, exercises.size()))
                .append(RULE).append('\n');
        Exercise next = null;
        boolean notRun = false;
        for (Exercise exercise : exercises) {
            String testClass = exercise.name() + "Test";
            ProgressListener.Results r = bySimpleName.get(testClass);
            reported.add(testClass);
            boolean isNext = false;
            if (r == null) {
                notRun = true;
            } else if (!r.done() && next == null) {
                next = exercise;
                isNext = true;
            }
            text.append(String.format("  %s %-4s %-26s %s%s%n", mark(r), exercise.section() + ".", exercise.name(),
                    r == null ? "not run" : counts(r), isNext ? "   <- next" : ""));
        }
        text.append(RULE).append('\n');
        if (next != null) {
            ProgressListener.Results r = bySimpleName.get(next.name() + "Test");
            text.append(" Next: ").append(next.name()).append(" (README section ").append(next.section()).append(").\n");
            if (r.firstFailure != null) {
                text.append(" First failure: ").append(shorten(r.firstFailure)).append('\n');
            }
            text.append(" Run only its tests:  ./mvnw test -pl ").append(module).append(" -Dtest=")
                    .append(next.name()).append("Test\n");
            text.append(" Stuck? ").append(module).append("/README.md, section ").append(next.section())
                    .append(", has hints: open one at a time.\n");
        } else if (notRun) {
            text.append(" Everything that ran passes. Run the whole module:  ./mvnw test -pl ").append(module).append('\n');
        } else {
            text.append(" All exercises of ").append(module).append(" pass. Compare with solutions/ and go on to the next module.\n");
        }
        text.append(RULE).append('\n');
    }

    private static String mark(ProgressListener.Results r) {
        if (r == null) {
            return "[    ]";
        }
        return r.done() ? "[PASS]" : r.failed > 0 ? "[FAIL]" : "[SKIP]";
    }

    private static String counts(ProgressListener.Results r) {
        int total = r.passed + r.failed;
        String counts = r.passed + "/" + total + " tests pass";
        return r.skipped > 0 ? counts + " (" + r.skipped + " skipped)" : counts;
    }

    private static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
