package workshop.testkit;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Whether a debugger is attached (the JVM runs with JDWP, as IntelliJ IDEA, Eclipse and VS Code start it to debug a
 * test), and whether time limits apply: JUnit's {@code junit.jupiter.execution.timeout.mode} decides, as it does for
 * JUnit's own limits ({@code enabled}, {@code disabled}, or {@code disabled_on_debug}, the workshop's default).
 * While no limit applies, the deadlock watchdog is quiet too: a learner may sit at a breakpoint for as long as they
 * like and still get the test's real result.
 */
public final class Debugger {

    /** JUnit's parameter. */
    public static final String TIMEOUT_MODE = "junit.jupiter.execution.timeout.mode";

    private static final boolean ATTACHED = detect();

    private Debugger() {
    }

    /** Whether this JVM was started with a debugger agent (JDWP). */
    public static boolean attached() {
        return ATTACHED;
    }

    /** Whether time limits and the deadlock watchdog apply to the test of {@code context}. */
    public static boolean limitsApply(ExtensionContext context) {
        String mode = context.getConfigurationParameter(TIMEOUT_MODE).orElse("disabled_on_debug").strip()
                .toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "disabled" -> false;
            case "enabled" -> true;
            default -> !ATTACHED;
        };
    }

    private static boolean detect() {
        List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        return arguments.stream().anyMatch(a -> a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp")
                || a.contains("debugger-agent"));
    }
}
