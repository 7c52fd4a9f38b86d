package workshop.redislocking.support;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A Redis server that single-server tests run against: the embedded {@code redis-server} the tests
 * started, the server named by {@code WORKSHOP_REDIS_URL}, or a Testcontainers one.
 *
 * @param description    how the server shows in test names
 * @param address        where it listens
 * @param config         credentials, database and TLS (no timeouts: {@link #config(Duration)} adds them)
 * @param startedByTests whether the tests own it (only such servers may be killed or frozen)
 */
@SuppressWarnings("deprecation") // JedisPool and Builder.ssl: deprecated in Jedis 7; the exercises use the pool API
public record RedisTarget(String description, HostAndPort address, JedisClientConfig config, boolean startedByTests) {

    /** Connect and read timeout of the pools single-server tests use. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    public RedisTarget {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(config, "config");
    }

    static RedisTarget embedded(LocalRedisServer server) {
        return new RedisTarget("embedded redis-server", server.address(), DefaultJedisClientConfig.builder().build(), true);
    }

    static RedisTarget fromUrl(String description, String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(description + " is not a URL like redis://127.0.0.1:6379: " + url, e);
        }
        if (!JedisURIHelper.isValid(uri)) {
            throw new IllegalArgumentException(description + " is not a Redis URL like redis://127.0.0.1:6379 or"
                    + " rediss://user:password@host:6380/0: " + url);
        }
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri));
        if (JedisURIHelper.hasDbIndex(uri)) {
            config.database(JedisURIHelper.getDBIndex(uri));
        }
        return new RedisTarget(description, JedisURIHelper.getHostAndPort(uri), config.build(), false);
    }

    /** The client configuration with the given connect and read timeout. */
    public JedisClientConfig config(Duration timeout) {
        int millis = Math.toIntExact(timeout.toMillis());
        return DefaultJedisClientConfig.builder().from(config).connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis).build();
    }

    JedisPool newPool(Duration timeout) {
        org.apache.commons.pool2.impl.GenericObjectPoolConfig<redis.clients.jedis.Jedis> pool =
                new org.apache.commons.pool2.impl.GenericObjectPoolConfig<>();
        pool.setMaxTotal(16);
        pool.setMaxWait(Duration.ofSeconds(5));
        pool.setJmxEnabled(false); // and no evictor thread: eviction runs are off by default
        return new JedisPool(pool, address, config(timeout));
    }

    @Override
    public String toString() {
        return description;
    }
}
