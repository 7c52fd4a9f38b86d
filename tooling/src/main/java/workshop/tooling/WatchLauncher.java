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
 * Starts {@link WatchMode} for one module in a JVM of its own, with the flags the tests need, and waits
 * for it. Run by {@code ./mvnw -q -Pwatch -pl 01-locks} (Maven supplies the module's test classpath);
 * Ctrl-C stops both.
 *
 * <p>Arguments: module directory, extra JVM flags (one string, may be blank).
 */
public final class WatchLauncher {

    private WatchLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: WatchLauncher MODULE_DIR [JVM_FLAGS]");
        }
        Path moduleDir = Path.of(args[0]).toAbsolutePath();
        String flags = args.length > 1 ? args[1] : "";
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+EnableDynamicAgentLoading");
        command.add("-Xshare:off");
        for (String flag : flags.trim().split("\\s+")) {
            if (!flag.isBlank() && !flag.startsWith("@{") && !flag.startsWith("${")) {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath()));
        command.add(WatchMode.class.getName());
        command.add(moduleDir.toString());
        Process child = new ProcessBuilder(command).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(child::destroy, "stop-watch"));
        int exit = child.waitFor();
        if (exit != 0 && exit != 130 && exit != 143) {
            throw new IllegalStateException("watch mode ended with exit code " + exit);
        }
    }

    /** The classpath Maven gave this class: the module's test classpath. */
    private static Set<String> classpath() throws URISyntaxException {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null; loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    entries.add(Path.of(url.toURI()).toString());
                }
            }
        }
        if (entries.isEmpty()) {
            entries.add(System.getProperty("java.class.path"));
        }
        return entries;
    }
}
