package workshop.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;

/**
 * Watch mode as a learner uses it, end to end, on a scratch copy of the workshop: {@code ./mvnw -q -Pwatch -pl
 * 01-locks}, then saving the {@code BankAccount} skeleton (FAIL), then its reference (PASS, Lincheck included), then
 * Ctrl-C (SIGINT), after which no process it started is left.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "sends SIGINT with kill, as Ctrl-C does on Linux and macOS")
class WatchModeTest {

    private static final Duration ROUND = TimeFactor.seconds(180);

    @Test
    @TimeLimit(600)
    void savingTheSkeletonThenTheReferenceShowsFailThenPassAndCtrlCLeavesNothing(@TempDir Path scratch) throws Exception {
        Path root = ScratchWorkshop.root();
        ScratchWorkshop.copy(root, scratch);
        Path skeleton = scratch.resolve("01-locks/src/main/java/workshop/locks/BankAccount.java");
        Path reference = scratch.resolve("solutions/src/main/java/workshop/locks/BankAccount.java");

        List<String> command = new ArrayList<>();
        if (sigintIgnored()) {
            // Started in the background by a shell without job control (`cmd &` in a script): SIGINT is ignored
            // here and in every process started from here, so no Ctrl-C could reach watch mode. A terminal's
            // Ctrl-C finds it at its default: restore that for Maven.
            command.addAll(List.of("env", "--default-signal=INT"));
        }
        command.addAll(List.of(scratch.resolve("mvnw").toString(), "-q", "-Pwatch", "-pl", "01-locks"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process maven = ScratchWorkshop.start(builder);
        List<String> output = new ArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().name("watch-output").start(() -> read(maven, output));
        List<ProcessHandle> started = new ArrayList<>();
        try {
            awaitRun(output, 1, "the first run of watch mode");
            Files.writeString(skeleton, Files.readString(skeleton) + "\n"); // a save of the skeleton
            String afterSkeleton = awaitRun(output, 2, "the run after saving the skeleton");
            assertThat(afterSkeleton).withFailMessage("after saving the BankAccount skeleton, watch mode should show it"
                    + " failing; it printed:%n%s", afterSkeleton).containsPattern("\\[FAIL\\] 1\\. +BankAccount");

            Files.copy(reference, skeleton, StandardCopyOption.REPLACE_EXISTING);
            String afterReference = awaitRun(output, 3, "the run after saving the reference");
            assertThat(afterReference).withFailMessage("after saving the reference BankAccount (its Lincheck test"
                    + " included), watch mode should show it passing, as Maven does; it printed:%n%s", afterReference)
                    // On a busy machine the race tests may end as inconclusive (skipped), never as failed.
                    .containsPattern("\\[PASS\\] 1\\. +BankAccount +(8/8 tests pass|([5-7])/\\2 tests pass \\([1-3] skipped\\))")
                    .doesNotContain("ClassCastException");

            started.addAll(maven.descendants().toList());
            new ProcessBuilder("kill", "-INT", Long.toString(maven.pid())).start().waitFor();
            assertThat(maven.waitFor(ROUND.toSeconds(), TimeUnit.SECONDS))
                    .withFailMessage("watch mode did not end within %d s of Ctrl-C (SIGINT)", ROUND.toSeconds()).isTrue();
            for (ProcessHandle child : started) {
                child.onExit().get(ROUND.toSeconds(), TimeUnit.SECONDS);
            }
            List<ProcessHandle> left = started.stream().filter(ProcessHandle::isAlive).toList();
            assertThat(left).withFailMessage("after Ctrl-C, processes watch mode started are still running: %s",
                    left.stream().map(p -> p.pid() + " " + p.info().command().orElse("?")).toList()).isEmpty();
        } finally {
            ScratchWorkshop.stop(maven);
            reader.join(Duration.ofSeconds(5));
        }
    }

    /** Whether this process ignores SIGINT (Linux tells, in /proc/self/status; elsewhere assume not). */
    private static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16) & (1L << 1)) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no /proc
        }
        return false;
    }

    /** Waits for the {@code n}-th "Waiting for the next save" line and returns what was printed since the previous one. */
    private static String awaitRun(List<String> output, int n, String what) throws InterruptedException {
        long deadline = System.nanoTime() + ROUND.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (output) {
                int seen = 0;
                int previous = 0;
                for (int i = 0; i < output.size(); i++) {
                    if (output.get(i).contains("Waiting for the next save")) {
                        seen++;
                        if (seen == n) {
                            return String.join("\n", output.subList(previous, i + 1));
                        }
                        previous = i + 1;
                    }
                }
                output.wait(200);
            }
        }
        synchronized (output) {
            throw new AssertionFailedError("watch mode did not finish " + what + " within " + ROUND.toSeconds()
                    + " s; it printed:\n" + String.join("\n", output.subList(Math.max(0, output.size() - 60), output.size())));
        }
    }

    private static void read(Process process, List<String> output) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
