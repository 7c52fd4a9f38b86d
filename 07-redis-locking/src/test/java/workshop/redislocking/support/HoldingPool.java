package workshop.redislocking.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * A pool that, once told to, holds back the next thread that asks it for a connection until the test
 * lets it go: a command "in flight" that has not reached the server yet, stopped at a moment the test
 * chooses. The thread waits without giving way to interrupts (a command in flight does not stop for
 * one either), and never longer than {@link #LONGEST_HOLD}.
 */
@SuppressWarnings("deprecation") // JedisPool: the API the exercises use
public final class HoldingPool extends JedisPool {

    /** The longest a thread is held, should a test fail before it lets go. */
    public static final Duration LONGEST_HOLD = Duration.ofSeconds(10);

    private final AtomicBoolean holdNext = new AtomicBoolean();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch letGo = new CountDownLatch(1);
    private volatile Thread heldThread;

    public HoldingPool(RedisTarget target) {
        super(config(), target.address(), target.config(RedisTarget.TIMEOUT));
    }

    private static GenericObjectPoolConfig<Jedis> config() {
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(16);
        config.setMaxWait(Duration.ofSeconds(5));
        config.setJmxEnabled(false);
        return config;
    }

    /** The next {@link #getResource()} call, from whichever thread, waits until {@link #letGo()}. */
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
    public Jedis getResource() {
        if (holdNext.compareAndSet(true, false)) {
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
        return super.getResource();
    }
}
