package workshop.tooling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import workshop.testkit.Exercises;
import workshop.testkit.FirstFailure;

/**
 * The progress summary at the end of a learner's {@code ./mvnw test -pl NN-module}: the last thing on screen, after
 * Maven's own report. Run by Maven after the tests (which record their results), it merges this run's results into
 * the module's remembered progress ({@code target/workshop-progress.tsv}, gone with {@code clean}) and prints, per
 * exercise in the declared order:
 * <ul>
 *   <li>{@code PASS}: every test of the exercise passed against the current content of its files;</li>
 *   <li>{@code FAIL}: a test failed against the current content;</li>
 *   <li>"k of n tests run, all pass": only some tests ran (a {@code -Dtest=Class#method} run);</li>
 *   <li>"stale": its class or its test changed since its tests last ran;</li>
 *   <li>"not run".</li>
 * </ul>
 * The first failure shown follows testkit's {@link FirstFailure} rule: the failing test that comes first in its test
 * class's source, where each test class puts the test that teaches the lesson.
 *
 * <p>Then it ends the build with exit code 1 if a test of this run failed or the run did not complete, so that
 * nothing Maven would print follows the summary. Arguments: module directory, this run's results file, the
 * remembered-progress file, {@code exit} (to end the build on failure) or {@code keep-going}, then optionally
 * {@code test=}<i>the -Dtest filter</i> and {@code skipTests=}<i>true|false</i>.
 *
 * <p>This run's results file is deleted once merged, so a later run that runs no test here (its {@code -Dtest}
 * selects none of this module's tests, as the setup check's does, or tests are skipped) cannot take an old file for
 * its own: such a run leaves the remembered progress as it was and is not a failure. A run with no filter that left
 * no results file did not complete (its test JVM crashed or never started).
 */
public final class ProgressSummary {

    private static final String RULE = "-".repeat(72);

    private ProgressSummary() {
    }

    /** One test method's remembered outcome. */
    record Outcome(String testClass, String method, boolean passed, String message, String fingerprint) {
    }

    public static void main(String[] args) throws Exception {
        Path module = Path.of(args[0]).toAbsolutePath().normalize();
        Path results = Path.of(args[1]);
        Path progress = Path.of(args[2]);
        boolean exitOnFailure = args.length > 3 && args[3].equals("exit");
        String testFilter = option(args, "test");
        boolean testsSkipped = Boolean.parseBoolean(option(args, "skipTests"));
        Exercises exercises = Exercises.read(module.resolve(Exercises.FILE_NAME));

        if (!Files.isRegularFile(results) && (testsSkipped || !testFilter.isEmpty())) {
            // No test of this module was selected: nothing to merge, nothing failed; the learner's progress stays.
            System.out.printf(" %s: no test run here (%s); its progress is unchanged.%n", exercises.module(),
                    testsSkipped ? "tests skipped" : "-Dtest=" + testFilter + " selects none of its tests");
            System.out.flush();
            return;
        }
        Map<String, Outcome> remembered = read(progress);
        boolean complete = true;
        boolean anyFailed = false;
        if (Files.isRegularFile(results)) {
            List<String> lines = Files.readAllLines(results, StandardCharsets.UTF_8);
            complete = lines.contains("#complete");
            Map<String, Outcome> thisRun = new LinkedHashMap<>();
            for (String line : lines) {
                String[] f = line.split("\t", -1);
                if (line.startsWith("#") || f.length < 4 || f[1].isEmpty() || f[3].equals("SKIPPED") || f[3].equals("ABORTED")) {
                    if (f.length >= 4 && f[1].equals("<class>") && f[3].equals("FAILED")) {
                        anyFailed = true;
                    }
                    continue;
                }
                String simple = f[0].substring(f[0].lastIndexOf('.') + 1);
                boolean passed = f[3].equals("SUCCESSFUL");
                anyFailed |= !passed;
                String key = simple + "#" + f[1];
                Outcome before = thisRun.get(key);
                boolean all = passed && (before == null || before.passed());
                String message = before != null && !before.passed() ? before.message() : passed ? "" : f.length > 5 ? f[5] : "";
                thisRun.put(key, new Outcome(simple, f[1], all, message, fingerprint(module, exercises, simple)));
            }
            remembered.putAll(thisRun);
            write(progress, remembered);
            Files.delete(results); // merged: a later run that runs no test here must not read it again
        } else {
            complete = false;
        }

        StringBuilder text = new StringBuilder("\n");
        summarize(module, exercises, remembered, text);
        if (!complete) {
            text.append(" The test run did not complete (a crash or the fork's time limit): see Maven's messages above.\n");
        }
        System.out.print(text);
        System.out.flush();
        if (exitOnFailure && (anyFailed || !complete)) {
            Runtime.getRuntime().halt(1); // nothing Maven would print (its failure report, a -rf hint) follows the summary
        }
    }

    /** The value of a trailing {@code name=value} argument; empty when absent or left unresolved by Maven. */
    static String option(String[] args, String name) {
        for (int i = 4; i < args.length; i++) {
            if (args[i].startsWith(name + "=")) {
                String value = args[i].substring(name.length() + 1).trim();
                return value.startsWith("${") ? "" : value;
            }
        }
        return "";
    }

