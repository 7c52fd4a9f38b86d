package workshop.benchmarks.counters;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import workshop.locks.CasCounter;
import workshop.locks.Counter;
import workshop.locks.LockCounter;
import workshop.locks.StripedCounter;

/**
 * Groups 1 and 2: every thread increments one shared counter as fast as it can. The counter is a
 * {@link Scope#Benchmark} state, shared by all threads of the run, so the threads contend for it. The
 * increment changes shared state that {@link #check()} reads, so the JIT cannot drop it.
 *
 * <p>Each fork runs one implementation, so the call through {@link Counter} stays monomorphic.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CounterBenchmark {

    /** The implementations, as they appear in the tables. */
    @Param({"synchronized", "LockCounter", "StripedCounter", "CasCounter", "AtomicLong", "LongAdder"})
    public String impl;

    private Counter counter;

    @Setup(Level.Trial)
    public void create() {
        counter = switch (impl) {
            case "synchronized" -> new SynchronizedCounter();
            case "LockCounter" -> new LockCounter();
            case "StripedCounter" -> new StripedCounter(16);
            case "CasCounter" -> new CasCounter();
            case "AtomicLong" -> new AtomicLongCounter();
            case "LongAdder" -> new LongAdderCounter();
            default -> throw new IllegalArgumentException("unknown counter " + impl);
        };
    }

    @Benchmark
    public void increment() {
        counter.increment();
    }

    /** Reads the counter after the trial: its value is used, and must be positive. */
    @TearDown(Level.Trial)
    public void check() {
        if (counter.get() <= 0) {
            throw new IllegalStateException(impl + " counted nothing");
        }
    }

    /** The guide's lock, in Java's built-in form: an intrinsic lock ({@code synchronized}). */
    static final class SynchronizedCounter implements Counter {
        private long count;

        @Override
        public synchronized void increment() {
            count++;
        }

        @Override
        public synchronized long get() {
            return count;
        }
    }

    /** The JDK's atomic: one hardware atomic instruction per increment ({@code lock xadd} on x86). */
    static final class AtomicLongCounter implements Counter {
        private final AtomicLong value = new AtomicLong();

        @Override
        public void increment() {
            value.incrementAndGet();
        }

        @Override
        public long get() {
            return value.get();
        }
    }

    /** The JDK's striped counter: cells added under contention, summed on read. */
    static final class LongAdderCounter implements Counter {
        private final LongAdder adder = new LongAdder();

        @Override
        public void increment() {
            adder.increment();
        }

        @Override
        public long get() {
            return adder.sum();
        }
    }
}
