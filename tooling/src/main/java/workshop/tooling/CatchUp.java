package workshop.tooling;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import workshop.testkit.Exercises;

/**
 * Catching up in a workshop room: copies an exercise's reference from {@code solutions/} over the learner's file,
 * after keeping the learner's version as {@code target/catch-up/X.java.mine}. Each reference compiles alone with the
 * module's other skeletons (the check proves it), so the module still builds.
 *
 * <pre>
 * ./mvnw -q -Pcatch-up -pl 01-locks -Dexercise=BankAccount
 * ./mvnw -q -Pcatch-up -pl 01-locks -Dexercise=all
 * </pre>
 *
 * Arguments: the module's directory, the project's root directory, the exercise (a class name, a README section
 * number, or {@code all}).
 */
public final class CatchUp {

    private CatchUp() {
    }

    public static void main(String[] args) throws Exception {
        Path module = Path.of(args[0]).toAbsolutePath().normalize();
        Path root = Path.of(args[1]).toAbsolutePath().normalize();
        String wanted = args.length > 2 && args[2] != null ? args[2].strip() : "";
        Exercises exercises = Exercises.read(module.resolve(Exercises.FILE_NAME));
        String usage = "Say which exercise: -Dexercise=" + exercises.list().get(0).className()
                + " (a class), -Dexercise=" + exercises.list().get(0).section() + " (a README section) or -Dexercise=all."
                + " The exercises of " + exercises.module() + ": "
                + exercises.list().stream().map(e -> e.section() + " " + e.className()).toList();
        if (wanted.isEmpty() || wanted.startsWith("${")) {
            throw new IllegalArgumentException(usage);
        }
        List<Exercises.Exercise> chosen = new ArrayList<>();
        for (Exercises.Exercise e : exercises.list()) {
            if (wanted.equalsIgnoreCase("all") || e.className().equalsIgnoreCase(wanted) || e.section().equals(wanted)) {
                chosen.add(e);
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("No exercise \"" + wanted + "\" in " + exercises.module() + ". " + usage);
        }
        String pkgPath = exercises.packageName().replace('.', '/');
        Path backups = module.resolve("target/catch-up");
        for (Exercises.Exercise e : chosen) {
            Path mine = module.resolve("src/main/java").resolve(pkgPath).resolve(e.className() + ".java");
            Path reference = root.resolve("solutions/src/main/java").resolve(pkgPath).resolve(e.className() + ".java");
            if (Files.exists(mine) && Files.mismatch(mine, reference) == -1) {
                System.out.printf("[catch-up] %s: already the reference, nothing to do.%n", e.className());
                continue;
            }
            if (Files.exists(mine)) {
                Files.createDirectories(backups);
                Files.copy(mine, backups.resolve(e.className() + ".java.mine"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.copy(reference, mine, StandardCopyOption.REPLACE_EXISTING);
            System.out.printf(Locale.ROOT, "[catch-up] %s: copied %s over %s (yours is kept as %s until the next clean).%n", e.className(),
                    root.relativize(reference), root.relativize(mine), root.relativize(backups.resolve(e.className()
                            + ".java.mine")));
        }
        System.out.printf("[catch-up] Run the tests:  ./mvnw test -pl %s%n", exercises.module());
    }
}
