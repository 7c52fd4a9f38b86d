package workshop.tooling;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import workshop.testkit.Exercises;
import workshop.testkit.ProgressListener;
import workshop.testkit.ProgressReport;
import workshop.testkit.ReusableServers;

/**
 * Watch mode: every time a file of the module is saved, recompile it and rerun the tests it affects,
 * in this JVM, which stays warm (no Maven start-up, no new JVM, Lincheck already loaded), then print
 * the progress summary. A compile error is shown and watching goes on. Ctrl-C stops it.
 *
 * <p>Which tests run: the first run runs them all. After that, a saved exercise {@code X.java} or test
 * {@code XTest.java} reruns every test class that mentions the saved class (its own test, tests that
 * build on it); results of the others are kept from their last run and marked so in the summary.
 * Saving the README runs everything.
 *
 * <p>Servers that tests start (Redis) are kept between tests and runs and stopped when watching ends
 * (see {@link ReusableServers}).
 */
public final class WatchMode {

    private static final long POLL_MILLIS = 150;
    private static final long SETTLE_MILLIS = 60;
    private static final Pattern TEST_CLASS = Pattern.compile(".*Test\\.java$");

    private final Path module;
    private final String moduleName;
    private final Path mainSources;
    private final Path testSources;
    private final Path mainClasses;
    private final Path testClasses;
    private final List<Path> dependencies;
    private final PrintStream out = System.out;
    /** Last known results per test class (fully qualified name), across runs. */
    private final Map<String, ProgressListener.Results> lastResults = new LinkedHashMap<>();
    private final Set<String> freshThisRun = new TreeSet<>();

