package workshop.testkit;

import static org.awaitility.Awaitility.await;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.awaitility.core.ConditionTimeoutException;
import org.opentest4j.AssertionFailedError;

/**
 * Wakes the threads that wait inside an object without changing the object's state: a spurious wake-up,
 * on demand.
 *
 * <p>The JVM may wake a thread from {@code Condition.await()} or {@code Object.wait()} for no reason (the
 * Javadoc of both says so), but rarely does, so code that waits with {@code if} instead of {@code while}
 * passes ordinary tests. This helper makes the wake-up happen: it finds the object's {@link ReentrantLock}
 * and {@link Condition} fields and calls {@code signalAll()} on every condition, and {@code notifyAll()} on
 * the object's own monitor and on every field declared as a plain {@code Object}. A correct wait loop
 * re-checks its predicate and goes back to sleep; an {@code if} walks on as if the thing it waited for had
 * happened.
 */
public final class SpuriousWakeups {

    /** How long the woken threads may take to go back to waiting (or to end). */
    private static final Duration SETTLE_WITHIN = TimeFactor.seconds(2);

    /** Without a condition to count waiters on, how long to give woken threads to act on the wake-up. */
    private static final Duration MONITOR_GRACE = TimeFactor.millis(150);

    private SpuriousWakeups() {
    }

    /**
     * Wakes every thread waiting on a condition or monitor of {@code target}, then returns once each of
     * {@code waiters} has either ended or gone back to waiting.
     *
     * @return how many conditions and monitors were signalled
     */
    public static int wakeAll(Object target, Collection<Thread> waiters) {
        Channels channels = channelsOf(target);
        channels.owners().forEach((condition, lock) -> {
            lock.lock();
            try {
                condition.signalAll();
            } finally {
                lock.unlock();
            }
        });
        for (Object monitor : channels.monitors()) {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
        settle(channels.owners(), waiters);
        return channels.owners().size() + channels.monitors().size();
    }

    /**
     * Returns once each of {@code waiters}, which something has just woken (a signal for a thing another
     * thread then took away), has either ended or gone back to waiting on one of {@code target}'s conditions.
     */
    public static void awaitBackToWaitingOrEnded(Object target, Collection<Thread> waiters) {
        settle(channelsOf(target).owners(), waiters);
    }

    /**
     * Wakes {@code waiter} (waiting inside {@code target} with a timeout) again and again, every
     * {@code every}, until it ends or {@code atMost} has passed; returns whether it ended. A timed wait that
     * restarts its full timeout after every wake-up never ends while wake-ups keep coming.
     */
    public static boolean keepWakingUntilEnded(Object target, Thread waiter, Duration every, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (waiter.getState() != Thread.State.TERMINATED && System.nanoTime() - deadline < 0) {
            joinQuietly(waiter, every); // the pause between wake-ups: an interval, not synchronization
            if (waiter.getState() != Thread.State.TERMINATED) {
                wakeAll(target, java.util.List.of(waiter));
            }
        }
        return waiter.getState() == Thread.State.TERMINATED;
    }

    /** The conditions of an object (each with the lock it belongs to) and the monitors it may wait on. */
    private record Channels(Map<Condition, ReentrantLock> owners, List<Object> monitors) {
    }

    private static Channels channelsOf(Object target) {
        List<ReentrantLock> locks = new ArrayList<>();
        List<Condition> conditions = new ArrayList<>();
        List<Object> monitors = new ArrayList<>();
        monitors.add(target);
        for (Object value : fieldValues(target)) {
            if (value instanceof ReentrantLock lock) {
                locks.add(lock);
            } else if (value instanceof Condition condition) {
                conditions.add(condition);
            } else if (value.getClass() == Object.class) {
                monitors.add(value);
            }
        }
        Map<Condition, ReentrantLock> owners = new IdentityHashMap<>();
        for (Condition condition : conditions) {
            for (ReentrantLock lock : locks) {
                lock.lock();
                try {
                    lock.hasWaiters(condition); // throws IllegalArgumentException if the condition is not this lock's
                    owners.put(condition, lock);
                    break;
                } catch (IllegalArgumentException notItsOwner) {
                    // try the next lock
                } finally {
                    lock.unlock();
                }
            }
        }
        return new Channels(owners, monitors);
    }

    /** Waits until every waiter still alive is back in the wait queue of one of the conditions. */
    private static void settle(Map<Condition, ReentrantLock> owners, Collection<Thread> waiters) {
        if (owners.isEmpty()) {
            // Monitors only: nothing to count waiters on, so give them a moment (an observation window, not
            // synchronization: a correct solution passes either way).
            long end = System.nanoTime() + MONITOR_GRACE.toNanos();
            for (Thread waiter : waiters) {
                joinQuietly(waiter, Duration.ofNanos(Math.max(1, end - System.nanoTime())));
            }
            return;
        }
        try {
            await("the woken threads to wait again or end").atMost(SETTLE_WITHIN).pollInterval(Duration.ofMillis(2))
                    .until(() -> waiters.stream().filter(t -> t.getState() != Thread.State.TERMINATED).count() <= waitingOn(owners));
        } catch (ConditionTimeoutException e) {
            throw new AssertionFailedError("After a spurious wake-up, the woken threads neither went back to waiting nor"
                    + " ended within " + SETTLE_WITHIN.toSeconds() + " s.\nWhere they are:\n"
                    + ThreadReports.describe(waiters.stream().filter(Thread::isAlive).toList()));
        }
    }

    private static int waitingOn(Map<Condition, ReentrantLock> owners) {
        int waiting = 0;
        for (Map.Entry<Condition, ReentrantLock> entry : owners.entrySet()) {
            ReentrantLock lock = entry.getValue();
            lock.lock();
            try {
                waiting += lock.getWaitQueueLength(entry.getKey());
            } finally {
                lock.unlock();
            }
        }
        return waiting;
    }

    private static List<Object> fieldValues(Object target) {
        List<Object> values = new ArrayList<>();
        for (Class<?> type = target.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    Object value = field.get(target);
                    if (value != null) {
                        values.add(value);
                    }
                } catch (ReflectiveOperationException | RuntimeException inaccessible) {
                    // a field we cannot read cannot be signalled either: skip it
                }
            }
        }
        return values;
    }

    private static void joinQuietly(Thread thread, Duration limit) {
        try {
            thread.join(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
