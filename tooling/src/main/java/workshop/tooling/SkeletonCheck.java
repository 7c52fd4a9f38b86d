package workshop.tooling;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Two parts of the module check ({@link ModuleCheck}):
 * <ol>
 *   <li>every exercise test failed against the skeleton, except tests marked {@code @PassesOnSkeleton}
 *       (listed with their reasons), and every test class has at least one failing test;</li>
 *   <li>every public skeleton class has the same public API as its solution in {@code solutions/}, and
 *       every public solution class of the module's packages has a skeleton.</li>
 * </ol>
 */
public final class SkeletonCheck {

    private SkeletonCheck() {
    }

    /** One line of the results file that testkit's ProgressListener writes. */
    record TestResult(String testClass, String method, String displayName, String status, String mark, String message) {

        /** {@code Class.method}, plus what tells its invocations apart ({@code [H2]}, {@code [PostgreSQL]}). */
        String name() {
            String name = testClass.substring(testClass.lastIndexOf('.') + 1) + "." + method;
            if (!displayName.startsWith(method)) {
                return name + " [" + displayName + "]";
            }
            String rest = displayName.substring(method.length());
            return rest.isBlank() || rest.startsWith("(") ? name : name + " " + rest.strip();
        }
    }

    /** The results in the lines of a results file, in its order (comment lines and blank lines skipped). */
    static List<TestResult> parse(List<String> lines) {
        List<TestResult> results = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            results.add(new TestResult(f[0], f[1], f[2], f[3], f.length > 4 ? f[4] : "", f.length > 5 ? f[5] : ""));
        }
        return results;
    }

    static void checkResults(Path resultsFile, List<String> problems, List<String> notes) throws IOException {
        if (!Files.isRegularFile(resultsFile)) {
            problems.add("no test results at " + resultsFile + ": the exercise tests did not run (did the test-compile fail?)");
            return;
        }
        List<String> lines = Files.readAllLines(resultsFile, StandardCharsets.UTF_8);
        if (!lines.contains("#complete")) {
            problems.add("the test run did not complete (the test JVM crashed or hit the fork timeout); see the Surefire output above");
        }
        Map<String, List<TestResult>> byClass = new LinkedHashMap<>();
        for (TestResult r : parse(lines)) {
            byClass.computeIfAbsent(r.testClass(), k -> new ArrayList<>()).add(r);
        }
        if (byClass.isEmpty()) {
            problems.add("no exercise test ran");
            return;
        }
        int failed = 0;
        int total = 0;
        List<String> byDesign = new ArrayList<>();
        for (Map.Entry<String, List<TestResult>> entry : byClass.entrySet()) {
            int classFailures = 0;
            for (TestResult r : entry.getValue()) {
                total++;
                switch (r.status()) {
                    case "FAILED" -> {
                        failed++;
                        classFailures++;
                    }
                    case "SUCCESSFUL" -> {
                        if (r.mark().isEmpty()) {
                            problems.add(r.name() + " PASSED against the skeleton: it cannot tell the unsolved exercise from a"
                                    + " solution. Make it fail on the skeleton, or mark it @PassesOnSkeleton(\"why\").");
                        } else {
                            byDesign.add(r.name() + ": " + r.mark());
                        }
                    }
                    default -> {
                        // SKIPPED or ABORTED (a database or server that is not configured): proves nothing either way.
                    }
                }
            }
            if (classFailures == 0) {
                String simple = entry.getKey().substring(entry.getKey().lastIndexOf('.') + 1);
                problems.add(simple + " has no test that fails against the skeleton");
            }
        }
        notes.add(failed + " of " + total + " exercise tests fail against the skeletons, as they should.");
        if (!byDesign.isEmpty()) {
            notes.add(byDesign.size() + " pass against the skeletons by design (marked @PassesOnSkeleton):");
            byDesign.forEach(d -> notes.add("    " + d));
        }
    }

    static int checkApi(Path skeletonClasses, Path solutionClasses, List<String> problems) throws Exception {
        if (!Files.isDirectory(solutionClasses)) {
            problems.add("no compiled references at " + solutionClasses + ": the reference build did not run");
            return 0;
        }
        Set<String> skeletonNames = topLevelClassNames(skeletonClasses);
        Set<String> packages = new TreeSet<>();
        skeletonNames.forEach(n -> packages.add(n.substring(0, Math.max(0, n.lastIndexOf('.')))));
        Set<String> solutionNames = new TreeSet<>();
        for (String name : topLevelClassNames(solutionClasses)) {
            if (packages.contains(name.substring(0, Math.max(0, name.lastIndexOf('.'))))) {
                solutionNames.add(name);
            }
        }
        int compared = 0;
        try (URLClassLoader skeletons = new ChildFirstLoader(skeletonClasses, SkeletonCheck.class.getClassLoader());
                URLClassLoader solutions = new ChildFirstLoader(solutionClasses, SkeletonCheck.class.getClassLoader())) {
            for (String name : skeletonNames) {
                Class<?> skeleton = skeletons.loadClass(name);
                if (!Modifier.isPublic(skeleton.getModifiers())) {
                    continue;
                }
                if (!solutionNames.contains(name)) {
                    problems.add(name + " has no reference in solutions/src/main/java");
                    continue;
                }
                Class<?> solution = solutions.loadClass(name);
                TreeSet<String> expected = PublicApi.of(solution);
                TreeSet<String> actual = PublicApi.of(skeleton);
                if (!expected.equals(actual)) {
                    StringBuilder drift = new StringBuilder(name + ": the skeleton's public API differs from the solution's");
                    expected.stream().filter(l -> !actual.contains(l)).forEach(l -> drift.append("\n  only in the solution: ").append(l));
                    actual.stream().filter(l -> !expected.contains(l)).forEach(l -> drift.append("\n  only in the skeleton: ").append(l));
                    problems.add(drift.toString());
                }
                compared++;
            }
            for (String name : solutionNames) {
                if (!skeletonNames.contains(name) && Modifier.isPublic(solutions.loadClass(name).getModifiers())) {
                    problems.add(name + " is in solutions/ but has no skeleton in the exercise module");
                }
            }
        }
        return compared;
    }

    private static Set<String> topLevelClassNames(Path root) throws IOException {
        Set<String> names = new TreeSet<>();
        if (!Files.isDirectory(root)) {
            return names;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                String relative = root.relativize(p).toString().replace('\\', '/');
                String name = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
                if (!name.contains("$") && !name.endsWith("package-info") && !name.endsWith("module-info")) {
                    names.add(name);
                }
            });
        }
        return names;
    }

    /** Loads the classes of one directory itself, everything else from the parent. */
    private static final class ChildFirstLoader extends URLClassLoader {
        private final Path root;

        ChildFirstLoader(Path root, ClassLoader parent) throws MalformedURLException {
            super(new URL[] {root.toUri().toURL()}, parent);
            this.root = root;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null && Files.exists(root.resolve(name.replace('.', '/') + ".class"))) {
                    loaded = findClass(name);
                }
                if (loaded == null) {
                    return super.loadClass(name, resolve);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