    WatchMode(Path module) {
        this.module = module;
        this.moduleName = module.getFileName().toString();
        this.mainSources = module.resolve("src/main/java");
        this.testSources = module.resolve("src/test/java");
        this.mainClasses = module.resolve("target/classes");
        this.testClasses = module.resolve("target/test-classes");
        List<Path> deps = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath().normalize();
            if (!path.equals(mainClasses) && !path.equals(testClasses)) {
                deps.add(path);
            }
        }
        this.dependencies = deps;
    }

    public static void main(String[] args) throws Exception {
        WatchMode watch = new WatchMode(Path.of(args[0]).toAbsolutePath().normalize());
        System.setProperty("workshop.progress.quiet", "true"); // the watch prints its own, merged summary
        System.setProperty(ReusableServers.ENABLED_PROPERTY, "true"); // servers outlive a run; stopped on exit
        watch.run();
    }

    void run() throws Exception {
        out.printf("%nWatching %s: save a file to recompile and rerun its tests. Ctrl-C stops.%n", moduleName);
        Map<Path, FileTime> seen = snapshot();
        runOnce(null);
        while (true) {
            Map<Path, FileTime> now = snapshot();
            if (!now.equals(seen)) {
                Thread.sleep(SETTLE_MILLIS); // an editor may write a file in several steps: let it finish
                now = snapshot();
                Set<Path> changed = changes(seen, now);
                seen = now;
                runOnce(changed);
            }
            Thread.sleep(POLL_MILLIS); // polling the file tree; works the same on every OS
        }
    }

    /** Compiles and runs; {@code changed == null} means everything. */
    private void runOnce(Set<Path> changed) throws IOException {
        long start = System.nanoTime();
        out.println();
        out.println("=".repeat(72));
        if (changed != null) {
            out.println(" Saved: " + changed.stream().map(p -> module.relativize(p).toString()).sorted().toList());
        }
        if (!compile(mainSources, mainClasses, List.of()) || !compile(testSources, testClasses, List.of(mainClasses))) {
            out.printf(" Fix the compile error above and save again (%.1f s).%n", seconds(start));
            return;
        }
        copyResources(module.resolve("src/main/resources"), mainClasses);
        copyResources(module.resolve("src/test/resources"), testClasses);
        List<String> toRun = testsToRun(changed);
        freshThisRun.clear();
        try (URLClassLoader loader = new ChildFirstLoader(new Path[] {testClasses, mainClasses}, WatchMode.class.getClassLoader())) {
            Thread current = Thread.currentThread();
            ClassLoader previous = current.getContextClassLoader();
            current.setContextClassLoader(loader);
            LincheckCaches.forgetModuleClasses(); // the classes are new: Lincheck must instrument them afresh
            LincheckCaches.useModuleClasses(loader); // and find them by name
            SwappableSystemLoader.use(loader); // Lincheck finds the test classes through the system class loader
            try {
                List<DiscoverySelector> selectors = new ArrayList<>();
                for (String name : toRun) {
                    selectors.add(selectClass(loader.loadClass(name)));
                }
                LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
                Launcher launcher = LauncherFactory.create();
                ProgressListener collector = new ProgressListener();
                launcher.execute(request, collector);
                collector.results().forEach((testClass, results) -> {
                    lastResults.put(testClass, results);
                    freshThisRun.add(testClass);
                });
            } catch (ClassNotFoundException e) {
                out.println(" Could not load " + e.getMessage());
            } finally {
                SwappableSystemLoader.use(null);
                current.setContextClassLoader(previous);
            }
        }
        printFirstFailureOfNextExercise();
        ProgressReport.print(lastResults, exercises(), out);
        List<String> kept = lastResults.keySet().stream().filter(c -> !freshThisRun.contains(c))
                .map(c -> c.substring(c.lastIndexOf('.') + 1)).toList();
        if (!kept.isEmpty()) {
            out.println(" Not rerun (results from an earlier run): " + String.join(", ", kept)
                    + ". Save the README to rerun everything.");
        }
        out.printf(" [watch] %s: compiled and ran %d test class(es) in %.1f s. Waiting for the next save...%n",
                java.time.LocalTime.now().withNano(0), toRun.size(), seconds(start));
    }

    /** The first failure (by testkit's {@link workshop.testkit.FirstFailure} rule) of the first unfinished exercise. */
    private void printFirstFailureOfNextExercise() {
        for (Exercises.Exercise exercise : exercises().list()) {
            for (Map.Entry<String, ProgressListener.Results> entry : lastResults.entrySet()) {
                String[] first = entry.getKey().endsWith("." + exercise.testClass()) && entry.getValue().failed > 0
                        ? entry.getValue().firstFailureByRule(testSources) : null;
                if (first != null && first[1] != null) {
                    String[] lines = first[1].split("\n");
                    out.println(" First failure of " + exercise.className() + ":");
                    for (int i = 0; i < Math.min(lines.length, 60); i++) {
                        out.println("   " + lines[i]);
                    }
                    return;
                }
            }
        }
    }

    /** The module's exercise list, read again on every run (saving it takes effect at once). */
    private Exercises exercises() {
        return Exercises.read(module.resolve(Exercises.FILE_NAME));
    }

    /** Every test class, or those whose source mentions a saved class. */
    private List<String> testsToRun(Set<Path> changed) throws IOException {
        Map<String, Path> tests = new TreeMap<>();
        for (Path file : javaFiles(testSources)) {
            if (TEST_CLASS.matcher(file.getFileName().toString()).matches() && !isAbstract(file)) {
                tests.put(className(testSources, file), file);
            }
        }
        if (changed == null || changed.stream().anyMatch(p -> !p.toString().endsWith(".java"))) {
            return new ArrayList<>(tests.keySet());
        }
        Set<String> savedNames = new LinkedHashSet<>();
        for (Path p : changed) {
            String file = p.getFileName().toString();
            savedNames.add(file.substring(0, file.length() - ".java".length()));
        }
        List<String> affected = new ArrayList<>();
        for (Map.Entry<String, Path> test : tests.entrySet()) {
            String simple = test.getKey().substring(test.getKey().lastIndexOf('.') + 1);
            String exercise = simple.substring(0, simple.length() - "Test".length());
            String source = Files.readString(test.getValue(), StandardCharsets.UTF_8) + readExercise(test.getKey(), exercise)
                    + readBaseClasses(test.getValue());
            for (String name : savedNames) {
                if (name.equals(simple) || name.equals(exercise) || Pattern.compile("\\b" + name + "\\b").matcher(source).find()) {
                    affected.add(test.getKey());
                    break;
                }
            }
        }
        return affected.isEmpty() ? new ArrayList<>(tests.keySet()) : affected;
    }

    private String readExercise(String testClass, String exercise) throws IOException {
        String pkg = testClass.substring(0, Math.max(0, testClass.lastIndexOf('.'))).replace('.', '/');
        Path source = mainSources.resolve(pkg).resolve(exercise + ".java");
        return Files.isRegularFile(source) ? Files.readString(source, StandardCharsets.UTF_8) : "";
    }

    /** The sources of the test's base classes in the same folder (for example a shared contract). */
    private String readBaseClasses(Path testFile) throws IOException {
        String source = Files.readString(testFile, StandardCharsets.UTF_8);
        var matcher = Pattern.compile("extends\\s+(\\w+)").matcher(source);
        StringBuilder bases = new StringBuilder();
        while (matcher.find()) {
            Path base = testFile.resolveSibling(matcher.group(1) + ".java");
            if (Files.isRegularFile(base)) {
                bases.append(Files.readString(base, StandardCharsets.UTF_8));
            }
        }
        return bases.toString();
    }

    private static boolean isAbstract(Path file) throws IOException {
        return Pattern.compile("\\babstract\\s+class\\b").matcher(Files.readString(file, StandardCharsets.UTF_8)).find();
    }

    private boolean compile(Path sources, Path output, List<Path> extraClasspath) throws IOException {
        List<Path> files = javaFiles(sources);
        deleteTree(output);
        Files.createDirectories(output);
        if (files.isEmpty()) {
            return true;
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<Path> classpath = new ArrayList<>(extraClasspath);
        classpath.addAll(dependencies);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "21", "-proc:none", "-g", "-parameters", "-nowarn",
                    "-encoding", "UTF-8", "-d", output.toString(), "-classpath",
                    String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()));
            boolean ok = compiler.getTask(null, fileManager, diagnostics, options, null,
                    fileManager.getJavaFileObjectsFromPaths(files)).call();
            if (!ok) {
                out.println(" COMPILE ERROR");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    if (d.getKind() == Diagnostic.Kind.ERROR) {
                        String file = d.getSource() == null ? "?" : module.relativize(Path.of(d.getSource().toUri())).toString();
                        out.printf("   %s:%d: %s%n", file, d.getLineNumber(), d.getMessage(Locale.ROOT));
                    }
                }
            }
            return ok;
        }
    }

    private static void copyResources(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private Map<Path, FileTime> snapshot() throws IOException {
        Map<Path, FileTime> times = new HashMap<>();
        for (Path root : List.of(mainSources, testSources, module.resolve("src/main/resources"),
                module.resolve("src/test/resources"))) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        times.put(file, Files.getLastModifiedTime(file));
                    }
                }
            }
        }
        for (Path file : List.of(module.resolve("README.md"), module.resolve(Exercises.FILE_NAME))) {
            if (Files.isRegularFile(file)) {
                times.put(file, Files.getLastModifiedTime(file));
            }
        }
        return times;
    }

    private static Set<Path> changes(Map<Path, FileTime> before, Map<Path, FileTime> after) {
        Set<Path> changed = new TreeSet<>();
        after.forEach((path, time) -> {
            if (!time.equals(before.get(path))) {
                changed.add(path);
            }
        });
        before.keySet().stream().filter(p -> !after.containsKey(p)).forEach(changed::add);
        return changed;
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static String className(Path root, Path file) {
        String relative = root.relativize(file).toString().replace(File.separatorChar, '.');
        return relative.substring(0, relative.length() - ".java".length());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + p, e);
                }
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Loads the module's freshly compiled classes itself (never stale copies), everything else from the parent. */
    private static final class ChildFirstLoader extends URLClassLoader {
        private final Path[] roots;

        ChildFirstLoader(Path[] roots, ClassLoader parent) throws MalformedURLException {
            super(urls(roots), parent);
            this.roots = roots;
        }

        private static URL[] urls(Path[] roots) throws MalformedURLException {
            URL[] urls = new URL[roots.length];
            for (int i = 0; i < roots.length; i++) {
                urls[i] = roots[i].toUri().toURL();
            }
            return urls;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    String file = name.replace('.', '/') + ".class";
                    for (Path root : roots) {
                        if (Files.exists(root.resolve(file))) {
                            loaded = findClass(name);
                            break;
                        }
                    }
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

        @Override
        public URL getResource(String name) {
            URL own = findResource(name);
            return own != null ? own : super.getResource(name);
        }
    }
}
