package workshop.tooling;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs one module's wrong solutions ({@link WrongSolutionRunner}) in a JVM of its own, kept warm for all of them.
 * Run by {@code ./mvnw verify -Pwrong-solutions} in every exercise module. Arguments: module directory, project
 * root, runs per wrong solution, extra JVM flags, and optionally which wrong solutions ({@code all}, or a name or the
 * start of one: {@code Barrier/}).
 */
public final class WrongSolutionsLauncher {

    private WrongSolutionsLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Path module = Path.of(args[0]).toAbsolutePath().normalize();
        int exit = ChildJvm.run(WrongSolutionRunner.class, module, args.length > 3 ? args[3] : "",
                List.of(module.toString(), args[1], args[2], args.length > 4 ? args[4] : "all"));
        if (exit != 0) {
            throw new IllegalStateException(module.getFileName() + ": not every wrong solution was rejected on every run"
                    + " (see the lines marked NOT REJECTED above)");
        }
    }
}
