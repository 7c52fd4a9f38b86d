package workshop.redislocking.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisMonitor;
import workshop.testkit.TimeFactor;

/**
 * What a Redis server executes, as {@code MONITOR} shows it, restricted to the commands that touch one
 * test's keys (any argument starting with the test's key prefix). Commands run inside a Lua script show
 * up too, marked {@link Command#fromScript()}: that is how a test sees whether a compare-and-delete ran
 * on the server, in one script, or as separate commands from the client.
 *
 * <pre>{@code
 * try (CommandLog log = redis.monitor()) {
 *     int mark = log.mark();
 *     lock.release(token);
 *     List<Command> release = log.since(mark);
 * }
 * }</pre>
 */
public final class CommandLog implements AutoCloseable {

    /** One command the server executed. */
    public record Command(double time, boolean fromScript, List<String> args) {

        /** The command name in upper case ({@code SET}, {@code EVALSHA}, ...). */
        public String name() {
            return args.isEmpty() ? "" : args.get(0).toUpperCase(Locale.ROOT);
        }

        /** Whether any argument equals {@code key}. */
        public boolean touches(String key) {
            return args.subList(Math.min(1, args.size()), args.size()).contains(key);
        }

        /** Whether any argument (after the command name) equals {@code option}, ignoring case. */
        public boolean hasOption(String option) {
            return args.stream().skip(1).anyMatch(a -> a.equalsIgnoreCase(option));
        }

        public boolean isScript() {
            return !fromScript && (name().equals("EVAL") || name().equals("EVALSHA") || name().equals("EVAL_RO")
                    || name().equals("EVALSHA_RO") || name().equals("FCALL"));
        }

        @Override
        public String toString() {
            return (fromScript ? "  (in the script) " : "") + String.join(" ", args.stream()
                    .map(a -> a.length() > 60 ? a.substring(0, 57).replace('\n', ' ') + "..." : a.replace('\n', ' ')).toList());
        }
    }

    private static final Duration SYNC_TIMEOUT = TimeFactor.seconds(5);

    private final String prefix;
    private final Jedis monitor;
    private final Jedis control;
    private final Thread reader;
    private final List<Command> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger syncs = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    CommandLog(HostAndPort address, JedisClientConfig config, String prefix) {
        this.prefix = prefix;
        // A single Jedis connection (MONITOR needs one): it speaks RESP2, so say so rather than have it warn.
        JedisClientConfig single = DefaultJedisClientConfig.builder().from(config).serverDefaultProtocol().build();
        this.monitor = new Jedis(address, single);
        this.control = new Jedis(address, single);
        this.reader = new Thread(() -> {
            try {
                monitor.monitor(new JedisMonitor() {
                    @Override
                    public void onCommand(String line) {
                        Command command = parse(line);
                        if (command != null) {
                            commands.add(command);
                        }
                    }
                });
            } catch (RuntimeException e) {
                if (monitor.isConnected()) {
                    failure.set(e);
                }
            }
        }, "redis-monitor");
        reader.setDaemon(true);
        reader.start();
        mark(); // returns once MONITOR is running
    }

    /**
     * Waits until every command sent before this call shows in the log, and returns the log's size: pass
     * it to {@link #since(int)}.
     */
    public int mark() {
        String marker = prefix + "monitor-sync:" + syncs.incrementAndGet();
        // Resent until seen: the first marker may reach the server before MONITOR is active.
        Awaitility.await("MONITOR to show " + marker).pollInSameThread().atMost(SYNC_TIMEOUT).pollInterval(Duration.ofMillis(5))
                .pollDelay(Duration.ZERO).until(() -> {
                    if (failure.get() != null || commands.stream().anyMatch(c -> c.touches(marker))) {
                        return true;
                    }
                    control.exists(marker);
                    return false;
                });
        if (failure.get() != null) {
            throw new IllegalStateException("MONITOR stopped", failure.get());
        }
        return commands.size();
    }

    /** The commands executed since {@code mark} (synchronizes first), without the log's own markers. */
    public List<Command> since(int mark) {
        int end = mark();
        List<Command> result = new ArrayList<>();
        for (Command c : commands.subList(mark, end)) {
            if (c.args().stream().noneMatch(a -> a.startsWith(prefix + "monitor-sync:"))) {
                result.add(c);
            }
        }
        return result;
    }

    /** The commands recorded since {@code mark} so far, without waiting for commands still on their way. */
    public List<Command> recordedSince(int mark) {
        return commands.subList(mark, commands.size()).stream()
                .filter(c -> c.args().stream().noneMatch(a -> a.startsWith(prefix + "monitor-sync:"))).toList();
    }

    /** Renders commands one per line, for failure messages. */
    public static String describe(List<Command> commands) {
        if (commands.isEmpty()) {
            return "    (no command)\n";
        }
        StringBuilder text = new StringBuilder();
        commands.stream().limit(40).forEach(c -> text.append("    ").append(c).append('\n'));
        if (commands.size() > 40) {
            text.append("    ... ").append(commands.size() - 40).append(" more\n");
        }
        return text.toString();
    }

    @Override
    public void close() {
        monitor.disconnect(); // ends the reader's blocking read
        control.close();
        try {
            reader.join(SYNC_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        monitor.close();
    }

    private Command parse(String line) {
        // 1339518083.107412 [0 127.0.0.1:60866] "SET" "key" "value"      or      ... [0 lua] "del" "key"
        int open = line.indexOf('[');
        int close = line.indexOf(']', open);
        if (open < 0 || close < 0) {
            return null;
        }
        boolean fromScript = line.substring(open, close).endsWith(" lua");
        List<String> args = new ArrayList<>();
        StringBuilder current = null;
        for (int i = close + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (current == null) {
                if (c == '"') {
                    current = new StringBuilder();
                }
            } else if (c == '\\' && i + 1 < line.length()) {
                char n = line.charAt(++i);
                switch (n) {
                    case 'n' -> current.append('\n');
                    case 'r' -> current.append('\r');
                    case 't' -> current.append('\t');
                    case 'a' -> current.append('\u0007');
                    case 'b' -> current.append('\b');
                    case 'x' -> {
                        current.append((char) Integer.parseInt(line.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> current.append(n);
                }
            } else if (c == '"') {
                args.add(current.toString());
                current = null;
            } else {
                current.append(c);
            }
        }
        if (args.stream().noneMatch(a -> a.startsWith(prefix))) {
            return null;
        }
        double time;
        try {
            time = Double.parseDouble(line.substring(0, line.indexOf(' ')));
        } catch (RuntimeException e) {
            time = 0;
        }
        return new Command(time, fromScript, List.copyOf(args));
    }
}
