package workshop.tooling;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Makes Lincheck forget the module's classes before a tool loads a new version of them in a new class loader, and
 * find the new ones.
 *
 * <p>Lincheck's agent remembers, by class name, which classes it has instrumented and the instrumented bytes. A
 * JVM that loads {@code workshop.locks.SimpleMutex} again (watch mode after a save, the wrong-solution runner for
 * the next wrong solution) would get the old class's bytes applied to the new one ("class redefinition failed:
 * attempted to change the schema"), and the new class would run uninstrumented, so model checking would explore
 * nothing and a wrong solution could pass. Forgetting those names makes Lincheck instrument the new class afresh.
 * Lincheck's fields are private: this reaches them by reflection and does nothing if they are not there.
 */
final class LincheckCaches {

    private LincheckCaches() {
    }

    /** Forgets every {@code workshop.*} class except the testkit's and the tools'. */
    static void forgetModuleClasses() {
        ClassLoader loader = LincheckCaches.class.getClassLoader();
        try {
            Class<?> transformer = Class.forName("org.jetbrains.lincheck.jvm.agent.LincheckClassFileTransformer", false, loader);
            Object caches = read(transformer, "transformedClassesCachesByMode");
            if (caches instanceof Map<?, ?> byMode) {
                for (Object cache : byMode.values()) {
                    if (cache instanceof Map<?, ?> byName) {
                        byName.keySet().removeIf(LincheckCaches::isModuleClass);
                    }
                }
            }
            Class<?> instrumentation = Class.forName("org.jetbrains.lincheck.jvm.agent.LincheckInstrumentation", false, loader);
            Object instrumented = read(instrumentation, "instrumentedClasses");
            if (instrumented instanceof Collection<?> names) {
                synchronized (names) {
                    names.removeIf(LincheckCaches::isModuleClass);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Lincheck is not on the classpath, or keeps its caches elsewhere: nothing to forget
        }
        Map<String, Class<?>> byName = classCache();
        if (byName != null) {
            byName.keySet().removeIf(LincheckCaches::isModuleClass);
        }
    }

    /**
     * Lets Lincheck find the module's classes, as {@code loader} loads them, by name. Lincheck looks some classes up
     * with {@code Class.forName} from its own class loader (its {@code ClassCache}; for instance when it records a
     * static field that a tested method reads, as {@code outcome == Outcome.PENDING} reads an enum constant), and a
     * tool's JVM keeps the module's classes off that loader's classpath: the lookup failed with "Wow! You've caught a
     * bug in Lincheck" and a {@code ClassNotFoundException}. Puts every module class in {@code loader}'s directories
     * (loaded, not initialised) into that cache, in place of an earlier run's. Call after {@link #forgetModuleClasses}.
     */
    static void useModuleClasses(URLClassLoader loader) {
        Map<String, Class<?>> byName = classCache();
        if (byName == null) {
            return;
        }
        for (URL url : loader.getURLs()) {
            Path dir;
            try {
                dir = Path.of(url.toURI());
            } catch (URISyntaxException | RuntimeException e) {
                continue;
            }
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    String relative = dir.relativize(file).toString();
                    String name = relative.substring(0, relative.length() - ".class".length()).replace(File.separatorChar, '.');
                    if (isModuleClass(name) && !name.endsWith("module-info") && !name.endsWith("package-info")) {
                        try {
                            byName.put(name, Class.forName(name, false, loader));
                        } catch (ClassNotFoundException | LinkageError e) {
                            // a class that cannot be loaded is one no test runs: Lincheck will not look for it
                        }
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // an unreadable directory: its classes stay unknown to Lincheck, as before
            }
        }
    }

    /** Lincheck's cache of classes by name ({@code org.jetbrains.lincheck.util.ClassCache}), or null. */
    @SuppressWarnings("unchecked")
    private static Map<String, Class<?>> classCache() {
        try {
            Class<?> cache = Class.forName("org.jetbrains.lincheck.util.ClassCache", false, LincheckCaches.class.getClassLoader());
            return read(cache, "cache") instanceof Map<?, ?> map ? (Map<String, Class<?>>) map : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // Lincheck is not on the classpath, or keeps its cache elsewhere
        }
    }

    private static Object read(Class<?> type, String name) throws ReflectiveOperationException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(null);
    }

    private static boolean isModuleClass(Object name) {
        String n = String.valueOf(name).replace('/', '.');
        return n.startsWith("workshop.") && !n.startsWith("workshop.testkit.") && !n.startsWith("workshop.tooling.");
    }
}
