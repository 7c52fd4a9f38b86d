package workshop.tooling;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import workshop.testkit.Exercises;

/**
 * The check of one exercise module, run by {@code ./mvnw verify -Pcheck} after its tests ran against the skeletons
 * and against the references. It fails, naming each problem and the step that fixes it, when:
 * <ol>
 *   <li>a test passed against a skeleton without a {@code @PassesOnSkeleton} reason, a test class has no test that
 *       fails against its skeleton, or a run did not complete;</li>
 *   <li>a skeleton's public API differs from its reference's;</li>
 *   <li>the exercise list ({@code exercises.txt}) disagrees with the README's exercise headings, the skeletons'
 *       {@code TODO} messages, the test classes, the skeletons or the references;</li>
 *   <li>a given type (a file the learner does not write) also exists in {@code solutions/}, or a file in
 *       {@code solutions/} is no declared exercise;</li>
 *   <li>a reference, copied alone over its skeleton, does not compile with the module's other skeletons (a learner
 *       who falls behind catches up that way);</li>
 *   <li>a progress summary of this module shown in the root README (what a fresh clone prints) differs from what the
 *       skeletons gave in this run.</li>
 * </ol>
 * Arguments: the module's directory, the project's root directory.
 */
public final class ModuleCheck {

    /** An exercise heading in a module README: {@code ### 2. `SimpleMutex`}. */
    private static final Pattern HEADING = Pattern.compile("^###\\s+(\\d+)\\.\\s+(.*)$");
    private static final Pattern CODE_NAME = Pattern.compile("`([A-Z][A-Za-z0-9]*)`");
    /** A skeleton's TODO message: {@code TODO 01-locks exercise 4: StripedCounter.increment()}. */
    private static final Pattern TODO = Pattern.compile("TODO\\s+(\\S+)\\s+exercise\\s+(\\d+):\\s*([A-Z][A-Za-z0-9]*)");

