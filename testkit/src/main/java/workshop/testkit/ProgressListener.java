package workshop.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints the learner's progress after a module's tests ran: each exercise in README order, passing or
 * failing, and which one to do next with the command that runs only its tests. Registered through
 * {@code META-INF/services}, so it works for Maven and for IDEs that run JUnit 5.
 *
 * <p>It also writes one line per test to the file named by the system property
 * {@code workshop.results.file} (Maven sets it), which the skeleton check reads.
 */
public final class ProgressListener implements TestExecutionListener {

    /** Results per test class, in the order they finished. Guarded by {@code this}. */
    private final Map<String, Results> byClass = new LinkedHashMap<>();
    private Writer resultsFile;

    /** Outcomes of one test class. */
    public static final class Results {
        public int passed;
        public int failed;
        public int skipped;
        public String firstFailure;
        /** The whole message of the first failure (watch mode prints it). */
        public String firstFailureDetail;

        /** The test class (set once a test of it ran). */
        public Class<?> testClass;
        /** Each failed test method's first line and whole message, in the order they failed. */
        public final Map<String, String[]> failures = new LinkedHashMap<>();

        /**
         * The first line and the whole message of the failure {@link FirstFailure}'s rule picks ({@code testSources}:
         * the module's {@code src/test/java}); null when nothing failed.
         */
        public String[] firstFailureByRule(Path testSources) {
            if (testClass != null && testSources != null) {
                for (String method : FirstFailure.order(testClass, testSources)) {
                    String[] failure = failures.get(method);
                    if (failure != null) {
                        return failure;
                    }
                }
            }
            return firstFailure == null ? null : new String[] {firstFailure, firstFailureDetail};
        }

        public boolean done() {
            return failed == 0 && passed > 0;
        }
    }

    @Override
    public synchronized void testPlanExecutionStarted(TestPlan testPlan) {
        byClass.clear();
        String file = System.getProperty("workshop.results.file");
        if (file != null && !file.isBlank()) {
            try {
                Path path = Path.of(file);
                Files.createDirectories(path.toAbsolutePath().getParent());
                resultsFile = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write test results to " + file, e);
            }
        }
    }

    @Override
    public synchronized void executionSkipped(TestIdentifier id, String reason) {
        testClassOf(id).ifPresent(c -> {
            byClass.computeIfAbsent(c, k -> new Results()).skipped++;
            write(c, methodName(id), id.getDisplayName(), "SKIPPED", markOf(id), reason);
        });
    }

    @Override
    public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
        TestSource source = id.getSource().orElse(null);
        String message = result.getThrowable().map(ProgressListener::firstLine).orElse("");
        if (id.isTest() && source instanceof MethodSource method) {
            Results results = byClass.computeIfAbsent(method.getClassName(), k -> new Results());
            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                results.passed++;
            } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                results.skipped++;
            } else {
                results.failed++;
                String line = id.getDisplayName() + ": " + message;
                String detail = result.getThrowable().map(ProgressListener::detail).orElse("");
                results.failures.putIfAbsent(method.getMethodName(), new String[] {line, detail});
                if (results.firstFailure == null) {
                    results.firstFailure = line;
                    results.firstFailureDetail = detail;
                }
            }
            if (results.testClass == null) {
                try {
                    results.testClass = method.getJavaClass();
                } catch (RuntimeException e) {
                    // not loadable here: the first failure falls back to the order of execution
                }
            }
            write(method.getClassName(), methodName(id), id.getDisplayName(), result.getStatus().name(), markOf(id), message);
        } else if (source instanceof ClassSource c && result.getStatus() == TestExecutionResult.Status.FAILED) {
            // A failure outside any test (@BeforeAll, @AfterAll, the class cannot even be set up).
            Results results = byClass.computeIfAbsent(c.getClassName(), k -> new Results());
            results.failed++;
            if (results.firstFailure == null) {
                results.firstFailure = "class setup or teardown: " + message;
            }
            write(c.getClassName(), "<class>", id.getDisplayName(), "FAILED", "", message);
        }
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
        if (resultsFile != null) {
            try {
                resultsFile.write("#complete\n");
                resultsFile.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                resultsFile = null;
            }
        }
        if (!byClass.isEmpty() && !Boolean.getBoolean("workshop.progress.quiet")) {
            ProgressReport.print(byClass, exercises().orElse(null), System.out);
        }
    }

    /** The results of the last test plan, by test class (for watch mode). */
    public synchronized Map<String, Results> results() {
        return new LinkedHashMap<>(byClass);
    }

    private Optional<Exercises> exercises() {
        try {
            return Exercises.current(null);
        } catch (RuntimeException e) {
            System.err.println("[progress] cannot read the exercise list: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<String> testClassOf(TestIdentifier id) {
        return id.getSource().filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getClassName());
    }

    private static String methodName(TestIdentifier id) {
        return id.getSource().filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getMethodName()).orElse("");
    }

    private static String markOf(TestIdentifier id) {
        if (id.getSource().orElse(null) instanceof MethodSource source) {
            try {
                Method method = source.getJavaMethod();
                PassesOnSkeleton mark = method.getAnnotation(PassesOnSkeleton.class);
                return mark == null ? "" : mark.value();
            } catch (RuntimeException e) {
                return ""; // the method cannot be resolved: treat it as unmarked
            }
        }
        return "";
    }

    private static String detail(Throwable t) {
        StringBuilder text = new StringBuilder(t.toString());
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 6); i++) {
            text.append("\n\tat ").append(frames[i]);
        }
        return text.toString();
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage();
        for (String line : message.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.matches("[|=\\- ]+")) {
                continue;
            }
            if (trimmed.startsWith("= ") && trimmed.endsWith(" =")) {
                // Lincheck's headline, e.g. "= Invalid execution results ="; its trace is in the output.
                return "Lincheck: " + trimmed.substring(2, trimmed.length() - 2)
                        + " (the failing interleaving is printed above)";
            }
            return t.getClass().getSimpleName().equals("AssertionFailedError") ? trimmed
                    : t.getClass().getSimpleName() + ": " + trimmed;
        }
        return t.getClass().getName();
    }

    private void write(String testClass, String method, String displayName, String status, String mark, String message) {
        if (resultsFile == null) {
            return;
        }
        try {
            resultsFile.write(String.join("\t", clean(testClass), clean(method), clean(displayName), status, clean(mark),
                    clean(message)) + "\n");
            resultsFile.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String clean(String text) {
        return text == null ? "" : text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
