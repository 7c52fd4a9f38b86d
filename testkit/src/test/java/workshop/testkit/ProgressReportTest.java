package workshop.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressReportTest {

    @Test
    void listsExercisesInDeclaredOrderAndNamesTheNextOneWithItsCommand(@TempDir Path dir) throws IOException {
        Path module = Files.createDirectories(dir.resolve("01-locks"));
        Path declaration = module.resolve(Exercises.FILE_NAME);
        Files.writeString(declaration, """
                # the exercises
                package workshop.locks
                1  BankAccount    BankAccountTest
                2  LockCounter    LockCounterTest
                2  CasCounter     CasCounterTest
                3  HighWaterMark  HighWaterMarkTest
                """);
        Map<String, ProgressListener.Results> results = new LinkedHashMap<>();
        results.put("workshop.locks.HighWaterMarkTest", results(0, 2, "max lost"));
        results.put("workshop.locks.BankAccountTest", results(3, 0, null));
        results.put("workshop.locks.LockCounterTest", results(1, 1, "expected 8 saw 7"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressReport.print(results, Exercises.read(declaration), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertThat(text).contains("01-locks: 1 of 4 exercises pass");
        assertThat(text.indexOf("BankAccount")).isLessThan(text.indexOf("LockCounter"));
        assertThat(text.indexOf("CasCounter")).isLessThan(text.indexOf("HighWaterMark"));
        assertThat(text).containsPattern("\\[PASS\\] 1\\. +BankAccount +3/3 tests pass");
        assertThat(text).containsPattern("\\[FAIL\\] 2\\. +LockCounter +1/2 tests pass +<- next");
        assertThat(text).containsPattern("\\[    \\] 2\\. +CasCounter +not run");
        assertThat(text).contains("Next: LockCounter", "First failure: expected 8 saw 7",
                "./mvnw test -pl 01-locks -Dtest=LockCounterTest");
    }

    private static ProgressListener.Results results(int passed, int failed, String firstFailure) {
        ProgressListener.Results r = new ProgressListener.Results();
        r.passed = passed;
        r.failed = failed;
        r.firstFailure = firstFailure;
        return r;
    }
}
