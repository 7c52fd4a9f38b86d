package workshop.benchmarks.redis;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.embedded.core.ExecutableProvider;

/**
 * A real {@code redis-server} process started by the benchmarks, as 07-redis-locking's tests start them:
 * the binary shipped in the {@code embedded-redis} jar, on a free port of 127.0.0.1, without persistence.
 * Optionally pinned to one CPU ({@code taskset}, Linux), so that the client/server placement is known.
 * {@link #close()} kills it; a shutdown hook kills whatever is still running when the JVM exits.
 */
public final class RedisServer implements AutoCloseable {

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "redis-server killer"));
    }

    private final int port;
    private final Process process;
    private final List<RedisClient> clients = new ArrayList<>();

    private RedisServer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** Starts a server; {@code cpu} pins it to that CPU with {@code taskset} (negative: not pinned). */
    public static RedisServer start(int cpu) {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            try {
                return new RedisServer(port, launch(port, cpu));
            } catch (IOException e) {
                last = e; // the port was taken in between
            }
        }
        throw new UncheckedIOException("could not start redis-server", last);
    }

    /** Starts {@code count} independent servers, unpinned. */
    public static List<RedisServer> start(int count, int cpu) {
        List<RedisServer> servers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            servers.add(start(cpu));
        }
        return servers;
    }

    /** Whether {@code taskset} is there to pin processes to CPUs. */
    public static boolean canPin() {
        return new File("/usr/bin/taskset").canExecute() || new File("/bin/taskset").canExecute();
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** A client of this server, with its own pool of connections (closed with the server). */
    public synchronized RedisClient newClient() {
        redis.clients.jedis.ConnectionPoolConfig config = new redis.clients.jedis.ConnectionPoolConfig();
        config.setMaxTotal(16);
        config.setMaxWait(Duration.ofSeconds(5));
        config.setJmxEnabled(false);
        RedisClient client = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", port))
                .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(2_000).build()).poolConfig(config).build();
        clients.add(client);
        return client;
    }

    @Override
    public synchronized void close() {
        clients.forEach(RedisClient::close);
        clients.clear();
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
    }

    private static Process launch(int port, int cpu) throws IOException {
        List<String> command = new ArrayList<>();
        if (cpu >= 0) {
            command.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
        }
        command.addAll(List.of(binary().getAbsolutePath(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no",
                "--loglevel", "warning", "--logfile", ""));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        RUNNING.add(process);
        // Wait until it answers (with --loglevel warning it prints nothing when it is ready).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder().serverDefaultProtocol().timeoutMillis(1_000).build())) {
                if ("PONG".equals(jedis.ping())) {
                    return process;
                }
            } catch (RuntimeException notYet) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    process.destroyForcibly();
                    RUNNING.remove(process);
                    String output;
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        output = String.join("\n", lines.lines().toList());
                    }
                    throw new IOException("redis-server on port " + port + " did not start: " + output, notYet);
                }
            }
            try {
                Thread.sleep(5); // polls a starting process: nothing to wait on but the port
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting redis-server", e);
            }
        }
    }

    private static synchronized File binary() throws IOException {
        return ExecutableProvider.newJarResourceProvider().get();
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
}
