package workshop.tooling;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The system class loader of the tools' JVMs (watch mode, the wrong-solution runner), installed with
 * {@code -Djava.system.class.loader}: it hands the module's classes ({@code workshop.*}, except the testkit and the
 * tools) to the loader the tool is using right now, which it replaces on every run.
 *
 * <p>Why: Lincheck loads the test class by name through the system class loader. Were the module's classes on the
 * classpath, that would be a second, stale copy (a {@code ClassCastException} between two
 * {@code BankAccountTest}s); were they nowhere but in the tool's loader, Lincheck could not find them at all.
 */
public final class SwappableSystemLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private static volatile ClassLoader current;

    /** Jars an agent added at run time (Lincheck's and Mockito's agents attach themselves). */
    private volatile URLClassLoader appended;

    /** Called by the JVM with the application class loader as {@code parent}. */
    public SwappableSystemLoader(ClassLoader parent) {
        super(parent);
    }

    /** The loader of the module's classes from now on (null: none). */
    static void use(ClassLoader loader) {
        current = loader;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        ClassLoader loader = current;
        if (loader != null && isModuleClass(name)) {
            return loader.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        URLClassLoader extra = appended;
        if (extra == null) {
            throw new ClassNotFoundException(name);
        }
        return extra.loadClass(name);
    }

    @Override
    protected URL findResource(String name) {
        URLClassLoader extra = appended;
        return extra == null ? null : extra.findResource(name);
    }

    /**
     * Called by {@code Instrumentation.appendToSystemClassLoaderSearch} when an agent attaches itself: the system
     * class loader must be able to load the agent's jar (java.lang.instrument's documentation names this method).
     */
    synchronized void appendToClassPathForInstrumentation(String path) throws MalformedURLException {
        URL url = Path.of(path).toUri().toURL();
        URLClassLoader extra = appended;
        List<URL> urls = new ArrayList<>(extra == null ? List.of() : List.of(extra.getURLs()));
        urls.add(url);
        appended = new URLClassLoader(urls.toArray(URL[]::new), getParent());
    }

    private static boolean isModuleClass(String name) {
        return name.startsWith("workshop.") && !name.startsWith("workshop.testkit.") && !name.startsWith("workshop.tooling.");
    }
}
