package workshop.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the results were measured on. */
final class Machine {

    private Machine() {
    }

    /** CPU model, CPUs, memory, OS and JDK. */
    static String describe() {
        String cpu = "unknown CPU";
        String memory = "";
        try {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            if (Files.isReadable(cpuinfo)) {
                cpu = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name")).findFirst()
                        .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
            }
            Path meminfo = Path.of("/proc/meminfo");
            if (Files.isReadable(meminfo)) {
                memory = Files.readAllLines(meminfo).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                        .map(l -> String.format(Locale.ROOT, ", %.0f GiB RAM", Double.parseDouble(l.replaceAll("[^0-9]", "")) / 1024 / 1024))
                        .orElse("");
            }
        } catch (IOException | RuntimeException e) {
            // the description is best effort
        }
        return String.format(Locale.ROOT, "%s, %d CPUs%s; %s %s (%s); JDK %s (%s)", cpu, Runtime.getRuntime().availableProcessors(),
                memory, System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }

    /** The 1/5/15-minute load averages, or "n/a" where there is no /proc/loadavg. */
    static String loadAverage() {
        try {
            Path loadavg = Path.of("/proc/loadavg");
            if (Files.isReadable(loadavg)) {
                String[] f = Files.readString(loadavg).strip().split("\\s+");
                return f[0] + " / " + f[1] + " / " + f[2];
            }
        } catch (IOException e) {
            // fall through
        }
        return "n/a";
    }
}
