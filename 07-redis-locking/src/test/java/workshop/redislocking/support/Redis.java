package workshop.redislocking.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * One test's view of one Redis server: clients to connect with, key names of its own (a random prefix,
 * so tests never collide, also on a shared external server) and a few commands to inspect and disturb
 * the keys. Closing it deletes every key with the test's prefix and closes its clients (JUnit closes it
 * after the test, also when the test fails).
 */
public final class Redis implements AutoCloseable {

    private final RedisTarget target;
    private final String prefix;
    private final List<RedisClient> clients = new ArrayList<>();
    private final RedisClient client;

    Redis(RedisTarget target) {
        this.target = target;
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        this.prefix = "workshop:07:" + HexFormat.of().formatHex(random) + ":";
        this.client = newClient();
    }

    /** The server this test runs against. */
    public RedisTarget target() {
        return target;
    }

    /** A client for the code under test and for the test's own checks. */
    public RedisClient client() {
        return client;
    }

    /** A client of its own, with its own connections: another process, as far as Redis can tell. Closed with this object. */
    public synchronized RedisClient newClient() {
        return keep(target.newClient(RedisTarget.TIMEOUT));
    }

    /** A client whose connections come from {@code connections}. Closed with this object. */
    public synchronized RedisClient newClient(redis.clients.jedis.providers.ConnectionProvider connections) {
        return keep(target.newClient(RedisTarget.TIMEOUT, connections));
    }

    private RedisClient keep(RedisClient c) {
        clients.add(c);
        return c;
    }

    /** A key name that belongs to this test alone. */
    public String key(String name) {
        return prefix + name;
    }

    public String get(String key) {
        return client.get(key);
    }

    public void set(String key, String value) {
        client.set(key, value);
    }

    /** Milliseconds to live: -2 when the key does not exist, -1 when it never expires. */
    public long pttl(String key) {
        return client.pttl(key);
    }

    public boolean exists(String key) {
        return client.exists(key);
    }

    public void del(String key) {
        client.del(key);
    }

    /**
     * Makes {@code key} expire now, as if its TTL had run out ({@code PEXPIRE key 1}), and waits until it is
     * gone. Tests never sleep for a TTL: they force the expiry.
     */
    public void forceExpiry(String key) {
        client.pexpire(key, 1);
        Awaitility.await(key + " to expire").pollInSameThread().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2))
                .until(() -> !exists(key));
    }

    /**
     * Lets time pass, as far as Redis can tell: every key of this test that has a TTL expires now (as in
     * {@link #forceExpiry}); keys without a TTL stay. Returns the keys that expired.
     */
    public List<String> expireEverythingThatExpires() {
        List<String> expired = new ArrayList<>();
        ScanParams match = new ScanParams().match(prefix + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = client.scan(cursor, match);
            for (String key : page.getResult()) {
                if (client.pttl(key) > 0) {
                    expired.add(key);
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        expired.forEach(this::forceExpiry);
        return expired;
    }

    /** Starts recording the commands that touch this test's keys ({@code MONITOR}). */
    public CommandLog monitor() {
        return new CommandLog(target.address(), target.config(RedisTarget.TIMEOUT), prefix);
    }

    /** Deletes this test's keys and closes its clients. */
    @Override
    public synchronized void close() {
        try {
            ScanParams match = new ScanParams().match(prefix + "*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = client.scan(cursor, match);
                if (!page.getResult().isEmpty()) {
                    client.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } catch (RuntimeException e) {
            // The server may be gone already (a failed test); its keys went with it unless it is external.
            if (!target.startedByTests()) {
                System.err.println("[redis] could not delete the keys " + prefix + "* on " + target + ": " + e);
            }
        } finally {
            clients.forEach(RedisClient::close); // the first is client
            clients.clear();
        }
    }

    @Override
    public String toString() {
        return target.description();
    }
}
