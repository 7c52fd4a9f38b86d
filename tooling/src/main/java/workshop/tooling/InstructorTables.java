package workshop.tooling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * INSTRUCTORS.md's tables of wrong solutions, one per module, made from the files in {@code wrong-solutions/}: a
 * row per file, so a row without a file or a file without a row cannot exist. The module check compares each table
 * with what the files give; {@code ./mvnw -q compile -Pinstructor-tables -pl wrong-solutions} rewrites them.
 *
 * <p>Arguments: project root, then {@code write} to rewrite (else check only, and list the differences).
 */
public final class InstructorTables {

    static final String REGENERATE = "./mvnw -q compile -Pinstructor-tables -pl wrong-solutions";

    private InstructorTables() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        boolean write = args.length > 1 && args[1].equals("write");
        Path instructors = root.resolve("INSTRUCTORS.md");
        String text = Files.readString(instructors, StandardCharsets.UTF_8);
        List<String> modules = new ArrayList<>();
        try (var dirs = Files.list(root.resolve("wrong-solutions"))) {
            dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(modules::add);
        }
        String updated = text;
        for (String module : modules) {
            updated = replaceTable(updated, module, table(root, module));
        }
        if (write) {
            if (!updated.equals(text)) {
                Files.writeString(instructors, updated, StandardCharsets.UTF_8);
                System.out.println("[instructor tables] INSTRUCTORS.md rewritten from wrong-solutions/");
            } else {
                System.out.println("[instructor tables] INSTRUCTORS.md already agrees with wrong-solutions/");
            }
        } else if (!updated.equals(text)) {
            throw new IllegalStateException("INSTRUCTORS.md's tables of wrong solutions differ from wrong-solutions/; run "
                    + REGENERATE);
        }
    }

    /** The problem with {@code module}'s table in INSTRUCTORS.md, if any (for the module check). */
    static Optional<String> problem(Path root, String module) throws IOException {
        Path instructors = root.resolve("INSTRUCTORS.md");
        String text = Files.readString(instructors, StandardCharsets.UTF_8);
        String expected = table(root, module);
        int start = text.indexOf(begin(module));
        int end = text.indexOf(end(module));
        if (start < 0 || end < start) {
            return WrongSolution.of(root, module).isEmpty() ? Optional.empty()
                    : Optional.of("INSTRUCTORS.md has no table of " + module + "'s wrong solutions (between \"" + begin(module)
                            + "\" and \"" + end(module) + "\"); make it with " + REGENERATE);
        }
        String actual = text.substring(start, end + end(module).length());
        if (!actual.equals(expected)) {
            List<String> want = expected.lines().toList();
            List<String> have = actual.lines().toList();
            String missing = want.stream().filter(l -> !have.contains(l)).limit(3).collect(Collectors.joining("\n  "));
            String extra = have.stream().filter(l -> !want.contains(l)).limit(3).collect(Collectors.joining("\n  "));
            return Optional.of("INSTRUCTORS.md's table of " + module + "'s wrong solutions disagrees with wrong-solutions/"
                    + module + " (a row without a file, or a file without a row); rewrite it with " + REGENERATE
                    + (missing.isEmpty() ? "" : "\n rows the files give that the table lacks:\n  " + missing)
                    + (extra.isEmpty() ? "" : "\n rows of the table that no file gives:\n  " + extra));
        }
        return Optional.empty();
    }

    static String table(Path root, String module) throws IOException {
        StringBuilder table = new StringBuilder(begin(module)).append('\n');
        table.append("| Exercise | Wrong solution | Caught by | As code |\n|---|---|---|---|\n");
        for (WrongSolution w : WrongSolution.of(root, module)) {
            String caughtBy = w.caughtBy().isBlank()
                    ? w.rejectedBy().stream().map(t -> "`" + t.substring(t.indexOf('#') + 1) + "`").collect(Collectors.joining(", "))
                    : w.caughtBy();
            table.append("| `").append(w.className()).append("` | ").append(w.wrong()).append(" | ").append(caughtBy)
                    .append(" | [").append(w.slug()).append("](").append(root.relativize(w.file()).toString().replace('\\', '/'))
                    .append(") |\n");
        }
        return table.append(end(module)).toString();
    }

    private static String replaceTable(String text, String module, String table) {
        int start = text.indexOf(begin(module));
        int end = text.indexOf(end(module));
        if (start >= 0 && end > start) {
            return text.substring(0, start) + table + text.substring(end + end(module).length());
        }
        // First time: the hand-written table after "Common wrong solutions" in the module's section.
        int section = text.indexOf("\n### " + module + "\n");
        int intro = section < 0 ? -1 : text.indexOf("Common wrong solutions", section);
        int tableStart = intro < 0 ? -1 : text.indexOf("\n|", intro) + 1;
        if (tableStart <= 0) {
            throw new IllegalStateException("INSTRUCTORS.md: no section \"### " + module + "\" with a \"Common wrong"
                    + " solutions\" paragraph to put the table after");
        }
        int tableEnd = tableStart;
        while (tableEnd < text.length() && text.startsWith("|", tableEnd)) {
            int next = text.indexOf('\n', tableEnd);
            tableEnd = next < 0 ? text.length() : next + 1;
        }
        return text.substring(0, tableStart) + table + "\n" + text.substring(tableEnd);
    }

    private static String begin(String module) {
        return "<!-- wrong solutions of " + module + ": made from wrong-solutions/" + module + " by " + REGENERATE + " -->";
    }

    private static String end(String module) {
        return "<!-- end of the wrong solutions of " + module + " -->";
    }
}
