package workshop.redislocking.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.RedisClient;

/**
 * Real {@code redis-server} processes that one test starts, breaks and throws away: the only servers
 * fault tests may kill, freeze or restart (never an external one). A test gets one as a parameter when
 * its class is a {@link RedisTest}; every server it started is stopped when the test ends, also when it
 * fails or runs out of time.
 */
public final class LocalRedis implements AutoCloseable {

    /** Connect and read timeout of clients in fault tests: a frozen server costs at most this per command. */
    public static final Duration FAULT_TIMEOUT = Duration.ofMillis(250);

    private final List<LocalRedisServer> servers = new ArrayList<>();

    /** Starts one server. */
    public synchronized LocalRedisServer start() {
        LocalRedisServer server = LocalRedisServer.start();
        servers.add(server);
        return server;
    }

    /** Starts {@code count} independent servers. */
    public synchronized List<LocalRedisServer> start(int count) {
        List<LocalRedisServer> started = LocalRedisServer.start(count);
        servers.addAll(started);
        return started;
    }

    /**
     * One new client per server, with the short {@link #FAULT_TIMEOUT}: one process's view of the servers.
     * Closed with the servers.
     */
    public static List<RedisClient> clients(List<LocalRedisServer> servers) {
        return servers.stream().map(s -> s.newClient(FAULT_TIMEOUT)).toList();
    }

    @Override
    public synchronized void close() {
        servers.forEach(LocalRedisServer::close);
        servers.clear();
    }
}
