package workshop.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A module's exercises as its {@code exercises.txt} declares them, the one list the progress summary, watch
 * mode and the check read:
 *
 * <pre>
 * # comments
 * package workshop.locks
 * 1  BankAccount     BankAccountTest
 * 4  LockCounter     LockCounterTest
 * 4  StripedCounter  StripedCounterTest
 * </pre>
 *
 * Each line after the package: the README section number, the exercise's class, its test class, in the order a
 * learner does them. {@code directory} is the module's directory (the file's).
 */
public record Exercises(String module, String packageName, List<Exercise> list, Path directory) {

    /** The file's name, in the module's directory. */
    public static final String FILE_NAME = "exercises.txt";

    /** The system property with the file's path (Maven sets it; an IDE run finds the file itself). */
    public static final String PROPERTY = "workshop.exercises";

    /** One exercise: its README section ("4"), class and test class (simple names), and its place in the order (1, 2, ...). */
    public record Exercise(int order, String section, String className, String testClass) {

        /** The test class's fully qualified name in {@code packageName}. */
        public String testClassIn(String packageName) {
            return packageName + "." + testClass;
        }
    }

    public Exercises {
        list = List.copyOf(list);
    }

    /** The exercise whose test class is {@code testClass} (simple or qualified name). */
    public Optional<Exercise> byTestClass(String testClass) {
        String simple = testClass.substring(testClass.lastIndexOf('.') + 1);
        return list.stream().filter(e -> e.testClass().equals(simple)).findFirst();
    }

    /** Reads a declaration; a malformed line fails with its number and what is wrong. */
    public static Exercises read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the exercise list " + file, e);
        }
        Path parent = file.toAbsolutePath().getParent();
        String module = parent == null ? "" : parent.getFileName().toString();
        String packageName = null;
        List<Exercise> exercises = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            String where = file + " line " + (i + 1) + ": ";
            if (packageName == null) {
                if (fields.length != 2 || !fields[0].equals("package")) {
                    throw new IllegalArgumentException(where + "expected \"package workshop.<name>\" before the exercises");
                }
                packageName = fields[1];
                continue;
            }
            if (fields.length != 3 || !fields[0].matches("\\d+") || !fields[1].matches("[A-Z]\\w*")
                    || !fields[2].matches("[A-Z]\\w*")) {
                throw new IllegalArgumentException(where + "expected \"<README section number> <Class> <TestClass>\", got \""
                        + line + "\"");
            }
            exercises.add(new Exercise(exercises.size() + 1, fields[0], fields[1], fields[2]));
        }
        if (packageName == null || exercises.isEmpty()) {
            throw new IllegalArgumentException(file + " declares no exercises");
        }
        return new Exercises(module, packageName, exercises, parent);
    }

    /**
     * The declaration of the module being tested: the file named by {@link #PROPERTY}, else the first
     * {@code exercises.txt} found from the working directory upwards (an IDE runs tests in the module's directory
     * or the project root) or beside the test classes.
     */
    public static Optional<Exercises> current(Class<?> anyTestClass) {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank() && Files.isRegularFile(Path.of(configured))) {
            return Optional.of(read(Path.of(configured)));
        }
        List<Path> starts = new ArrayList<>();
        if (anyTestClass != null && anyTestClass.getProtectionDomain().getCodeSource() != null) {
            try {
                starts.add(Path.of(anyTestClass.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (Exception e) {
                // not a file location (a jar in a remote repository, say): fall back to the working directory
            }
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(FILE_NAME);
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(read(candidate));
                }
            }
        }
        return Optional.empty();
    }
}