    private static void summarize(Path module, Exercises exercises, Map<String, Outcome> remembered, StringBuilder text)
            throws IOException {
        List<String> lines = new ArrayList<>();
        int done = 0;
        Exercises.Exercise next = null;
        String nextFailure = null;
        boolean nextIsPartial = false;
        for (Exercises.Exercise e : exercises.list()) {
            List<String> methods = testMethods(module, exercises, e.testClass());
            String now = fingerprint(module, exercises, e.testClass());
            int passed = 0;
            int failed = 0;
            int stale = 0;
            String firstFailure = null;
            for (String method : methods) {
                Outcome o = remembered.get(e.testClass() + "#" + method);
                if (o == null) {
                    continue;
                }
                if (!o.fingerprint().equals(now)) {
                    stale++;
                } else if (o.passed()) {
                    passed++;
                } else {
                    failed++;
                    if (firstFailure == null) {
                        firstFailure = method + ": " + o.message();
                    }
                }
            }
            int n = methods.size();
            String state;
            String mark;
            if (failed > 0) {
                mark = "[FAIL]";
                state = passed + "/" + n + " tests pass";
            } else if (passed == n && n > 0) {
                mark = "[PASS]";
                state = n + "/" + n + " tests pass";
                done++;
            } else if (passed > 0) {
                mark = "[ .. ]";
                state = passed + " of " + n + " tests run, all pass";
            } else if (stale > 0) {
                mark = "[ ?? ]";
                state = "stale: changed since its tests last ran";
            } else {
                mark = "[    ]";
                state = "not run";
            }
            boolean isNext = false;
            if (next == null && !mark.equals("[PASS]")) {
                next = e;
                nextFailure = firstFailure;
                nextIsPartial = failed == 0;
                isNext = true;
            }
            lines.add(String.format("  %s %-4s %-26s %s%s", mark, e.section() + ".", e.className(), state,
                    isNext ? "   <- next" : ""));
        }
        String name = exercises.module();
        text.append(RULE).append('\n')
                .append(String.format(" %s: %d of %d exercises pass%n", name, done, exercises.list().size()))
                .append(RULE).append('\n');
        lines.forEach(l -> text.append(l).append('\n'));
        text.append(RULE).append('\n');
        if (next == null) {
            text.append(" All exercises of ").append(name)
                    .append(" pass. Compare with solutions/ and go on to the next module.\n");
        } else {
            text.append(" Next: ").append(next.className()).append(" (README section ").append(next.section()).append(").\n");
            if (nextFailure != null) {
                text.append(" First failure: ").append(shorten(nextFailure)).append('\n');
            }
            text.append(" Run ").append(nextIsPartial ? "all " : "only ").append("its tests:  ./mvnw test -pl ").append(name)
                    .append(" -Dtest=").append(next.testClass()).append('\n');
            if (!nextIsPartial) {
                text.append(" Stuck? ").append(name).append("/README.md, section ").append(next.section())
                        .append(", has hints: open one at a time.\n");
            }
        }
        text.append(RULE).append('\n');
    }

    /** The test methods of a test class, in {@link FirstFailure}'s order. */
    static List<String> testMethods(Path module, Exercises exercises, String testClass) {
        try {
            Class<?> type = Class.forName(exercises.packageName() + "." + testClass, false,
                    Thread.currentThread().getContextClassLoader());
            return FirstFailure.order(type, module.resolve("src/test/java"));
        } catch (ClassNotFoundException e) {
            return List.of(); // the test class did not compile or is missing: no tests known
        }
    }

    /** A hash of the exercise's files as they are now: its class, its test class, and the module's given types. */
    static String fingerprint(Path module, Exercises exercises, String testClass) {
        String className = exercises.byTestClass(testClass).map(Exercises.Exercise::className)
                .orElse(testClass.replaceAll("Test$", ""));
        String pkg = exercises.packageName().replace('.', '/');
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : List.of(module.resolve("src/main/java").resolve(pkg).resolve(className + ".java"),
                    module.resolve("src/test/java").resolve(pkg).resolve(testClass + ".java"))) {
                if (Files.isRegularFile(file)) {
                    digest.update(Files.readAllBytes(file));
                }
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unknown";
        }
    }

    static Map<String, Outcome> read(Path progress) throws IOException {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        if (!Files.isRegularFile(progress)) {
            return outcomes;
        }
        for (String line : Files.readAllLines(progress, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            if (line.startsWith("#") || f.length < 5) {
                continue;
            }
            outcomes.put(f[0] + "#" + f[1], new Outcome(f[0], f[1], f[2].equals("PASS"), f[3], f[4]));
        }
        return outcomes;
    }

    static void write(Path progress, Map<String, Outcome> outcomes) throws IOException {
        StringBuilder text = new StringBuilder("#test class\tmethod\toutcome\tmessage\tfingerprint of its files\n");
        for (Outcome o : outcomes.values()) {
            text.append(String.join("\t", o.testClass(), o.method(), o.passed() ? "PASS" : "FAIL",
                    o.message().replace('\t', ' ').replace('\n', ' '), o.fingerprint())).append('\n');
        }
        Files.createDirectories(progress.toAbsolutePath().getParent());
        Files.writeString(progress, text, StandardCharsets.UTF_8);
    }

    private static String shorten(String text) {
        return text.length() <= 300 ? text : text.substring(0, 297) + "...";
    }
}
