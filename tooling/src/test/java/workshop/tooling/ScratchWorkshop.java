package workshop.tooling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A scratch copy of the workshop, for tests that run {@code ./mvnw} as a learner would. */
final class ScratchWorkshop {

    private ScratchWorkshop() {
    }

    /** The workshop's root (the tests run in {@code tooling/}). */
    static Path root() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    }

    /**
     * Starts a child process (Maven and the JVMs it forks) that ends with this JVM: {@link #stop} ends it, and so
     * does a shutdown hook if this JVM is stopped first (Surefire's fork timeout, Ctrl-C, SIGTERM). Only SIGKILL
     * of this JVM leaves it running.
     */
    static Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        Thread hook = new Thread(() -> stop(process), "stop-" + process.pid());
        Runtime.getRuntime().addShutdownHook(hook);
        process.onExit().thenRun(() -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway and finds nothing to stop
            }
        });
        return process;
    }

    /** Ends a process {@link #start} started, and every process it started, if they still run. */
    static void stop(Process process) {
        // Children first, listed before the parent goes, so that none is missed as an orphan.
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** The workshop's files without build output and version control. */
    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path relative = from.relativize(file);
                String name = relative.toString().replace('\\', '/');
                if (name.startsWith(".git") || name.contains("/target/") || name.endsWith("/target")
                        || name.equals("target") || name.startsWith("benchmarks/results")) {
                    continue;
                }
                Path target = to.resolve(relative);
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
