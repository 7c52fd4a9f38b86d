package workshop.redislocking.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * One test's view of one Redis server: pools to connect with, key names of its own (a random prefix,
 * so tests never collide, also on a shared external server) and a few commands to inspect and disturb
 * the keys. Closing it deletes every key with the test's prefix and closes its pools (JUnit closes it
 * after the test, also when the test fails).
 */
@SuppressWarnings("deprecation") // JedisPool and Builder.ssl: deprecated in Jedis 7; the exercises use the pool API
public final class Redis implements AutoCloseable {

    private final RedisTarget target;
    private final String prefix;
    private final List<JedisPool> pools = new ArrayList<>();
    private final JedisPool pool;

    Redis(RedisTarget target) {
        this.target = target;
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        this.prefix = "workshop:07:" + HexFormat.of().formatHex(random) + ":";
        this.pool = newPool();
    }

    /** The server this test runs against. */
    public RedisTarget target() {
        return target;
    }

    /** A pool for the code under test and for the test's own checks. */
    public JedisPool pool() {
        return pool;
    }

    /** A pool of its own: another client, with its own connections. Closed with this object. */
    public synchronized JedisPool newPool() {
        JedisPool p = target.newPool(RedisTarget.TIMEOUT);
        pools.add(p);
        return p;
    }

    /** A key name that belongs to this test alone. */
    public String key(String name) {
        return prefix + name;
    }

    public String get(String key) {
        try (Jedis jedis = pool.getResource()) {
            return jedis.get(key);
        }
    }

    public void set(String key, String value) {
        try (Jedis jedis = pool.getResource()) {
            jedis.set(key, value);
        }
    }

    /** Milliseconds to live: -2 when the key does not exist, -1 when it never expires. */
    public long pttl(String key) {
        try (Jedis jedis = pool.getResource()) {
            return jedis.pttl(key);
        }
    }

    public boolean exists(String key) {
        try (Jedis jedis = pool.getResource()) {
            return jedis.exists(key);
        }
    }

    public void del(String key) {
        try (Jedis jedis = pool.getResource()) {
            jedis.del(key);
        }
    }

    /**
     * Makes {@code key} expire now, as if its TTL had run out ({@code PEXPIRE key 1}), and waits until it is
     * gone. Tests never sleep for a TTL: they force the expiry.
     */
    public void forceExpiry(String key) {
        try (Jedis jedis = pool.getResource()) {
            jedis.pexpire(key, 1);
        }
        Awaitility.await(key + " to expire").pollInSameThread().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2))
                .until(() -> !exists(key));
    }

    /** Starts recording the commands that touch this test's keys ({@code MONITOR}). */
    public CommandLog monitor() {
        return new CommandLog(target.address(), target.config(RedisTarget.TIMEOUT), prefix);
    }

    /** Deletes this test's keys and closes its pools. */
    @Override
    public synchronized void close() {
        try (Jedis jedis = pool.getResource()) {
            ScanParams match = new ScanParams().match(prefix + "*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, match);
                if (!page.getResult().isEmpty()) {
                    jedis.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } catch (RuntimeException e) {
            // The server may be gone already (a failed test); its keys went with it unless it is external.
            if (!target.startedByTests()) {
                System.err.println("[redis] could not delete the keys " + prefix + "* on " + target + ": " + e);
            }
        } finally {
            pool.close();
            pools.forEach(JedisPool::close);
            pools.clear();
        }
    }

    @Override
    public String toString() {
        return target.description();
    }
}
