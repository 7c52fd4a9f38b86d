package workshop.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs one harness group in a JVM of its own ({@code Main --child ...}), optionally pinned to a CPU. */
public final class Child {

    private Child() {
    }

    /**
     * Runs {@code Main --child group --mode m --out dir args...} and waits for it.
     *
     * @param cpu pins the JVM to this CPU with {@code taskset} (negative: not pinned)
     * @param jvmFlags extra JVM flags (such as native memory tracking)
     * @throws IllegalStateException if the child fails
     */
    public static void run(String group, RunMode mode, Path out, int cpu, List<String> jvmFlags, String... args) {
        List<String> command = new ArrayList<>();
        if (cpu >= 0) {
            command.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Jmh.forkFlags());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--child", group,
                "--mode", mode.name(), "--out", out.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("group " + group + " failed in its JVM (exit " + exit + "): "
                        + String.join(" ", command));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a JVM for group " + group + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while group " + group + " ran", e);
        }
    }
}
