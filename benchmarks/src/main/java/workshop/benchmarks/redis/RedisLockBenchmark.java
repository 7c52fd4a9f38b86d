package workshop.benchmarks.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import redis.clients.jedis.RedisClient;
import workshop.redislocking.LockToken;
import workshop.redislocking.RedisLock;
import workshop.redislocking.Redlock;
import workshop.redislocking.RedlockLease;

/**
 * Group 8: acquire + release of a lock on real Redis servers started for the trial (five for
 * {@link Redlock}; {@link RedisLock}, Redisson and the PINGs use the first). {@code shared=false}: each
 * thread has a lock of its own (latency without lock contention); {@code shared=true}: all threads compete
 * for one lock (how each client waits for a busy lock).
 */
@State(Scope.Benchmark)
public class RedisLockBenchmark {

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Param({"2x PING", "RedisLock", "Redisson RLock", "Redlock (5 servers)"})
    public String impl;

    @Param({"false"})
    public boolean shared;

    private List<RedisServer> servers;
    private List<RedisClient> clients;
    private RedissonClient redisson;
    private final AtomicInteger threadIds = new AtomicInteger();

    @Setup(Level.Trial)
    public void start() {
        servers = RedisServer.start(impl.startsWith("Redlock") ? 5 : 1, -1);
        clients = servers.stream().map(RedisServer::newClient).toList();
        if (impl.startsWith("Redisson")) {
            redisson = newRedisson(servers.getFirst());
        }
    }

    static RedissonClient newRedisson(RedisServer server) {
        Config config = new Config();
        config.setNettyThreads(4);
        config.useSingleServer().setAddress(server.uri()).setConnectionMinimumIdleSize(2).setConnectionPoolSize(16)
                .setSubscriptionConnectionMinimumIdleSize(1);
        return Redisson.create(config);
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (redisson != null) {
            redisson.shutdown(0, 5, TimeUnit.SECONDS);
        }
        servers.forEach(RedisServer::close);
    }

    /** One thread's lock objects (of its own, or the shared one). */
    @State(Scope.Thread)
    public static class Client {
        RedisLock redisLock;
        Redlock redlock;
        RLock rlock;
        RedisClient redis;

        @Setup(Level.Trial)
        public void create(RedisLockBenchmark bench) {
            String name = "bench:lock:" + (bench.shared ? "shared" : "t" + bench.threadIds.incrementAndGet());
            redis = bench.clients.getFirst();
            redisLock = new RedisLock(redis, name, TTL);
            redlock = new Redlock(bench.clients, name, TTL);
            if (bench.redisson != null) {
                rlock = bench.redisson.getLock(name);
            }
        }
    }

    @Benchmark
    public void acquireRelease(Client client, Blackhole bh) throws InterruptedException {
        switch (impl) {
            case "2x PING" -> {
                bh.consume(client.redis.ping());
                bh.consume(client.redis.ping());
            }
            case "RedisLock" -> {
                LockToken token = client.redisLock.tryAcquire(WAIT).orElseThrow(() -> new IllegalStateException("no lock"));
                bh.consume(client.redisLock.release(token));
            }
            case "Redisson RLock" -> {
                client.rlock.lock(TTL.toMillis(), TimeUnit.MILLISECONDS);
                client.rlock.unlock();
            }
            case "Redlock (5 servers)" -> {
                RedlockLease lease = client.redlock.tryAcquire(WAIT).orElseThrow(() -> new IllegalStateException("no lock"));
                bh.consume(lease.validity());
                client.redlock.release(lease);
            }
            default -> throw new IllegalArgumentException(impl);
        }
    }
}
