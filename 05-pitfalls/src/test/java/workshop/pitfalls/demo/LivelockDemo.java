package workshop.pitfalls.demo;

import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Livelock, shown deterministically (README "2. TryLockBank"). Two threads make opposing transfers with
 * "take my first lock, try the second, on failure release and back off". A barrier puts them in
 * lockstep, the worst case a scheduler can produce: every round, both take their first lock, then both
 * try their second, then both release. Time is counted in rounds, and a back-off means sitting out
 * rounds.
 *
 * <p>With a fixed back-off (both sit out one round), the two threads stay in step forever: every attempt
 * collides with the other's, and no transfer ever completes although neither thread is blocked. With a
 * random back-off (each sits out 1 to 4 rounds), they drift apart, and a thread that tries while the
 * other sits out gets both locks.
 *
 * <pre>
 * ./mvnw -q test-compile -pl 05-pitfalls
 * java -cp 05-pitfalls/target/test-classes workshop.pitfalls.demo.LivelockDemo
 * </pre>
 */
public final class LivelockDemo {

    private static final int ROUNDS = 10_000;

    public static void main(String[] args) throws InterruptedException {
        for (boolean random : new boolean[] {false, true}) {
            int[] done = run(random, ROUNDS);
            System.out.printf("%-30s %5d rounds: thread 0 made %5d transfers, thread 1 made %5d%n",
                    random ? "random back-off (1-4 rounds):" : "fixed back-off (1 round):", ROUNDS, done[0], done[1]);
        }
    }

    /** Runs the two threads for {@code rounds} rounds; returns how many transfers each completed. */
    static int[] run(boolean randomBackoff, int rounds) throws InterruptedException {
        ReentrantLock account0 = new ReentrantLock();
        ReentrantLock account1 = new ReentrantLock();
        CyclicBarrier step = new CyclicBarrier(2);
        AtomicIntegerArray done = new AtomicIntegerArray(2);
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int me = t;
            ReentrantLock first = me == 0 ? account0 : account1; // thread 0 moves 0 -> 1, thread 1 moves 1 -> 0
            ReentrantLock second = me == 0 ? account1 : account0;
            Random random = new Random(42 + me);
            threads[t] = new Thread(() -> {
                int sitOut = 0;
                try {
                    for (int round = 0; round < rounds; round++) {
                        boolean trying = sitOut == 0;
                        if (trying) {
                            first.lock();
                        }
                        step.await(); // both have taken their first lock (or sit out)
                        boolean got = trying && second.tryLock();
                        step.await(); // both have tried their second lock
                        if (got) {
                            done.incrementAndGet(me);
                            second.unlock();
                        }
                        if (trying) {
                            first.unlock();
                            if (!got) {
                                sitOut = randomBackoff ? 1 + random.nextInt(4) : 1;
                            }
                        } else {
                            sitOut--;
                        }
                        step.await(); // both have released: next round
                    }
                } catch (InterruptedException | BrokenBarrierException e) {
                    Thread.currentThread().interrupt();
                }
            }, "transfer-" + me);
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return new int[] {done.get(0), done.get(1)};
    }

    private LivelockDemo() {
    }
}
