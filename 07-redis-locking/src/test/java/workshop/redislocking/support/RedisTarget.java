package workshop.redislocking.support;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A Redis server that single-server tests run against: the embedded {@code redis-server} the tests
 * started, the server named by {@code WORKSHOP_REDIS_URL}, or a Testcontainers one.
 *
 * @param description    how the server shows in test names (never with a password)
 * @param address        where it listens
 * @param config         credentials, database and TLS (no timeouts: {@link #config(Duration)} adds them)
 * @param startedByTests whether the tests own it (only such servers may be killed or frozen)
 */
public record RedisTarget(String description, HostAndPort address, JedisClientConfig config, boolean startedByTests) {

    /** Connect and read timeout of the clients single-server tests use. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    public RedisTarget {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(config, "config");
    }

    static RedisTarget embedded(LocalRedisServer server) {
        return new RedisTarget("embedded redis-server", server.address(), DefaultJedisClientConfig.builder().build(), true);
    }

    /**
     * The server at {@code url}, shown as {@code setting} and the URL without its user and password: a
     * password never appears in a test's name, a log line or a report.
     */
    static RedisTarget fromUrl(String setting, String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " is not a URL like redis://127.0.0.1:6379: " + redact(url));
        }
        if (!JedisURIHelper.isValid(uri)) {
            throw new IllegalArgumentException(setting + " is not a Redis URL like redis://127.0.0.1:6379 or"
                    + " rediss://user:password@host:6380/0: " + redact(url));
        }
        String description = setting + " " + redact(url);
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri));
        if (JedisURIHelper.isRedisSSLScheme(uri)) {
            config.sslOptions(SslOptions.builder().build());
        }
        if (JedisURIHelper.hasDbIndex(uri)) {
            config.database(JedisURIHelper.getDBIndex(uri));
        }
        return new RedisTarget(description, JedisURIHelper.getHostAndPort(uri), config.build(), false);
    }

    /** {@code url} with whatever stands between "//" and "@" (user and password) replaced by "***". */
    static String redact(String url) {
        String trimmed = url.trim();
        int scheme = trimmed.indexOf("//");
        int at = trimmed.lastIndexOf('@');
        if (scheme >= 0 && at > scheme) {
            return trimmed.substring(0, scheme + 2) + "***" + trimmed.substring(at);
        }
        return at >= 0 ? "***" + trimmed.substring(at) : trimmed;
    }

    /** The client configuration with the given connect and read timeout. */
    public JedisClientConfig config(Duration timeout) {
        int millis = Math.toIntExact(timeout.toMillis());
        return DefaultJedisClientConfig.builder().from(config).connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis).build();
    }

    /** A new client (its own pool of connections) with the given connect and read timeout. The caller closes it. */
    RedisClient newClient(Duration timeout) {
        return RedisClient.builder().hostAndPort(address).clientConfig(config(timeout)).poolConfig(poolConfig()).build();
    }

    /** A new client whose connections come from {@code connections} (a test's stand-in between client and server). */
    RedisClient newClient(Duration timeout, ConnectionProvider connections) {
        return RedisClient.builder().clientConfig(config(timeout)).connectionProvider(connections).build();
    }

    static ConnectionPoolConfig poolConfig() {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(16);
        pool.setMaxWait(Duration.ofSeconds(5));
        pool.setJmxEnabled(false); // and no evictor thread: eviction runs are off by default
        return pool;
    }

    @Override
    public String toString() {
        return description;
    }
}