    private final Path module;
    private final Path root;
    private final String moduleName;
    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    ModuleCheck(Path module, Path root) {
        this.module = module.toAbsolutePath().normalize();
        this.root = root.toAbsolutePath().normalize();
        this.moduleName = this.module.getFileName().toString();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ModuleCheck MODULE_DIR ROOT_DIR");
        }
        ModuleCheck check = new ModuleCheck(Path.of(args[0]), Path.of(args[1]));
        check.run();
        String prefix = "[module check] " + check.moduleName + ": ";
        check.notes.forEach(n -> System.out.println(prefix + n));
        if (!check.problems.isEmpty()) {
            StringBuilder message = new StringBuilder(prefix + check.problems.size() + " problem(s):\n");
            check.problems.forEach(p -> message.append("  - ").append(p.replace("\n", "\n    ")).append('\n'));
            message.append("  (CONTRIBUTING.md lists the steps of adding an exercise.)\n");
            System.err.println(message);
            throw new IllegalStateException(check.moduleName + " failed the module check: " + check.problems.size()
                    + " problem(s), listed above");
        }
    }

    void run() throws Exception {
        Path declarationFile = module.resolve(Exercises.FILE_NAME);
        Exercises exercises;
        try {
            exercises = Exercises.read(declarationFile);
        } catch (RuntimeException e) {
            problems.add("the exercise list cannot be read: " + e.getMessage());
            return;
        }
        Path target = module.resolve("target");
        SkeletonCheck.checkResults(target.resolve("workshop-results.tsv"), problems, notes);
        checkMessages(target.resolve("workshop-results.tsv"));
        checkReadmeSummary(root.resolve("README.md"), target.resolve("workshop-results.tsv"), exercises, problems);
        checkReferenceRun(target.resolve("solution-results.tsv"), exercises);
        int classes = SkeletonCheck.checkApi(target.resolve("classes"), target.resolve("solution-classes"), problems);
        notes.add("the public API of " + classes + " skeleton class(es) matches the references.");
        checkDeclaration(exercises);
        checkCatchUp(exercises);
        checkWrongSolutions(exercises);
        checkRegistration();
    }

    /** Every module with an exercise list is built by the root pom and counted by the wrong-solution report. */
    private void checkRegistration() throws IOException {
        String rootPom = Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8);
        Path wrongPom = root.resolve("wrong-solutions/pom.xml");
        String wrongSolutionsPom = Files.isRegularFile(wrongPom) ? Files.readString(wrongPom, StandardCharsets.UTF_8) : "";
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve(Exercises.FILE_NAME))).sorted().toList()) {
                String name = dir.getFileName().toString();
                if (!rootPom.contains("<module>" + name + "</module>")) {
                    problems.add(name + " has an exercises.txt but pom.xml does not list it: add <module>" + name
                            + "</module> to the root pom.xml");
                }
                if (!wrongSolutionsPom.contains("<artifactId>" + name + "</artifactId>")) {
                    problems.add(name + " is missing from wrong-solutions/pom.xml's dependencies (the wrong-solution"
                            + " report must run after it): add a dependency on it there");
                }
                if (!Files.isRegularFile(dir.resolve("README.md"))) {
                    problems.add(name + " has no README.md");
                }
            }
        }
    }

    /** Every wrong solution's header is well formed, names a declared exercise, and has its row in INSTRUCTORS.md. */
    private void checkWrongSolutions(Exercises exercises) throws IOException {
        List<WrongSolution> wrong;
        try {
            wrong = WrongSolution.of(root, moduleName);
        } catch (IllegalArgumentException e) {
            problems.add("wrong-solutions: " + e.getMessage());
            return;
        }
        for (WrongSolution w : wrong) {
            if (exercises.list().stream().noneMatch(e -> e.className().equals(w.className()))) {
                problems.add(root.relativize(w.file()) + " replaces " + w.className() + ", which is no exercise of "
                        + moduleName);
            }
            for (String test : w.testClasses()) {
                if (exercises.byTestClass(test).isEmpty()) {
                    problems.add(root.relativize(w.file()) + " names the test class " + test + ", which exercises.txt"
                            + " does not declare");
                }
            }
        }
        InstructorTables.problem(root, moduleName).ifPresent(problems::add);
        notes.add(wrong.size() + " wrong solution(s) in wrong-solutions/" + moduleName
                + ", each a row of INSTRUCTORS.md (./mvnw verify -Pwrong-solutions runs them).");
    }

    /** No failure against a skeleton shows a bare library message. */
    private void checkMessages(Path results) throws IOException {
        if (!Files.isRegularFile(results)) {
            return;
        }
        for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            if (f.length > 5 && "FAILED".equals(f[3])) {
                BareMessages.bare(f[5]).ifPresent(bare -> problems.add(f[0].substring(f[0].lastIndexOf('.') + 1) + "."
                        + f[1] + " fails against the skeleton with a bare library message (\"" + bare + "\"): give the"
                        + " assertion a message that says what was observed and what to do"));
            }
        }
    }

    /** A summary row in the root README: {@code   [FAIL] 1.   BankAccount                3/7 tests pass   <- next}. */
    private static final Pattern SUMMARY_ROW =
            Pattern.compile("^\\s+\\[(PASS|FAIL|SKIP| {4})\\]\\s+\\d+\\.\\s+([A-Z][A-Za-z0-9]*)\\s+(\\d+)/(\\d+) tests pass\\b.*$");

    /**
     * The root README shows what a fresh clone prints for this module: its heading ("01-locks: 0 of 7 exercises
     * pass") and rows ("3/7 tests pass") must be what the skeletons gave in this run. A test class may have skipped
     * tests here (a race that did not show on a busy machine): a row holds if its passes match and its total is the
     * number of tests that ran.
     */
    static void checkReadmeSummary(Path readme, Path results, Exercises exercises, List<String> problems)
            throws IOException {
        if (!Files.isRegularFile(readme) || !Files.isRegularFile(results)) {
            return;
        }
        Map<String, int[]> counts = new LinkedHashMap<>(); // simple test class name -> passed, failed, other
        for (SkeletonCheck.TestResult r : SkeletonCheck.parse(Files.readAllLines(results, StandardCharsets.UTF_8))) {
            int[] c = counts.computeIfAbsent(r.testClass().substring(r.testClass().lastIndexOf('.') + 1), k -> new int[3]);
            c["SUCCESSFUL".equals(r.status()) ? 0 : "FAILED".equals(r.status()) ? 1 : 2]++;
        }
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        String heading = " " + exercises.module() + ": ";
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith(heading) || !lines.get(i).endsWith(" exercises pass")) {
                continue;
            }
            String expectedHeading = heading + "0 of " + exercises.list().size() + " exercises pass";
            if (!lines.get(i).equals(expectedHeading)) {
                problems.add("README.md line " + (i + 1) + " shows \"" + lines.get(i).strip() + "\" for a fresh clone;"
                        + " the skeletons give \"" + expectedHeading.strip() + "\": update the README's sample");
            }
            for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("```"); j++) {
                Matcher row = SUMMARY_ROW.matcher(lines.get(j));
                if (!row.matches()) {
                    continue;
                }
                String testClass = exercises.list().stream().filter(e -> e.className().equals(row.group(2)))
                        .map(Exercises.Exercise::testClass).findFirst().orElse(row.group(2) + "Test");
                int[] c = counts.get(testClass);
                int shownPassed = Integer.parseInt(row.group(3));
                int shownTotal = Integer.parseInt(row.group(4));
                if (c == null) {
                    problems.add("README.md line " + (j + 1) + " shows a summary row for " + row.group(2) + ", but "
                            + testClass + " did not run against the skeletons: update the README's sample");
                } else if (c[0] != shownPassed || c[0] + c[1] + c[2] != shownTotal
                        || !row.group(1).equals(c[1] > 0 ? "FAIL" : c[0] + c[1] > 0 ? "PASS" : "SKIP")) {
                    problems.add("README.md line " + (j + 1) + " shows \"" + lines.get(j).strip() + "\" for a fresh clone,"
                            + " but against the skeletons " + c[0] + " of " + (c[0] + c[1] + c[2]) + " tests of " + testClass
                            + " passed (" + c[1] + " failed): update the README's sample");
                }
            }
        }
    }

    /** Every declared test class ran against the references, and the run completed (Surefire fails on a failure). */
    private void checkReferenceRun(Path results, Exercises exercises) throws IOException {
        if (!Files.isRegularFile(results)) {
            problems.add("no results of the run against the references at " + results);
            return;
        }
        List<String> lines = Files.readAllLines(results, StandardCharsets.UTF_8);
        if (!lines.contains("#complete")) {
            problems.add("the run against the references did not complete (see the Surefire output above)");
        }
        Map<String, Integer> passed = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            if (f.length > 3 && "SUCCESSFUL".equals(f[3])) {
                passed.merge(f[0].substring(f[0].lastIndexOf('.') + 1), 1, Integer::sum);
            }
        }
        for (Exercises.Exercise e : exercises.list()) {
            if (!passed.containsKey(e.testClass())) {
                problems.add(e.testClass() + " passed no test against the reference " + e.className()
                        + ": is it declared in exercises.txt but missing, or were all its tests skipped?");
            }
        }
        notes.add(passed.values().stream().mapToInt(Integer::intValue).sum()
                + " exercise tests pass against the references, in this module's own JVM.");
    }

    /** exercises.txt against the README, the TODO messages, the test classes, the skeletons and the references. */
    private void checkDeclaration(Exercises exercises) throws IOException {
        String pkgPath = exercises.packageName().replace('.', '/');
        Path skeletons = module.resolve("src/main/java").resolve(pkgPath);
        Path tests = module.resolve("src/test/java").resolve(pkgPath);
        Path references = root.resolve("solutions/src/main/java").resolve(pkgPath);
        Map<String, String> sectionOf = new LinkedHashMap<>();
        exercises.list().forEach(e -> sectionOf.put(e.className(), e.section()));

        // README headings.
        Path readme = module.resolve("README.md");
        Map<String, Set<String>> headingClasses = new LinkedHashMap<>();
        if (Files.isRegularFile(readme)) {
            for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
                Matcher heading = HEADING.matcher(line.strip());
                if (heading.matches()) {
                    Set<String> names = headingClasses.computeIfAbsent(heading.group(1), k -> new LinkedHashSet<>());
                    Matcher names2 = CODE_NAME.matcher(heading.group(2));
                    while (names2.find()) {
                        names.add(names2.group(1));
                    }
                }
            }
        } else {
            problems.add("no README.md: each exercise needs a section \"### N. `Class`\" there");
        }
        for (Exercises.Exercise e : exercises.list()) {
            Set<String> inHeading = headingClasses.get(e.section());
            if (inHeading == null) {
                problems.add("exercises.txt puts " + e.className() + " in README section " + e.section()
                        + ", but README.md has no heading \"### " + e.section() + ". ...\"");
            } else if (!inHeading.contains(e.className())) {
                problems.add("README.md's heading \"### " + e.section() + ".\" does not name `" + e.className()
                        + "`, which exercises.txt puts in that section");
            }
        }
        headingClasses.forEach((section, names) -> {
            for (String name : names) {
                if (!section.equals(sectionOf.get(name))) {
                    problems.add("README.md's heading \"### " + section + ".\" names `" + name + "`, but exercises.txt "
                            + (sectionOf.containsKey(name) ? "puts it in section " + sectionOf.get(name)
                                    : "does not declare it (add a line \"" + section + "  " + name + "  " + name + "Test\")"));
                }
            }
            if (names.isEmpty()) {
                problems.add("README.md's heading \"### " + section + ".\" names no exercise class in backticks");
            }
        });

        // Skeletons, their TODO messages, and the references.
        Set<String> declared = sectionOf.keySet();
        for (Exercises.Exercise e : exercises.list()) {
            if (!Files.isRegularFile(skeletons.resolve(e.className() + ".java"))) {
                problems.add("exercises.txt declares " + e.className() + ", but there is no skeleton "
                        + module.relativize(skeletons.resolve(e.className() + ".java")));
            }
            if (!Files.isRegularFile(references.resolve(e.className() + ".java"))) {
                problems.add("exercises.txt declares " + e.className() + ", but there is no reference "
                        + root.relativize(references.resolve(e.className() + ".java")));
            }
            if (!Files.isRegularFile(tests.resolve(e.testClass() + ".java"))) {
                problems.add("exercises.txt declares the test class " + e.testClass() + ", but there is no "
                        + module.relativize(tests.resolve(e.testClass() + ".java")));
            }
        }
        int todos = 0;
        for (Path file : javaFiles(module.resolve("src/main/java"))) {
            String source = Files.readString(file, StandardCharsets.UTF_8);
            Matcher todo = TODO.matcher(source);
            while (todo.find()) {
                todos++;
                String where = module.relativize(file) + ": \"" + todo.group() + "\"";
                // The class named, or (for a nested type such as DeadlockDetector's DeadlockCycle) the file's class.
                String fileClass = file.getFileName().toString().replace(".java", "");
                String expectedSection = sectionOf.containsKey(todo.group(3)) ? sectionOf.get(todo.group(3))
                        : sectionOf.get(fileClass);
                if (!todo.group(1).equals(moduleName)) {
                    problems.add(where + " names module " + todo.group(1) + ", not " + moduleName);
                }
                if (expectedSection == null) {
                    problems.add(where + " names " + todo.group(3) + ", which exercises.txt does not declare (nor "
                            + fileClass + ", the file's class)");
                } else if (!expectedSection.equals(todo.group(2))) {
                    problems.add(where + " says exercise " + todo.group(2) + ", but exercises.txt and the README put "
                            + todo.group(3) + " in section " + expectedSection);
                }
            }
        }

        // Test classes in the exercise package: each one declared.
        for (Path file : javaFiles(tests)) {
            if (!file.getParent().equals(tests)) {
                continue; // support/ and demo/ subpackages hold helpers, not exercise tests
            }
            String name = file.getFileName().toString().replace(".java", "");
            String source = Files.readString(file, StandardCharsets.UTF_8);
            boolean isTestClass = name.endsWith("Test") && !Pattern.compile("\\babstract\\s+class\\b").matcher(source).find();
            if (isTestClass && exercises.byTestClass(name).isEmpty()) {
                problems.add(module.relativize(file) + " is a test class that exercises.txt does not declare: the"
                        + " progress summary would not count it");
            }
        }

        // Given types: in the module only; solutions/ holds exercises only.
        Set<String> given = new TreeSet<>();
        for (Path file : javaFiles(module.resolve("src/main/java"))) {
            String name = file.getFileName().toString().replace(".java", "");
            if (!declared.contains(name)) {
                given.add(name);
                Path copy = root.resolve("solutions/src/main/java").resolve(module.resolve("src/main/java").relativize(file));
                if (Files.exists(copy)) {
                    problems.add(name + " is a given type (no exercise declares it) but exists twice: in "
                            + module.relativize(file) + " and in " + root.relativize(copy)
                            + ". Keep the module's copy only; solutions/ compiles it from there.");
                }
            }
        }
        for (Path file : javaFiles(references)) {
            String name = file.getFileName().toString().replace(".java", "");
            if (!declared.contains(name)) {
                problems.add(root.relativize(file) + " is in solutions/ but exercises.txt declares no exercise "
                        + name + ": a reference's helpers belong inside its own file, so that it can be copied alone");
            }
        }
        notes.add(exercises.list().size() + " exercises declared; README, " + todos + " TODO message(s), test classes,"
                + " skeletons and references agree with exercises.txt" + (given.isEmpty() ? "" : "; given types: " + given)
                + ".");
    }

    /** Each reference, copied alone over its skeleton, compiles with the module's other skeletons. */
    private void checkCatchUp(Exercises exercises) throws Exception {
        Path sources = module.resolve("src/main/java");
        String pkgPath = exercises.packageName().replace('.', '/');
        List<Path> files = javaFiles(sources);
        String classpath = classpathWithout(module.resolve("target"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int ok = 0;
        for (Exercises.Exercise e : exercises.list()) {
            Path skeleton = sources.resolve(pkgPath).resolve(e.className() + ".java");
            Path reference = root.resolve("solutions/src/main/java").resolve(pkgPath).resolve(e.className() + ".java");
            if (!Files.isRegularFile(skeleton) || !Files.isRegularFile(reference)) {
                continue; // reported by checkDeclaration
            }
            List<Path> withReference = new ArrayList<>();
            for (Path file : files) {
                withReference.add(file.equals(skeleton) ? reference : file);
            }
            Path out = Files.createTempDirectory("catch-up-");
            try {
                DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
                try (StandardJavaFileManager fileManager =
                        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
                    List<String> options = List.of("--release", "21", "-proc:none", "-nowarn", "-encoding", "UTF-8",
                            "-implicit:none", "-sourcepath", "", "-d", out.toString(), "-classpath", classpath);
                    boolean compiled = compiler.getTask(null, fileManager, diagnostics, options, null,
                            fileManager.getJavaFileObjectsFromPaths(withReference)).call();
                    if (compiled) {
                        ok++;
                    } else {
                        StringBuilder errors = new StringBuilder();
                        diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).limit(5)
                                .forEach(d -> errors.append("\n").append(d.getSource() == null ? "?"
                                        : Path.of(d.getSource().toUri()).getFileName()).append(':')
                                        .append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT)));
                        problems.add("catch-up: " + root.relativize(reference) + ", copied over its skeleton, does not"
                                + " compile with the module's other skeletons (it must not use another reference's"
                                + " helpers or members a skeleton lacks):" + errors);
                    }
                }
            } finally {
                deleteTree(out);
            }
        }
        notes.add("catch-up: " + ok + " of " + exercises.list().size()
                + " references compile alone over their skeletons.");
    }

    /** This JVM's classpath (Maven's test classpath of the module) without the module's own build output. */
    private static String classpathWithout(Path buildDirectory) throws URISyntaxException {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null; loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    Path path = Path.of(url.toURI()).toAbsolutePath().normalize();
                    if (!path.startsWith(buildDirectory)) {
                        entries.add(path.toString());
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    static List<Path> javaFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
