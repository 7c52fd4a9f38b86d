package workshop.patterns.demo;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import workshop.patterns.VirtualThreads;

/**
 * Measures the table in the README ("Measured: 10,000 blocking tasks"): 10,000 tasks that each sleep
 * 200 ms, run on a pool of 200 platform threads, on a platform thread per task, and on your
 * {@link VirtualThreads#runBlockingTasks} (so run it once exercise 7 passes). Not a test: a program.
 *
 * <pre>
 * ./mvnw -q test-compile -pl 04-patterns
 * java -cp 04-patterns/target/classes:04-patterns/target/test-classes workshop.patterns.demo.BlockingTasksDemo
 * </pre>
 */
public final class BlockingTasksDemo {

    private static final int TASKS = 10_000;
    private static final Duration EACH_SLEEPS = Duration.ofMillis(200);

    private BlockingTasksDemo() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.printf("%d tasks that each sleep %d ms; %d cores; Java %s%n", TASKS, EACH_SLEEPS.toMillis(),
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        for (int round = 1; round <= rounds; round++) {
            System.out.printf("round %d: pool of 200 platform threads %6d ms | platform thread per task %6d ms"
                    + " | virtual threads %6d ms%n", round, platformPool(200).toMillis(), platformThreadPerTask().toMillis(),
                    VirtualThreads.runBlockingTasks(TASKS, EACH_SLEEPS).toMillis());
        }
    }

    private static Duration platformPool(int threads) {
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            submitAll(pool);
        } // close() waits for every task
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static Duration platformThreadPerTask() throws InterruptedException {
        long start = System.nanoTime();
        Thread[] threads = new Thread[TASKS];
        for (int i = 0; i < TASKS; i++) {
            threads[i] = Thread.ofPlatform().start(BlockingTasksDemo::sleep);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void submitAll(ExecutorService executor) {
        for (int i = 0; i < TASKS; i++) {
            executor.submit(BlockingTasksDemo::sleep);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(EACH_SLEEPS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
