package workshop.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkeletonCheckTest {

    @Test
    void anUnmarkedTestThatPassesAgainstTheSkeletonIsAProblemAndAMarkedOneANote(@TempDir Path dir) throws IOException {
        Outcome outcome = check(dir,
                "w.AccountTest\tdeposits\tdeposits()\tFAILED\t\texpected 4 saw 3",
                "w.AccountTest\tvalidates\tvalidates()\tSUCCESSFUL\tthe skeleton validates already\t",
                "w.AccountTest\tsingleThreaded\tsingleThreaded()\tSUCCESSFUL\t\t",
                "w.MutexTest\trejects\trejects()\tSUCCESSFUL\tby design\t",
                "#complete");
        List<String> problems = outcome.problems();
        List<String> notes = outcome.notes();

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("AccountTest.singleThreaded PASSED against the skeleton");
        assertThat(problems.get(1)).contains("MutexTest has no test that fails against the skeleton");
        assertThat(String.join("\n", notes)).contains("AccountTest.validates: the skeleton validates already");
    }

    @Test
    void eachInvocationOfAParameterizedTestIsNamedByWhatSetsItApart(@TempDir Path dir) throws IOException {
        Outcome outcome = check(dir,
                "w.TransferTest\tmoves\tmoves [H2]\tFAILED\t\tboom",
                "w.TransferTest\tdemo\tdemo [H2]\tSUCCESSFUL\tplain JDBC\t",
                "w.TransferTest\tdemo\tdemo [PostgreSQL]\tSUCCESSFUL\tplain JDBC\t",
                "w.TransferTest\tother\t[1] 5 servers\tSUCCESSFUL\t\t",
                "#complete");
        List<String> problems = outcome.problems();
        List<String> notes = outcome.notes();

        assertThat(notes).contains("    TransferTest.demo [H2]: plain JDBC", "    TransferTest.demo [PostgreSQL]: plain JDBC");
        assertThat(problems).singleElement().asString().startsWith("TransferTest.other [[1] 5 servers] PASSED");
    }

    @Test
    void anIncompleteRunIsAProblem(@TempDir Path dir) throws IOException {
        List<String> problems = check(dir, "w.AccountTest\tdeposits\tdeposits()\tFAILED\t\tboom").problems();

        assertThat(problems).anyMatch(p -> p.contains("did not complete"));
    }

    private record Outcome(List<String> problems, List<String> notes) {
    }

    /** The module check's verdict on a results file made of {@code lines}. */
    private static Outcome check(Path dir, String... lines) throws IOException {
        Path results = dir.resolve("results.tsv");
        Files.writeString(results, String.join("\n", lines) + "\n");
        Outcome outcome = new Outcome(new ArrayList<>(), new ArrayList<>());
        SkeletonCheck.checkResults(results, outcome.problems(), outcome.notes());
        return outcome;
    }
}
