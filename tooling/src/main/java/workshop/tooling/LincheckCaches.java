package workshop.tooling;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Map;

/**
 * Makes Lincheck forget the module's classes before a tool loads a new version of them in a new class loader.
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
