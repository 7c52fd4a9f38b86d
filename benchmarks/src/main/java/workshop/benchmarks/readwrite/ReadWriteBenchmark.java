package workshop.benchmarks.readwrite;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import workshop.patterns.FairReadWriteLock;

/**
 * Group 3: a shared {@code HashMap} of {@value #KEYS} entries that threads read and update, guarded five
 * ways. {@code readPercent} of the operations are reads ({@code get}); the rest replace the value of an
 * existing key ({@code put}, never a structural change, so an optimistic reader can read the map while a
 * writer runs and only has to validate afterwards).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReadWriteBenchmark {

    static final int KEYS = 1024;

    @Param({"mutex", "ReentrantReadWriteLock", "ReentrantReadWriteLock(fair)", "StampedLock", "FairReadWriteLock"})
    public String impl;

    @Param({"90", "99"})
    public int readPercent;

    private Store store;

    @Setup(Level.Trial)
    public void create() {
        Map<Integer, Integer> map = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            map.put(i, i);
        }
        store = switch (impl) {
            case "mutex" -> new MutexStore(map);
            case "ReentrantReadWriteLock" -> new ReadWriteStore(map, false);
            case "ReentrantReadWriteLock(fair)" -> new ReadWriteStore(map, true);
            case "StampedLock" -> new StampedStore(map);
            case "FairReadWriteLock" -> new FairStore(map);
            default -> throw new IllegalArgumentException("unknown lock " + impl);
        };
    }

    /** Each thread's own random stream: no shared state besides the map under test. */
    @State(Scope.Thread)
    public static class Dice {
        private long seed = ThreadLocalRandom.current().nextLong() | 1;

        int next() {
            seed ^= seed << 13;
            seed ^= seed >>> 7;
            seed ^= seed << 17;
            return (int) (seed >>> 33);
        }
    }

    /** One read or one write; returns the value it read, so the read cannot be eliminated. */
    @Benchmark
    public int operation(Dice dice) throws InterruptedException {
        int r = dice.next();
        int key = r % KEYS;
        boolean read = (r >>> 10) % 100 < readPercent;
        return read ? store.read(key) : store.write(key);
    }

    interface Store {
        int read(int key) throws InterruptedException;

        int write(int key) throws InterruptedException;
    }

    /** A plain mutex: readers exclude each other too. */
    static final class MutexStore implements Store {
        private final ReentrantLock lock = new ReentrantLock();
        private final Map<Integer, Integer> map;

        MutexStore(Map<Integer, Integer> map) {
            this.map = map;
        }

        public int read(int key) {
            lock.lock();
            try {
                return map.get(key);
            } finally {
                lock.unlock();
            }
        }

        public int write(int key) {
            lock.lock();
            try {
                return map.merge(key, 1, Integer::sum);
            } finally {
                lock.unlock();
            }
        }
    }

    /** {@link ReentrantReadWriteLock}, barging (default) or fair. */
    static final class ReadWriteStore implements Store {
        private final ReentrantReadWriteLock lock;
        private final Map<Integer, Integer> map;

        ReadWriteStore(Map<Integer, Integer> map, boolean fair) {
            this.map = map;
            this.lock = new ReentrantReadWriteLock(fair);
        }

        public int read(int key) {
            lock.readLock().lock();
            try {
                return map.get(key);
            } finally {
                lock.readLock().unlock();
            }
        }

        public int write(int key) {
            lock.writeLock().lock();
            try {
                return map.merge(key, 1, Integer::sum);
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** {@link StampedLock}: optimistic reads that take no lock and validate, falling back to a read lock. */
    static final class StampedStore implements Store {
        private final StampedLock lock = new StampedLock();
        private final Map<Integer, Integer> map;

        StampedStore(Map<Integer, Integer> map) {
            this.map = map;
        }

        public int read(int key) {
            long stamp = lock.tryOptimisticRead();
            if (stamp != 0) {
                Integer value = map.get(key); // keys never change: the lookup is safe while a value is replaced
                if (lock.validate(stamp)) {
                    return value;
                }
            }
            stamp = lock.readLock();
            try {
                return map.get(key);
            } finally {
                lock.unlockRead(stamp);
            }
        }

        public int write(int key) {
            long stamp = lock.writeLock();
            try {
                return map.merge(key, 1, Integer::sum);
            } finally {
                lock.unlockWrite(stamp);
            }
        }
    }

    /** The workshop's {@link FairReadWriteLock} (04-patterns): arrival order, no starvation. */
    static final class FairStore implements Store {
        private final FairReadWriteLock lock = new FairReadWriteLock();
        private final Map<Integer, Integer> map;

        FairStore(Map<Integer, Integer> map) {
            this.map = map;
        }

        public int read(int key) throws InterruptedException {
            lock.acquireRead();
            try {
                return map.get(key);
            } finally {
                lock.releaseRead();
            }
        }

        public int write(int key) throws InterruptedException {
            lock.acquireWrite();
            try {
                return map.merge(key, 1, Integer::sum);
            } finally {
                lock.releaseWrite();
            }
        }
    }
}
