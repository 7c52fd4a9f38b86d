package workshop.testkit;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Formats the progress summary of a run (an IDE's; Maven's comes from the tooling module and remembers earlier
 * runs): exercises in the declared order, their state, and what to do next, with the first failure that
 * {@link FirstFailure}'s rule picks.
 */
public final class ProgressReport {

    private static final String RULE = "-".repeat(72);

    private ProgressReport() {
    }

    /**
     * Prints the summary of {@code byClass} (results by fully qualified test class) for the module that
     * {@code exercises} declares; test classes it does not declare are listed after it.
     */
    public static void print(Map<String, ProgressListener.Results> byClass, Exercises exercises, PrintStream out) {
        Map<String, ProgressListener.Results> bySimpleName = new LinkedHashMap<>();
        byClass.forEach((name, r) -> bySimpleName.put(name.substring(name.lastIndexOf('.') + 1), r));
        Set<String> reported = new LinkedHashSet<>();
        StringBuilder text = new StringBuilder("\n");
        if (exercises != null) {
            appendModule(text, exercises, bySimpleName, reported);
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

    private static void appendModule(StringBuilder text, Exercises exercises,
            Map<String, ProgressListener.Results> bySimpleName, Set<String> reported) {
        String module = exercises.module();
        List<Exercises.Exercise> list = exercises.list();
        long done = list.stream().filter(e -> {
            ProgressListener.Results r = bySimpleName.get(e.testClass());
            return r != null && r.done();
        }).count();
        text.append(RULE).append('\n')
                .append(String.format(" %s: %d of %d exercises pass%n", module, done, list.size()))
                .append(RULE).append('\n');
        Exercises.Exercise next = null;
        boolean notRun = false;
        for (Exercises.Exercise exercise : list) {
            ProgressListener.Results r = bySimpleName.get(exercise.testClass());
            reported.add(exercise.testClass());
            boolean isNext = false;
            if (r == null) {
                notRun = true;
            } else if (!r.done() && next == null) {
                next = exercise;
                isNext = true;
            }
            text.append(String.format("  %s %-4s %-26s %s%s%n", mark(r), exercise.section() + ".", exercise.className(),
                    r == null ? "not run" : counts(r), isNext ? "   <- next" : ""));
        }
        text.append(RULE).append('\n');
        if (next != null) {
            ProgressListener.Results r = bySimpleName.get(next.testClass());
            text.append(" Next: ").append(next.className()).append(" (README section ").append(next.section()).append(").\n");
            String[] first = r.firstFailureByRule(exercises.directory() == null ? null
                    : exercises.directory().resolve("src/test/java"));
            if (first != null) {
                text.append(" First failure: ").append(shorten(first[0])).append('\n');
            }
            text.append(" Run only its tests:  ./mvnw test -pl ").append(module).append(" -Dtest=")
                    .append(next.testClass()).append('\n');
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
