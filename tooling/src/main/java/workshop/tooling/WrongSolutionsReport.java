package workshop.tooling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The closing line of {@code ./mvnw verify -Pwrong-solutions}: reads every module's
 * {@code target/wrong-solutions.tsv} and prints {@code wrong solutions rejected: N of M (3 runs each)}; fails when
 * one was not rejected on every run, or when a module with wrong solutions has no results. Argument: project root.
 */
public final class WrongSolutionsReport {

    private WrongSolutionsReport() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        int total = 0;
        int rejected = 0;
        int runs = 0;
        List<String> problems = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root.resolve("wrong-solutions"))) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String module = dir.getFileName().toString();
                int files = WrongSolution.of(root, module).size();
                Path report = root.resolve(module).resolve("target/wrong-solutions.tsv");
                if (!Files.isRegularFile(report)) {
                    if (files > 0) {
                        problems.add(module + ": " + files + " wrong solution(s) and no results (" + report + ")");
                        total += files;
                    }
                    continue;
                }
                for (String line : Files.readAllLines(report, StandardCharsets.UTF_8)) {
                    if (line.startsWith("#skipped\t")) {
                        skipped.add(module + " " + line.substring("#skipped\t".length()).replace('\t', ' '));
                        continue;
                    }
                    if (line.startsWith("#") || line.isBlank()) {
                        continue;
                    }
                    String[] f = line.split("\t", -1);
                    total++;
                    runs = Integer.parseInt(f[3]);
                    if (f[2].equals(f[3]) && f[4].isEmpty()) {
                        rejected++;
                    } else {
                        problems.add(module + " " + f[1] + ": " + f[4]);
                    }
                }
            }
        }
        problems.forEach(p -> System.out.println("[wrong solutions] NOT REJECTED " + p));
        skipped.forEach(s -> System.out.println("[wrong solutions] skipped " + s + " (set it to run this one)"));
        System.out.printf("wrong solutions rejected: %d of %d (%d runs each)%s%n", rejected, total, runs,
                skipped.isEmpty() ? "" : "; " + skipped.size() + " skipped, see above");
        if (rejected != total || total == 0) {
            throw new IllegalStateException((total - rejected) + " wrong solution(s) not rejected on every run: listed above");
        }
    }
}
