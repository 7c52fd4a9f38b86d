package workshop.redislocking.support;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * Connections to one server for a {@code RedisClient} ({@link Redis#newClient(ConnectionProvider)}) that,
 * once told to, hold back the next thread that asks for a connection until the test lets it go: a command
 * "in flight" that has not reached the server yet, stopped at a moment the test chooses. The thread waits
 * without giving way to interrupts (a command in flight does not stop for one either), and never longer
 * than {@link #LONGEST_HOLD}.
 */
public final class HoldingConnections implements ConnectionProvider {

    /** The longest a thread is held, should a test fail before it lets go. */
    public static final Duration LONGEST_HOLD = Duration.ofSeconds(10);

    private final PooledConnectionProvider pool;
    private final AtomicBoolean holdNext = new AtomicBoolean();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch letGo = new CountDownLatch(1);
    private volatile Thread heldThread;

    public HoldingConnections(RedisTarget target) {
        this.pool = new PooledConnectionProvider(target.address(), target.config(RedisTarget.TIMEOUT),
                RedisTarget.poolConfig());
    }

    /** The next connection asked for, from whichever thread, is handed out only after {@link #letGo()}. */
    public void holdNext() {
        holdNext.set(true);
    }

    /** Waits until a thread is held; returns it, or null if none came within {@code limit}. */
    public Thread awaitHeld(Duration limit) throws InterruptedException {
        return held.await(limit.toNanos(), TimeUnit.NANOSECONDS) ? heldThread : null;
    }

    /** Lets the held thread (and any later one) go on. */
    public void letGo() {
        letGo.countDown();
    }

    @Override
    public Connection getConnection() {
        holdIfAsked();
        return pool.getConnection();
    }

    @Override
    public Connection getConnection(CommandArguments command) {
        holdIfAsked();
        return pool.getConnection(command);
    }

    @Override
    public Map<?, ?> getConnectionMap() {
        return pool.getConnectionMap();
    }

    @Override
    public Map<?, ?> getPrimaryNodesConnectionMap() {
        return pool.getPrimaryNodesConnectionMap();
    }

    @Override
    public void close() {
        pool.close();
    }

    private void holdIfAsked() {
        if (!holdNext.compareAndSet(true, false)) {
            return;
        }
        heldThread = Thread.currentThread();
        held.countDown();
        boolean interrupted = false;
        long deadline = System.nanoTime() + LONGEST_HOLD.toNanos();
        while (true) {
            try {
                if (letGo.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                        || deadline - System.nanoTime() <= 0) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
