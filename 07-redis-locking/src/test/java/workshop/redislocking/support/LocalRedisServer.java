package workshop.redislocking.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.embedded.core.ExecutableProvider;
import workshop.testkit.ReusableServers;
import workshop.testkit.TimeFactor;

/**
 * One real {@code redis-server} process that the tests started: the binary shipped inside the
 * {@code embedded-redis} artifact, on a free port of 127.0.0.1, without persistence ({@code --save ""},
 * {@code --appendonly no}). Nothing to install, no Docker.
 *
 * <p>Faults are real: {@link #kill()} sends SIGKILL, {@link #freeze()} / {@link #resume()} send
 * SIGSTOP / SIGCONT (the server stops answering while the kernel still accepts connections, like a
 * black-holed node), {@link #restartEmpty()} kills it and starts a new empty one on the same port (a node
 * restarted without persistence).
 *
 * <p>Every process is tracked by its pid (taken from {@code INFO server}, since embedded-redis cannot
 * tell a killed server from a live one) and stopped by {@link #close()}, by a JVM shutdown hook if the
 * test JVM exits first, and, should the JVM have died without running its hooks, by the next test JVM,
 * which reaps the servers a dead JVM left behind (see {@link Reaper}).
 */
public final class LocalRedisServer implements AutoCloseable {

    /** The kind of server, for {@link ReusableServers}. */
    private static final String KIND = "redis-server";

    /** How long a server may take to start before the test fails. */
    private static final Duration START_TIMEOUT = TimeFactor.seconds(10);

    /** The binary, extracted once per JVM from the embedded-redis jar. */
    private static volatile File binary;

