package workshop.testkit;

import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Server processes that tests may keep for the next run, in watch mode only: there the JVM stays up
 * between runs, and starting a server (a {@code redis-server}, say) for every test of every run would
 * cost more than the test. A test's server support asks {@link #take} for an idle server before it starts
 * one, and {@link #offer}s a healthy one back instead of stopping it. Outside watch mode {@link #enabled()}
 * is false and nothing is kept. Idle servers are stopped when the JVM exits (Ctrl-C included).
 *
 * <p>Only JDK types are kept ({@link Process}, numbers): this class outlives the class loaders of the
 * runs, and an object of a test's own class would not be usable by the next run's copy of that class.
 *
 * <p>Thread-safe.
 */
public final class ReusableServers {

    /** Set by watch mode. */
    public static final String ENABLED_PROPERTY = "workshop.watch";

    /** An idle server: its process, the port it listens on and its pid as the server reports it. */
    public record Idle(Process process, int port, long pid) {
        public Idle {
            Objects.requireNonNull(process, "process");
        }
    }

    private static final Map<String, Deque<Idle>> IDLE = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                IDLE.values().forEach(idle -> idle.forEach(server -> server.process().destroyForcibly())),
                "stop idle servers"));
    }

    private ReusableServers() {
    }

    /** Whether servers may be kept between tests and runs (watch mode). */
    public static boolean enabled() {
        return Boolean.getBoolean(ENABLED_PROPERTY);
    }

    /** An idle server of this kind that is still running, if there is one; it is no longer idle. */
    public static Optional<Idle> take(String kind) {
        Deque<Idle> idle = IDLE.get(kind);
        if (idle == null) {
            return Optional.empty();
        }
        for (Idle server = idle.pollFirst(); server != null; server = idle.pollFirst()) {
            if (server.process().isAlive()) {
                return Optional.of(server);
            }
        }
        return Optional.empty();
    }

    /** Keeps a running server for a later {@link #take}; stops it at once when reuse is not enabled. */
    public static void offer(String kind, Idle server) {
        if (!enabled()) {
            server.process().destroyForcibly();
            return;
        }
        IDLE.computeIfAbsent(kind, k -> new ConcurrentLinkedDeque<>()).addLast(server);
    }
}
