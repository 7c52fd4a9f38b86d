package workshop.tooling;

import java.nio.file.Path;
import java.util.List;

/**
 * Starts {@link WatchMode} for one module in a JVM of its own and waits for it. Run by
 * {@code ./mvnw -q -Pwatch -pl 01-locks} (Maven supplies the module's test classpath); Ctrl-C stops both.
 *
 * <p>The module's own classes are not on the child's classpath: watch mode compiles them and loads them in a
 * class loader of its own, which it replaces on every save. (Were they on the classpath too, two copies of each
 * test class would exist, and Lincheck, which loads the test class by name, would meet the wrong one.)
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
        int exit = ChildJvm.run(WatchMode.class, moduleDir, args.length > 1 ? args[1] : "", List.of(moduleDir.toString()));
        if (exit != 0 && exit != 130 && exit != 143) {
            throw new IllegalStateException("watch mode ended with exit code " + exit);
        }
    }
}
