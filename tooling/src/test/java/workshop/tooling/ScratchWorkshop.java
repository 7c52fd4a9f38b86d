package workshop.tooling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** A scratch copy of the workshop, for tests that run {@code ./mvnw} as a learner would. */
final class ScratchWorkshop {

    private ScratchWorkshop() {
    }

    /** The workshop's root (the tests run in {@code tooling/}). */
    static Path root() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
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
