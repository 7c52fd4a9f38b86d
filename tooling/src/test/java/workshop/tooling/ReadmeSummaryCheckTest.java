package workshop.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import workshop.testkit.Exercises;

/** The module check compares the root README's sample summary with what the skeletons gave in the run. */
class ReadmeSummaryCheckTest {

    private static final String SAMPLE = """
            ```
            ------------------------------------------------------------------------
             01-locks: 0 of 2 exercises pass
            ------------------------------------------------------------------------
              [FAIL] 1.   BankAccount                %s tests pass   <- next
              [FAIL] 2.   SimpleMutex                0/2 tests pass
            ```
            """;

    /** BankAccountTest: 1 passes, 2 fail, 1 skipped; SimpleMutexTest: both fail. */
    private static final String RESULTS = """
            workshop.locks.BankAccountTest\ta\ta()\tSUCCESSFUL\tmarked\t
            workshop.locks.BankAccountTest\tb\tb()\tFAILED\t\tlost updates
            workshop.locks.BankAccountTest\tc\tc()\tFAILED\t\tlost updates
            workshop.locks.BankAccountTest\td\td()\tABORTED\t\tno race seen
            workshop.locks.SimpleMutexTest\te\te()\tFAILED\t\tTODO
            workshop.locks.SimpleMutexTest\tf\tf()\tFAILED\t\tTODO
            #complete
            """;

    @Test
    void aSampleThatShowsWhatTheSkeletonsGaveHolds(@TempDir Path dir) throws Exception {
        assertThat(check(dir, "1/4")).isEmpty();
    }

    @Test
    void aSampleWithOtherCountsThanTheSkeletonsGaveIsAProblemThatNamesItsLine(@TempDir Path dir) throws Exception {
        List<String> problems = check(dir, "2/6");
        assertThat(problems).singleElement().asString().contains("README.md line 5", "2/6 tests pass",
                "1 of 4 tests of BankAccountTest passed", "update the README's sample");
    }

    private static List<String> check(Path dir, String bankAccountCounts) throws Exception {
        Path module = Files.createDirectories(dir.resolve("01-locks"));
        Files.writeString(module.resolve(Exercises.FILE_NAME), """
                package workshop.locks
                1  BankAccount  BankAccountTest
                2  SimpleMutex  SimpleMutexTest
                """);
        Path readme = Files.writeString(dir.resolve("README.md"), SAMPLE.formatted(bankAccountCounts));
        Path results = Files.writeString(dir.resolve("workshop-results.tsv"), RESULTS);
        List<String> problems = new ArrayList<>();
        ModuleCheck.checkReadmeSummary(readme, results, Exercises.read(module.resolve(Exercises.FILE_NAME)), problems);
        return problems;
    }
}
