package workshop.tooling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One file of {@code wrong-solutions/<module>/<Class>/<slug>.java}: a reference class with one mistake, and the
 * header that says what is wrong, which tests must reject it and what their message must say
 * (wrong-solutions/README.md).
 */
record WrongSolution(Path file, String module, String className, String slug, String wrong, List<String> rejectedBy,
        String message, String caughtBy, String needs) {

    private static final Pattern FIELD = Pattern.compile("^\\s*\\*\\s*(Wrong|Rejected by|Message|Caught by|Needs):\\s*(.*?)\\s*$");
    private static final Pattern TEST = Pattern.compile("[A-Z]\\w*#\\w+");

    /** A short name for reports: {@code BankAccount/lock-on-deposit-only}. */
    String name() {
        return className + "/" + slug;
    }

    /**
     * Why it cannot be judged here, or empty: {@code Needs: WORKSHOP_POSTGRES_URL} names a setting (environment
     * variable, or the system property of the same name in lower case with dots) without which the tests that
     * reject it do not run.
     */
    java.util.Optional<String> missingSetting() {
        if (needs.isBlank()) {
            return java.util.Optional.empty();
        }
        String property = needs.toLowerCase(java.util.Locale.ROOT).replace('_', '.');
        String value = System.getenv(needs);
        if (value == null || value.isBlank()) {
            value = System.getProperty(property);
        }
        return value == null || value.isBlank() ? java.util.Optional.of(needs) : java.util.Optional.empty();
    }

    /** The test classes named in {@link #rejectedBy}. */
    List<String> testClasses() {
        return rejectedBy.stream().map(t -> t.substring(0, t.indexOf('#'))).distinct().toList();
    }

    /** Every wrong solution of {@code module} under {@code root/wrong-solutions}, sorted. */
    static List<WrongSolution> of(Path root, String module) throws IOException {
        Path dir = root.resolve("wrong-solutions").resolve(module);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<WrongSolution> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                all.add(parse(file, module));
            }
        }
        return all;
    }

    /** Reads one file's header; a missing or malformed field fails with the file's name and what to write. */
    static WrongSolution parse(Path file, String module) throws IOException {
        String className = file.getParent().getFileName().toString();
        String fileName = file.getFileName().toString();
        String slug = fileName.substring(0, fileName.length() - ".java".length());
        String wrong = null;
        String rejected = null;
        String message = null;
        String caughtBy = "";
        String needs = "";
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("package ")) {
                break;
            }
            Matcher m = FIELD.matcher(line);
            if (m.matches()) {
                switch (m.group(1)) {
                    case "Wrong" -> wrong = m.group(2);
                    case "Rejected by" -> rejected = m.group(2);
                    case "Message" -> message = m.group(2);
                    case "Needs" -> needs = m.group(2);
                    default -> caughtBy = m.group(2);
                }
            }
        }
        String where = file + ": ";
        if (wrong == null || wrong.isBlank()) {
            throw new IllegalArgumentException(where + "no \" * Wrong: <what is wrong>\" line in the header comment");
        }
        if (rejected == null || rejected.isBlank()) {
            throw new IllegalArgumentException(where + "no \" * Rejected by: TestClass#method, ...\" line in the header");
        }
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException(where + "no \" * Message: <fragment of the failure message>\" line");
        }
        List<String> tests = new ArrayList<>();
        for (String test : rejected.split(",")) {
            String t = test.strip();
            if (!TEST.matcher(t).matches()) {
                throw new IllegalArgumentException(where + "\"Rejected by\" lists \"" + t + "\"; write TestClass#method");
            }
            tests.add(t);
        }
        String source = Files.readString(file, StandardCharsets.UTF_8);
        if (!Pattern.compile("\\b(class|interface|record|enum)\\s+" + className + "\\b").matcher(source).find()) {
            throw new IllegalArgumentException(where + "declares no class " + className + " (the folder's name): a wrong"
                    + " solution replaces the reference class it is filed under");
        }
        return new WrongSolution(file, module, className, slug, wrong, List.copyOf(tests), message, caughtBy, needs);
    }
}
