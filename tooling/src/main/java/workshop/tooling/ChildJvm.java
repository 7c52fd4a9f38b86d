package workshop.tooling;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Starts a tool in a JVM of its own, with the flags the tests need, on the classpath Maven gave this class minus
 * the module's own build output (the tool loads the module's classes itself, in a class loader it replaces on every
 * run, which {@link SwappableSystemLoader} makes the system class loader's choice too), and waits for it. Ctrl-C
 * stops both.
 */
final class ChildJvm {

    private ChildJvm() {
    }

    /** Runs {@code mainClass} with {@code args}; returns its exit code. */
    static int run(Class<?> mainClass, Path moduleDir, String flags, List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+EnableDynamicAgentLoading");
        command.add("-Xshare:off");
        command.add("-Djava.system.class.loader=" + SwappableSystemLoader.class.getName());
        for (String flag : flags.trim().split("\\s+")) {
            if (!flag.isBlank() && !flag.startsWith("@{") && !flag.startsWith("${")) {
                command.add(flag);
            }
        }
        for (String property : List.of("workshop.time.factor", "workshop.postgres.url", "workshop.redis.url")) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpathWithout(moduleDir.resolve("target"))));
        command.add(mainClass.getName());
        command.addAll(args);
        Process child = new ProcessBuilder(command).inheritIO().start();
        Thread stopChild = new Thread(child::destroy, "stop-" + mainClass.getSimpleName());
        Runtime.getRuntime().addShutdownHook(stopChild);
        try {
            return child.waitFor();
        } finally {
            if (!child.isAlive()) {
                Runtime.getRuntime().removeShutdownHook(stopChild);
            }
        }
    }

    /** The classpath Maven gave this class (the module's test classpath and the tools) without {@code excluded}. */
    static Set<String> classpathWithout(Path excluded) throws URISyntaxException {
        Path skip = excluded.toAbsolutePath().normalize();
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null; loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    Path path = Path.of(url.toURI()).toAbsolutePath().normalize();
                    if (!path.startsWith(skip)) {
                        entries.add(path.toString());
                    }
                }
            }
        }
        if (entries.isEmpty()) {
            entries.add(System.getProperty("java.class.path"));
        }
        return entries;
    }
}
