package workshop.benchmarks.tasks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import workshop.patterns.SimpleThreadPool;

/**
 * Group 4: {@value #TASKS} short tasks (a few hundred nanoseconds of work each), run to completion per
 * invocation: on a pool of two threads (the JDK's fixed pool, and the workshop's {@link SimpleThreadPool}),
 * on a new platform thread per task, and on a virtual thread per task. Score: average time per task.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TaskBenchmark {

    static final int TASKS = 1_000;
    /** Work per task, in JMH's CPU tokens (about a few hundred ns). */
    static final long WORK = 100;

    @Param({"fixed pool (2)", "SimpleThreadPool (2)", "thread per task", "virtual threads"})
    public String impl;

    private ExecutorService fixedPool;
    private SimpleThreadPool simplePool;

    @Setup(Level.Trial)
    public void start() {
        if (impl.equals("fixed pool (2)")) {
            fixedPool = Executors.newFixedThreadPool(2);
        } else if (impl.equals("SimpleThreadPool (2)")) {
            simplePool = new SimpleThreadPool(2);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        if (fixedPool != null) {
            fixedPool.shutdown();
            fixedPool.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (simplePool != null) {
            simplePool.shutdown();
            simplePool.awaitTermination(java.time.Duration.ofSeconds(10));
        }
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long runTasks() throws Exception {
        CountDownLatch done = new CountDownLatch(TASKS);
        Runnable task = () -> {
            Blackhole.consumeCPU(WORK);
            done.countDown();
        };
        switch (impl) {
            case "fixed pool (2)" -> {
                for (int i = 0; i < TASKS; i++) {
                    fixedPool.execute(task);
                }
            }
            case "SimpleThreadPool (2)" -> {
                for (int i = 0; i < TASKS; i++) {
                    simplePool.submit(() -> {
                        task.run();
                        return null;
                    });
                }
            }
            case "thread per task" -> {
                for (int i = 0; i < TASKS; i++) {
                    new Thread(task).start();
                }
            }
            case "virtual threads" -> {
                for (int i = 0; i < TASKS; i++) {
                    Thread.startVirtualThread(task);
                }
            }
            default -> throw new IllegalArgumentException(impl);
        }
        done.await();
        return done.getCount();
    }
}
