package workshop.tooling;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import workshop.testkit.Exercises;

/**
 * Runs every wrong solution of one module against the tests that must reject it, in this one warm JVM: for each
 * wrong solution, compiles it, loads it with the module's other references and its tests in a class loader of its
 * own (so the wrong class replaces its reference), runs the named tests {@code runs} times, and checks that every
 * named test failed on every run and that a failure message contained the named fragment.
 *
 * <p>Writes {@code target/wrong-solutions.tsv} and prints one line per wrong solution and a total. Started by
 * {@link WrongSolutionsLauncher}. Arguments: module directory, project root, runs, and optionally which wrong
 * solutions ({@code all}, or a name or the start of one).
 */
public final class WrongSolutionRunner {

    /** A failure of the machinery, not of the code under test: it proves nothing. */
    private static final java.util.regex.Pattern HARNESS_ERROR = java.util.regex.Pattern.compile(
            "ClassNotFoundException|NoClassDefFoundError|NoSuchMethodError|NoSuchFieldError|IncompatibleClassChangeError"
                    + "|LinkageError|Wow! You've caught a bug in Lincheck");

    private final PrintStream out = System.out;
    private final Path module;
    private final Path root;
    private final int runs;
    private final String only;
    private final Path referenceClasses;
    private final Path testClasses;

    private WrongSolutionRunner(Path module, Path root, int runs, String only) {
        this.module = module;
        this.root = root;
        this.runs = runs;
        this.only = only;
        this.referenceClasses = module.resolve("target/solution-classes");
        this.testClasses = module.resolve("target/test-classes");
    }

    public static void main(String[] args) throws Exception {
        Path module = Path.of(args[0]).toAbsolutePath().normalize();
        Path root = Path.of(args[1]).toAbsolutePath().normalize();
        int runs = Integer.parseInt(args[2]);
        System.setProperty("workshop.progress.quiet", "true");
        System.setProperty("workshop.lincheck.reuse", "false"); // every run of a wrong solution model-checks afresh
        String only = args.length > 3 && !args[3].isBlank() ? args[3].strip() : "all";
        boolean allRejected = new WrongSolutionRunner(module, root, runs, only).runAll();
        System.exit(allRejected ? 0 : 1);
    }

    /** The outcome of one wrong solution; {@code skipped} names the missing setting it needs. */
    record Verdict(WrongSolution wrongSolution, int rejectedRuns, String problem, String skipped) {
        Verdict(WrongSolution wrongSolution, int rejectedRuns, String problem) {
            this(wrongSolution, rejectedRuns, problem, null);
        }

        boolean rejected(int runs) {
            return problem == null && rejectedRuns == runs;
        }
    }

    private boolean runAll() throws Exception {
        String moduleName = module.getFileName().toString();
        List<WrongSolution> all = WrongSolution.of(root, moduleName).stream()
                .filter(w -> only.equals("all") || w.name().startsWith(only))
                .toList();
        if (all.isEmpty()) {
            out.printf(Locale.ROOT, "[wrong solutions] %s: no wrong solution's name starts with '%s' (see wrong-solutions/%s)%n",
                    moduleName, only, moduleName);
            return false;
        }
        Exercises exercises = Exercises.read(module.resolve(Exercises.FILE_NAME));
        List<Verdict> verdicts = new ArrayList<>();
        long start = System.nanoTime();
        for (WrongSolution wrong : all) {
            long one = System.nanoTime();
            java.util.Optional<String> missing = wrong.missingSetting();
            if (missing.isPresent()) {
                verdicts.add(new Verdict(wrong, 0, null, missing.get()));
                out.printf(Locale.ROOT, "[wrong solutions] %s %-58s skipped: the tests that reject it need %s%n",
                        moduleName, wrong.name(), missing.get());
                continue;
            }
            Verdict verdict = judge(wrong, exercises);
            verdicts.add(verdict);
            out.printf(Locale.ROOT, "[wrong solutions] %s %-58s %s (%.1f s)%n", moduleName, wrong.name(),
                    verdict.rejected(runs) ? "rejected " + runs + "/" + runs
                            : "NOT REJECTED: " + verdict.problem(), (System.nanoTime() - one) / 1e9);
        }
        long rejected = verdicts.stream().filter(v -> v.rejected(runs)).count();
        long skipped = verdicts.stream().filter(v -> v.skipped() != null).count();
        out.printf(Locale.ROOT, "[wrong solutions] %s: %d of %d rejected (%d runs each)%s in %.0f s%n", moduleName,
                rejected, all.size() - skipped, runs, skipped == 0 ? "" : ", " + skipped + " skipped",
                (System.nanoTime() - start) / 1e9);
        Path report = module.resolve("target/wrong-solutions.tsv");
        Files.createDirectories(report.getParent());
        StringBuilder tsv = new StringBuilder("#module\twrong solution\trejected runs\truns\tproblem\n");
        for (Verdict v : verdicts) {
            if (v.skipped() != null) {
                tsv.append("#skipped\t").append(v.wrongSolution().name()).append("\tneeds ").append(v.skipped()).append('\n');
                continue;
            }
            tsv.append(String.join("\t", moduleName, v.wrongSolution().name(), Integer.toString(v.rejectedRuns()),
                    Integer.toString(runs), v.problem() == null ? "" : v.problem().replace('\t', ' ').replace('\n', ' ')))
                    .append('\n');
        }
        Files.writeString(report, tsv, StandardCharsets.UTF_8);
        return rejected + skipped == all.size();
    }

