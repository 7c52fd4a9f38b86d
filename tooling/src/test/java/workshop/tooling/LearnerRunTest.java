package workshop.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;

/**
 * The README's promises about a learner's run, on a scratch copy of the workshop: a failing
 * {@code ./mvnw test -pl NN-module} ends with the progress summary (at most 3 lines after it, no second copy of a
 * failure, no {@code mvn ... -rf} hint) and a non-zero exit code, with and without {@code -q}; and
 * {@code -Psolution} runs the module's tests against the references and says "N of N exercises pass"; INSTRUCTORS.md's
 * setup check passes on a workshop a learner has worked in, and leaves the learner's progress as it was.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "runs ./mvnw; mvnw.cmd behaves the same")
class LearnerRunTest {

    @Test
    @TimeLimit(600)
    void aFailingRunEndsWithTheSummaryAndTheReferenceRunPassesEverything(@TempDir Path scratch) throws Exception {
        ScratchWorkshop.copy(ScratchWorkshop.root(), scratch);
        for (boolean quiet : new boolean[] {true, false}) {
            Run run = mvnw(scratch, quiet ? List.of("-q", "test", "-pl", "03-conditions") : List.of("test", "-pl", "03-conditions"));
            assertThat(run.exit).withFailMessage("a run whose tests fail must end with a non-zero exit code (%s)",
                    quiet ? "-q" : "without -q").isNotZero();
            int heading = lastIndexContaining(run.lines, "03-conditions: 0 of 3 exercises pass");
            assertThat(heading).withFailMessage("no progress summary in the output (%s):%n%s", quiet ? "-q" : "without -q",
                    tail(run.lines)).isNotNegative();
            int end = heading;
            while (end + 1 < run.lines.size() && !run.lines.get(end + 1).isBlank()
                    && !run.lines.get(end + 1).startsWith("[")) {
                end++;
            }
            List<String> after = run.lines.subList(end + 1, run.lines.size()).stream().filter(l -> !l.isBlank()).toList();
            assertThat(after).withFailMessage("the progress summary must be the last thing on screen (%s), but %d lines"
                    + " follow it:%n%s", quiet ? "-q" : "without -q", after.size(), String.join("\n", after))
                    .hasSizeLessThanOrEqualTo(3).noneMatch(l -> l.contains("-rf") || l.contains("mvn <args>"));
        }
        Run reference = mvnw(scratch, List.of("-q", "test", "-pl", "03-conditions", "-Psolution"));
        assertThat(reference.exit).withFailMessage("-Psolution should pass every test of 03-conditions:%n%s",
                tail(reference.lines)).isZero();
        assertThat(String.join("\n", reference.lines)).withFailMessage("-Psolution's summary should say every exercise"
                + " passes:%n%s", tail(reference.lines)).contains("03-conditions: 3 of 3 exercises pass");

        // The learner changes Event, then runs INSTRUCTORS.md's setup check (no test of 03 selected): it passes, and
        // 03's earlier results file is not taken for this run's, so the next run shows Event as stale, not failing.
        Path event = scratch.resolve("03-conditions/src/main/java/workshop/conditions/Event.java");
        Files.writeString(event, Files.readString(event) + "// changed\n");
        Run setup = mvnw(scratch, List.of("-q", "test", "-Dtest=SetupCheckTest"));
        assertThat(setup.exit).withFailMessage("INSTRUCTORS.md's setup check './mvnw -q test -Dtest=SetupCheckTest'"
                + " failed:%n%s", tail(setup.lines)).isZero();
        assertThat(setup.lines).withFailMessage("the setup check should print its checks and say that no test of 03 ran;"
                + " it printed:%n%s", tail(setup.lines))
                .anyMatch(l -> l.startsWith("[setup] OK  redis-server"))
                .anyMatch(l -> l.contains("03-conditions: no test run here"))
                .noneMatch(l -> l.contains("did not complete"));
        Run barrier = mvnw(scratch, List.of("-q", "test", "-pl", "03-conditions", "-Dtest=BarrierTest"));
        assertThat(barrier.lines).withFailMessage("after Event.java changed, the summary should show Event as stale;"
                + " it printed:%n%s", tail(barrier.lines))
                .anyMatch(l -> l.contains("Event") && l.contains("stale"));
    }

    @Test
    @TimeLimit(300)
    void catchUpOnAFreshCloneCopiesEveryReferenceOverItsSkeleton(@TempDir Path scratch) throws Exception {
        // Nothing built yet, as for a learner who arrives late and catches up before any other command.
        ScratchWorkshop.copy(ScratchWorkshop.root(), scratch);
        Run run = mvnw(scratch, List.of("-q", "-Pcatch-up", "-pl", "03-conditions", "-Dexercise=all"));
        assertThat(run.exit).withFailMessage("the README's catch-up command failed on a fresh copy:%n%s", tail(run.lines))
                .isZero();
        Pattern copied = Pattern.compile("copied (\\S+\\.java) over (\\S+\\.java)");
        List<String> exercises = new ArrayList<>();
        for (String line : run.lines) {
            Matcher m = copied.matcher(line);
            if (m.find()) {
                exercises.add(m.group(2));
                assertThat(Files.readString(scratch.resolve(m.group(2)))).withFailMessage("catch-up said it copied %s over"
                        + " %s, but the two differ", m.group(1), m.group(2)).isEqualTo(Files.readString(scratch.resolve(m.group(1))));
            }
        }
        assertThat(exercises).withFailMessage("catch-up -Dexercise=all should copy the 3 references of 03-conditions;"
                + " it printed:%n%s", tail(run.lines)).hasSize(3);
    }

    private record Run(int exit, List<String> lines) {
    }

    private static Run mvnw(Path root, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("mvnw").toString());
        command.addAll(args);
        Path log = Files.createTempFile(root, "run-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = ScratchWorkshop.start(builder);
        try {
            if (!process.waitFor(TimeFactor.seconds(300).toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("./mvnw " + String.join(" ", args) + " did not end within 300 s");
            }
        } finally {
            ScratchWorkshop.stop(process); // also when the test's time limit interrupts the wait
        }
        return new Run(process.exitValue(), Files.readAllLines(log, StandardCharsets.UTF_8));
    }

    private static int lastIndexContaining(List<String> lines, String text) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