    /** Every server this JVM started and has not stopped yet: the shutdown hook stops them. */
    private static final Set<LocalRedisServer> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            RUNNING.forEach(LocalRedisServer::destroyQuietly);
            Reaper.forgetMine();
        }, "redis-server reaper"));
        Reaper.reapServersOfDeadJvms();
    }

    private final int port;
    private final List<RedisClient> clients = new ArrayList<>();
    private Process process; // guarded by this
    private long pid; // guarded by this
    private boolean frozen; // guarded by this

    private LocalRedisServer(int port) {
        this.port = port;
    }

    /** Starts a server on a free port (in watch mode, reuses an idle one: see {@link ReusableServers}). */
    public static LocalRedisServer start() {
        Optional<LocalRedisServer> reused = reuseIdle();
        if (reused.isPresent()) {
            return reused.get();
        }
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            LocalRedisServer server = new LocalRedisServer(freePort());
            try {
                server.launch();
                return server;
            } catch (IOException e) { // another process took the port between our check and the start
                last = e;
            }
        }
        throw new UncheckedIOException("could not start a redis-server", last);
    }

    /** Starts {@code count} independent servers (in parallel: each takes 50-100 ms to start). */
    public static List<LocalRedisServer> start(int count) {
        return java.util.stream.IntStream.range(0, count).parallel().mapToObj(i -> start()).toList();
    }

    public int port() {
        return port;
    }

    public synchronized long pid() {
        return pid;
    }

    /** Where clients connect. */
    public HostAndPort address() {
        return new HostAndPort("127.0.0.1", port);
    }

    @Override
    public String toString() {
        return "redis-server 127.0.0.1:" + port;
    }

    /**
     * A new client (its own pool of connections) to this server with the given connect and read timeout
     * (keep it short in fault tests, so a frozen server costs at most that long). Closed with the server.
     */
    public synchronized RedisClient newClient(Duration timeout) {
        RedisClient client = RedisTarget.embedded(this).newClient(timeout);
        clients.add(client);
        return client;
    }

    /** A new client whose connections come from {@code connections} (a test's fault injector). Closed with the server. */
    public synchronized RedisClient newClient(Duration timeout, redis.clients.jedis.providers.ConnectionProvider connections) {
        RedisClient client = RedisTarget.embedded(this).newClient(timeout, connections);
        clients.add(client);
        return client;
    }

    /** SIGKILL: the server dies at once, with all its keys. */
    public synchronized void kill() {
        if (process != null) {
            resumeIfFrozen();
            destroy(process);
            process = null;
        }
        RUNNING.remove(this);
    }

    /** Whether the process is running (possibly frozen). */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGSTOP: the server stops answering; clients time out. Not on Windows (callers assume it first). */
    public synchronized void freeze() {
        signal("STOP");
        frozen = true;
    }

    /** SIGCONT: the frozen server goes on, and executes whatever commands queued up meanwhile. */
    public synchronized void resume() {
        resumeIfFrozen();
    }

    /** Kills the server and starts an empty one on the same port: a node restarted without persistence. */
    public synchronized void restartEmpty() {
        kill();
        IOException last = null;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        do { // the port may linger for a moment after the kill
            try {
                launch();
                return;
            } catch (IOException e) {
                last = e;
            }
        } while (System.nanoTime() - deadline < 0);
        throw new UncheckedIOException("could not restart " + this, last);
    }

    /** Whether signals (freeze/resume) work here: they need a POSIX {@code kill}. */
    public static boolean supportsSignals() {
        return !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    /**
     * Stops the server (also a frozen one) and closes the clients made by {@link #newClient}. In watch mode a
     * healthy server is emptied and kept for the next test instead (see {@link ReusableServers}).
     */
    @Override
    public synchronized void close() {
        clients.forEach(RedisClient::close);
        clients.clear();
        if (ReusableServers.enabled() && process != null && process.isAlive() && !frozen && emptied()) {
            ReusableServers.offer(KIND, new ReusableServers.Idle(process, port, pid));
            process = null;
            RUNNING.remove(this);
            return;
        }
        kill();
    }

    /** Deletes every key and script; false if the server does not answer. Call only when holding this. */
    private boolean emptied() {
        try (Jedis jedis = new Jedis(address(), DefaultJedisClientConfig.builder().serverDefaultProtocol().timeoutMillis(1_000).build())) {
            jedis.flushAll();
            jedis.scriptFlush();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** An idle server kept by an earlier test (watch mode only), checked to answer. */
    private static Optional<LocalRedisServer> reuseIdle() {
        for (Optional<ReusableServers.Idle> idle = ReusableServers.take(KIND); idle.isPresent();
                idle = ReusableServers.take(KIND)) {
            LocalRedisServer server = new LocalRedisServer(idle.get().port());
            synchronized (server) {
                server.process = idle.get().process();
                server.pid = idle.get().pid();
                if (server.emptied()) {
                    RUNNING.add(server);
                    return Optional.of(server);
                }
                destroy(server.process);
            }
        }
        return Optional.empty();
    }

    private void resumeIfFrozen() {
        if (frozen) {
            signal("CONT");
            frozen = false;
        }
    }

    private void signal(String signal) {
        if (process == null) {
            throw new IllegalStateException(this + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal, e);
        }
    }

    /** Starts the process on {@link #port} and waits until it accepts connections. Call only when holding this. */
    private void launch() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(binary().getAbsolutePath(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no",
                "--daemonize", "no", "--loglevel", "notice", "--logfile", "")
                .redirectErrorStream(true);
        Process started = builder.start();
        // Recorded at once: a JVM killed from now on leaves a server that the next test JVM can find.
        Reaper.record(started.pid(), started.info().startInstant());
        StringBuilder output = new StringBuilder();
        boolean ready = false;
        // Reads the server's log until it says it is ready (or ends: the process died). The remaining
        // output is small (notice-level lines on shutdown) and fits the pipe's buffer.
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                if (line.contains("Ready to accept connections")) {
                    ready = true;
                    break;
                }
            }
            if (!ready) {
                destroy(started);
                throw new IOException("redis-server on port " + port + " did not start:\n" + output);
            }
            // Closing our end of the pipe is harmless: redis ignores SIGPIPE, and its later log lines
            // (a few, at notice level) are dropped.
        }
        process = started;
        RUNNING.add(this);
        try (Jedis jedis = new Jedis(address(), DefaultJedisClientConfig.builder().serverDefaultProtocol().timeoutMillis(
                Math.toIntExact(START_TIMEOUT.toMillis())).build())) {
            pid = Long.parseLong(infoField(jedis.info("server"), "process_id"));
        } catch (RuntimeException e) {
            destroy(started);
            RUNNING.remove(this);
            process = null;
            throw new IOException("redis-server on port " + port + " started but does not answer", e);
        }
    }

    static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new IllegalStateException("INFO has no " + field + ":\n" + info);
    }

    private static void destroy(Process process) {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server pid " + process.pid() + " did not die on SIGKILL");
            }
            // The JDK's reaper thread is named after the process while it waits, and takes its plain name
            // back a moment after the process ended: wait for that, so leak checks see an idle JDK thread.
            String waiting = "process reaper (pid " + process.pid() + ")";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(waiting))
                    && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void destroyQuietly() {
        if (process != null) {
            if (frozen && supportsSignals()) {
                try {
                    signal("CONT");
                } catch (RuntimeException ignored) {
                    // SIGKILL below ends a stopped process as well
                }
            }
            process.destroyForcibly();
        }
    }

    private static File binary() throws IOException {
        File file = binary;
        if (file == null) {
            synchronized (LocalRedisServer.class) {
                file = binary;
                if (file == null) {
                    file = ExecutableProvider.newJarResourceProvider().get();
                    binary = file;
                }
            }
        }
        return file;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /**
     * Last line of defence when a test JVM dies without running its shutdown hooks (SIGKILL, a crash):
     * each JVM records the servers it starts in a file named after its own pid; the next JVM that starts a
     * server kills the servers recorded by JVMs that are gone, if the process with that pid is still the
     * same redis-server (same start time).
     */
    static final class Reaper {
        private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "workshop-redis-servers");
        private static final Path MINE = DIR.resolve(ProcessHandle.current().pid() + ".pids");

        private Reaper() {
        }

        static synchronized void record(long pid, Optional<Instant> started) {
            try {
                Files.createDirectories(DIR);
                Files.writeString(MINE, pid + " " + started.map(Instant::toEpochMilli).orElse(0L) + "\n",
                        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                // Only the safety net is lost; the shutdown hook and close() still stop the server.
                System.err.println("[redis] cannot record pid " + pid + " in " + MINE + ": " + e);
            }
        }

        static void forgetMine() {
            try {
                Files.deleteIfExists(MINE);
            } catch (IOException e) {
                // harmless: the next JVM sees that this one is gone and finds no live server of it
            }
        }

        static void reapServersOfDeadJvms() {
            if (!Files.isDirectory(DIR)) {
                return;
            }
            try (var files = Files.list(DIR)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".pids")).toList()) {
                    String jvm = file.getFileName().toString().replace(".pids", "");
                    if (ProcessHandle.of(Long.parseLong(jvm)).filter(ProcessHandle::isAlive).isPresent()) {
                        continue; // that JVM still runs and looks after its servers
                    }
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        String[] f = line.trim().split(" ");
                        if (f.length == 2) {
                            long started = Long.parseLong(f[1]);
                            ProcessHandle.of(Long.parseLong(f[0]))
                                    .filter(h -> h.info().command().orElse("").contains("redis-server"))
                                    .filter(h -> h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == started)
                                    .ifPresent(ProcessHandle::destroyForcibly);
                        }
                    }
                    Files.deleteIfExists(file);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("[redis] could not reap servers left by earlier test runs: " + e);
            }
        }
    }
}