    private Verdict judge(WrongSolution wrong, Exercises exercises) throws Exception {
        if (exercises.list().stream().noneMatch(e -> e.className().equals(wrong.className()))) {
            return new Verdict(wrong, 0, "exercises.txt declares no exercise " + wrong.className());
        }
        Path work = Files.createTempDirectory("wrong-solution-");
        try {
            Path classes = work.resolve("classes");
            String problem = compile(wrong, exercises.packageName(), work, classes);
            if (problem != null) {
                return new Verdict(wrong, 0, problem);
            }
            int rejectedRuns = 0;
            String lastProblem = null;
            for (int run = 1; run <= runs; run++) {
                String runProblem = runOnce(wrong, exercises.packageName(), classes);
                if (runProblem == null) {
                    rejectedRuns++;
                } else {
                    lastProblem = "run " + run + ": " + runProblem;
                }
            }
            return new Verdict(wrong, rejectedRuns, rejectedRuns == runs ? null
                    : "rejected on " + rejectedRuns + " of " + runs + " runs; " + lastProblem);
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Compiles the wrong class into a copy of the module's reference classes, its own reference's classes (nested
     * ones included) removed first: the result looks like the module's build output with one class replaced, as
     * a test that loads the classes again from their location (a second "process") expects.
     */
    private String compile(WrongSolution wrong, String packageName, Path work, Path classes) throws IOException {
        Path source = work.resolve("src").resolve(packageName.replace('.', '/')).resolve(wrong.className() + ".java");
        Files.createDirectories(source.getParent());
        Files.copy(wrong.file(), source);
        copyTree(referenceClasses, classes);
        Path packageDir = classes.resolve(packageName.replace('.', '/'));
        try (Stream<Path> files = Files.list(packageDir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.equals(wrong.className() + ".class") || name.startsWith(wrong.className() + "$")) {
                    Files.delete(file);
                }
            }
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String classpath = classes + File.pathSeparator + System.getProperty("java.class.path");
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "21", "-proc:none", "-nowarn", "-g", "-encoding", "UTF-8",
                    "-implicit:none", "-sourcepath", "", "-d", classes.toString(), "-classpath", classpath);
            if (compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(List.of(source)))
                    .call()) {
                return null;
            }
        }
        StringBuilder errors = new StringBuilder("does not compile against the module's references:");
        diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).limit(3)
                .forEach(d -> errors.append(" line ").append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT)));
        return errors.toString();
    }

    /** Runs the named tests once against the wrong class; null when they rejected it as the header says. */
    private String runOnce(WrongSolution wrong, String packageName, Path wrongClasses) throws Exception {
        URL[] urls = {wrongClasses.toUri().toURL(), testClasses.toUri().toURL()};
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader("wrong-solution", urls, WrongSolutionRunner.class.getClassLoader())) {
            current.setContextClassLoader(loader);
            LincheckCaches.forgetModuleClasses();
            LincheckCaches.useModuleClasses(loader);
            SwappableSystemLoader.use(loader);
            List<DiscoverySelector> selectors = new ArrayList<>();
            for (String test : wrong.rejectedBy()) {
                String className = packageName + "." + test.substring(0, test.indexOf('#'));
                String methodName = test.substring(test.indexOf('#') + 1);
                Class<?> testClass;
                try {
                    testClass = loader.loadClass(className);
                } catch (ClassNotFoundException e) {
                    return "no test class " + className;
                }
                Method method = findMethod(testClass, methodName);
                if (method == null) {
                    return "no test method " + test;
                }
                selectors.add(selectMethod(testClass, method));
            }
            Outcomes outcomes = new Outcomes();
            Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                    .enableTestExecutionListenerAutoRegistration(false).build());
            launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), outcomes);
            boolean messageSeen = false;
            for (String test : wrong.rejectedBy()) {
                String methodName = test.substring(test.indexOf('#') + 1);
                String failure = outcomes.failures.get(methodName);
                if (failure == null) {
                    return test + (outcomes.ran.containsKey(methodName) ? " passed" : " did not run");
                }
                String passedInvocation = outcomes.passedInvocations.get(methodName);
                if (passedInvocation != null && wrong.needs().isBlank()) {
                    // A test run once per database: each must reject it. Else a mistake only one database shows
                    // passes the learner's default (H2) unnoticed wherever PostgreSQL is configured too.
                    return test + " passed as " + passedInvocation + " (it failed only as another invocation): a"
                            + " wrong solution without 'Needs:' must be rejected by every invocation";
                }
                if (HARNESS_ERROR.matcher(failure).find()) {
                    return test + " failed for a reason that says nothing about the solution: " + abbreviate(failure);
                }
                String bare = outcomes.bare.get(methodName);
                if (bare != null) {
                    return test + " rejected it with a bare library message (\"" + bare + "\"): give the assertion a"
                            + " message that says what was observed and what to do";
                }
                messageSeen |= failure.toLowerCase(Locale.ROOT).contains(wrong.message().toLowerCase(Locale.ROOT));
            }
            if (!messageSeen) {
                String first = outcomes.failures.get(wrong.rejectedBy().get(0).substring(wrong.rejectedBy().get(0).indexOf('#') + 1));
                return "rejected, but no failure message contains \"" + wrong.message() + "\"; the first said: "
                        + abbreviate(first);
            }
            return null;
        } finally {
            SwappableSystemLoader.use(null);
            current.setContextClassLoader(previous);
        }
    }

    private static Method findMethod(Class<?> testClass, String name) {
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                if (method.getName().equals(name)) {
                    return method;
                }
            }
        }
        return null;
    }

    /** Failures by test method name (all invocations of a parameterized test together). */
    private static final class Outcomes implements TestExecutionListener {
        final Map<String, String> failures = new ConcurrentHashMap<>();
        final Map<String, Boolean> ran = new LinkedHashMap<>();
        final Map<String, String> bare = new ConcurrentHashMap<>();
        /** The first invocation, by display name, of a test run more than once that passed. */
        final Map<String, String> passedInvocations = new ConcurrentHashMap<>();

        @Override
        public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.getSource().orElse(null) instanceof MethodSource source) {
                ran.put(source.getMethodName(), true);
                if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL && isInvocation(id)) {
                    passedInvocations.putIfAbsent(source.getMethodName(), id.getDisplayName());
                }
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failures.merge(source.getMethodName(), result.getThrowable().map(Outcomes::text).orElse("failed"),
                            (a, b) -> a + "\n" + b);
                    result.getThrowable().flatMap(t -> BareMessages.bare(t.getMessage() == null ? t.getClass().getName()
                            : t.getClass().getName().startsWith("org.opentest4j") || t instanceof AssertionError
                                    ? t.getMessage() : t.getClass().getName() + ": " + t.getMessage()))
                            .ifPresent(b -> bare.putIfAbsent(source.getMethodName(), b));
                }
            }
        }

        /** Whether the test is one invocation of a test template (a parameterized or per-database test). */
        private static boolean isInvocation(TestIdentifier id) {
            return id.getUniqueIdObject().getLastSegment().getType().endsWith("-invocation");
        }

        private static String text(Throwable t) {
            StringBuilder text = new StringBuilder();
            for (Throwable c = t; c != null && text.length() < 20_000; c = c.getCause()) {
                text.append(c).append('\n');
                for (Throwable s : c.getSuppressed()) {
                    text.append("suppressed: ").append(s).append('\n');
                }
            }
            return text.toString();
        }
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "(nothing)";
        }
        String oneLine = text.replace('\n', ' ').strip();
        return oneLine.length() <= 240 ? oneLine : oneLine.substring(0, 237) + "...";
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
