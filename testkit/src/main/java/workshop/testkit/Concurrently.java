package workshop.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * Runs code on several threads at once, so that races really happen, and reports what went wrong in
 * the test thread.
 *
 * <pre>{@code
 * Concurrently.threads(8).named("depositor").repeat(50_000, (thread, i) -> account.deposit(1));
 * List<Long> seen = Concurrently.threads(4).named("reader").call(thread -> counter.get());
 * }</pre>
 *
 * <p>Every thread is created and waits at a start gate until all are ready; then the gate opens and
 * they run together. Exceptions and assertion failures thrown in workers are collected and rethrown in
 * the calling thread (the first one, with the others attached as suppressed). The first failure ends
 * the run: the other threads are interrupted and joined (briefly). Every thread is joined; a thread that
 * does not finish within the time limit fails the run with a report of where each stuck thread is and
 * which locks it holds and waits for.
 */
public final class Concurrently {

    /** How long a run may take unless the test says otherwise. */
    public static final Duration DEFAULT_TIME_LIMIT = TimeFactor.seconds(8);

    /** After a thread failed, how long the others get to end once interrupted. */
    private static final Duration FAILURE_GRACE = TimeFactor.seconds(1);

    private final int threads;
    private String name = "worker";
    private Duration timeLimit = DEFAULT_TIME_LIMIT;
    /** Whether a round's calls ran at one instant, from when each began and ended; replaced only by testkit's tests. */
    private BiPredicate<long[], long[]> overlapJudge = Concurrently::allOverlap;

    private Concurrently(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        this.threads = threads;
    }

    /** A run on {@code threads} threads. */
    public static Concurrently threads(int threads) {
        return new Concurrently(threads);
    }

    /** Names the threads {@code name-0}, {@code name-1}, ... (shown in every report). */
    public Concurrently named(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /** How long the whole run may take before it fails as stuck ({@link TimeFactor} stretches it). */
    public Concurrently within(Duration timeLimit) {
        this.timeLimit = TimeFactor.scaled(Objects.requireNonNull(timeLimit, "timeLimit"));
        return this;
    }

    /**
     * Judges the rounds' overlaps with {@code judge} instead of the clock (arguments: when each thread's call began
     * and ended), so that testkit's tests can make every round overlap, or none.
     */
    Concurrently judgingOverlapsBy(BiPredicate<long[], long[]> judge) {
        this.overlapJudge = Objects.requireNonNull(judge, "judge");
        return this;
    }

    /** A body that knows which thread it runs on and which iteration it is in. */
    @FunctionalInterface
    public interface Repeated {
        void run(int thread, int iteration) throws Exception;
    }

    /** A body that knows which thread it runs on and returns a result. */
    @FunctionalInterface
    public interface Task<T> {
        T call(int thread) throws Exception;
    }

    /** A body that knows which thread it runs on. */
    @FunctionalInterface
    public interface Body {
        void run(int thread) throws Exception;
    }

    /** Each thread runs {@code body} {@code iterations} times. */
    public void repeat(int iterations, Repeated body) {
        run(thread -> {
            for (int i = 0; i < iterations; i++) {
                body.run(thread, i);
            }
        });
    }

    /**
     * Runs {@code rounds} rounds in lockstep: in every round all threads meet at a spinning barrier; the
     * last to arrive opens it and names an instant a microsecond ahead, at which all of them leave it by the
     * clock and each runs {@code body} once. Threads that were running hot at the barrier hit the body
     * within nanoseconds of each other, which is what exposes a check-then-act race (the window between a
     * check and the act that depends on it is a few nanoseconds; threads that are woken from a blocking
     * barrier one by one rarely hit it at the same moment).
     *
     * <p>Use at most as many threads as the machine has cores ({@link #cores()}): spinning threads
     * beyond that wait for a time slice every round.
     */
    public void inLockstep(int rounds, Repeated body) {
        lockstep(rounds, 0, rounds, body);
    }

    /**
     * Runs at least {@code rounds} lockstep rounds (see {@link #inLockstep}) and goes on, up to
     * {@code maxRounds}, until in {@code overlapping} of them every thread's call of {@code body} ran at
     * the same time as every other's. On a quiet machine nearly every round overlaps and the run ends after
     * {@code rounds}; on a busy one the threads often run one after the other (one waits for a core while
     * the other runs), and a race test that counted only rounds would see too few collisions to catch
     * anything. Threads that take turns for 100 rounds in a row are replaced by new ones. The run also ends once half its time limit is used, so that a correct class never fails it
     * on a slow machine; a test that saw no race then calls {@link Lockstep#abortUnlessOverlapped} to say
     * that it proved nothing, rather than pass.
     *
     * @return how many rounds ran ({@code body} saw the round numbers 0 to that number minus one) and how many
     *     of them overlapped
     */
    public Lockstep inLockstepUntilOverlapped(int rounds, int overlapping, int maxRounds, Repeated body) {
        if (overlapping < 0 || overlapping > maxRounds || rounds > maxRounds) {
            throw new IllegalArgumentException("need rounds <= maxRounds and 0 <= overlapping <= maxRounds, were "
                    + rounds + ", " + overlapping + ", " + maxRounds);
        }
        LockstepRun run = lockstep(rounds, overlapping, maxRounds, body);
        return new Lockstep(run.rounds(), run.overlapped(), threads);
    }

    /**
     * How many times the rounds it asks for a race test may run on a busy machine ({@link #race}): arrays indexed by
     * round need this many times as many slots.
     */
    public static final int RACE_EXTENSION = 10;

    /**
     * A race's time limit in seconds (before the time factor); it adds rounds for at most half of it. A race test
     * gives itself {@code @TimeLimit(Concurrently.RACE_SECONDS + 10)}.
     */
    public static final int RACE_SECONDS = 30;

    /**
     * The workshop's race: {@link #inLockstepUntilOverlapped} with at least {@code rounds} rounds, going on until
     * half of them overlapped, up to {@link #RACE_EXTENSION} times as many rounds, within {@link #RACE_SECONDS}.
     * Call {@link Lockstep#abortUnlessOverlapped} after the assertions.
     */
    public Lockstep race(int rounds, Repeated body) {
        return within(Duration.ofSeconds(RACE_SECONDS))
                .inLockstepUntilOverlapped(rounds, rounds / 2, RACE_EXTENSION * rounds, body);
    }

    /** What a lockstep run did: how many rounds ran, and in how many of them all the threads' calls overlapped. */
    public record Lockstep(int rounds, int overlapped, int threads) {

        /**
         * Ends the test as aborted (neither passed nor failed) when fewer than {@code minimum} rounds overlapped: a
         * race test that saw no race on a machine that seldom ran its threads together has proved nothing. Call it
         * after the assertions, so that a race that was seen still fails the test.
         */
        public void abortUnlessOverlapped(int minimum) {
            if (overlapped < minimum) {
                Assumptions.abort("inconclusive: no race was seen, but the " + threads + " threads ran at the"
                        + " same instant in only " + overlapped + " of " + rounds + " rounds (this test needs " + minimum
                        + " to mean anything). The machine is too busy to run them together: close other programs and"
                        + " run again.");
            }
        }
    }

    /**
     * What a lockstep run did: rounds run, in how many of them all the threads' bodies overlapped, and whether it
     * ended because that was enough (rather than at the end of a segment).
     */
    private record LockstepRun(int rounds, int overlapped, boolean enough) {
    }

    /**
     * How long after a lockstep barrier opens the threads leave it, together: long enough for every spinning thread
     * to see it open. The thread that opens it would otherwise start its body some 100 ns before the others see the
     * barrier open, and a body of a few nanoseconds (a compiled read-add-write) would end before theirs began.
     */
    private static final long RELEASE_DELAY_NANOS = 1_000;

    /**
     * Rounds per set of threads when overlaps are counted. On a busy machine two threads can take turns for
     * seconds (as if they shared one core) and their rounds then never overlap; the scheduler places new threads
     * afresh, so each segment gets another chance.
     */
    private static final int SEGMENT_ROUNDS = 2_000;

    /**
     * Consecutive rounds without an overlap after which a counting run gives up its set of threads and starts a new
     * one. Threads that take turns keep doing so, a round per time slice, for as long as the scheduler leaves them
     * where they are: a new set is placed afresh. Threads that run together finish a round in microseconds and keep
     * their set for the whole segment.
     */
    static final int ROUNDS_APART_BEFORE_NEW_THREADS = 100;

    private LockstepRun lockstep(int rounds, int overlapping, int maxRounds, Repeated body) {
        long start = System.nanoTime();
        if (overlapping == 0) {
            return segment(0, rounds, rounds, 0, 0, start, body); // plain inLockstep: one set of threads, no clock reads
        }
        LockstepRun run = new LockstepRun(0, 0, false);
        while (!run.enough() && run.rounds() < maxRounds) {
            int end = Math.min(maxRounds, run.rounds() + SEGMENT_ROUNDS);
            run = segment(run.rounds(), end, rounds, overlapping, run.overlapped(), start, body);
        }
        return run;
    }

    /**
     * Runs lockstep rounds {@code from} to {@code to - 1} on a new set of threads; with {@code overlapping > 0} it
     * counts the rounds whose bodies overlapped and stops as soon as at least {@code rounds} rounds ran and
     * {@code overlapping} of them overlapped, or half the time limit (counted from {@code start}) is used.
     */
    private LockstepRun segment(int from, int to, int rounds, int overlapping, int overlappedBefore, long start,
            Repeated body) {
        AtomicInteger arrived = new AtomicInteger();
        AtomicInteger generation = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        // Set by the last thread to reach a barrier, before it opens it: the round it opens is not run.
        AtomicBoolean enough = new AtomicBoolean();
        // Set by the last thread to reach a barrier when the threads have taken turns for too long: this set of
        // threads stops before that round, and the next segment runs it on new threads.
        AtomicBoolean apart = new AtomicBoolean();
        AtomicInteger overlapped = new AtomicInteger(overlappedBefore);
        AtomicInteger roundsRun = new AtomicInteger(from);
        AtomicLong releaseAt = new AtomicLong();
        // When each thread left the barrier and when its body returned, in the round it last ran. Written before
        // the thread arrives at the next barrier and read by the last thread to arrive there: the chain of
        // incrementAndGet calls on 'arrived' orders the writes before the read.
        boolean measure = overlapping > 0;
        long[] began = new long[threads];
        long[] ended = new long[threads];
        long deadline = start + timeLimit.toNanos();
        long extendUntil = start + timeLimit.toNanos() / 2;
        long onSchedule = timeLimit.toNanos() / 2 / Math.max(1, rounds); // per round, to end within half the limit
        Concurrently segment = threads(threads).named(name).judgingOverlapsBy(overlapJudge);
        segment.timeLimit = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        int[] roundsApart = new int[1]; // consecutive rounds without an overlap; only the last thread at a barrier uses it
        segment.run(thread -> {
            for (int round = from; round < to; round++) {
                int current = generation.get();
                if (arrived.incrementAndGet() == threads) {
                    arrived.set(0);
                    if (measure && round > from) {
                        if (overlapJudge.test(began, ended)) {
                            overlapped.incrementAndGet();
                            roundsApart[0] = 0;
                        } else if (++roundsApart[0] >= ROUNDS_APART_BEFORE_NEW_THREADS) {
                            apart.set(true);
                        }
                    }
                    if (measure && enough(round, overlapped.get(), rounds, overlapping, extendUntil)) {
                        enough.set(true);
                    }
                    roundsRun.set(enough.get() || apart.get() ? round : round + 1);
                    releaseAt.set(System.nanoTime() + RELEASE_DELAY_NANOS);
                    generation.incrementAndGet();
                } else {
                    int spins = 0;
                    while (generation.get() == current) {
                        if (failed.get()) {
                            return; // another thread failed: stop, so it is reported at once
                        }
                        Thread.onSpinWait();
                        if ((++spins & 0x3FF) == 0) {
                            long now = System.nanoTime();
                            if (now - start > onSchedule * (round + 1)) {
                                // Behind schedule: the others have no core now (a busy machine, or all the threads
                                // on one core), and each round would wait for the scheduler to take this thread's
                                // core away. Give it up. Ahead of schedule, spin on: the threads leave together.
                                Thread.yield();
                            }
                            if (now - deadline > 0) {
                                throw new AssertionFailedError("lockstep round " + round + " of " + rounds + " did not"
                                        + " complete within " + timeLimit.toMillis() + " ms: the " + threads + " threads"
                                        + " rarely ran at the same time. " + TimeFactor.hint());
                            }
                        }
                    }
                }
                if (failed.get() || enough.get() || apart.get()) {
                    return;
                }
                long release = releaseAt.get();
                while (System.nanoTime() - release < 0) {
                    // every thread, the one that opened the barrier too, leaves at the same instant
                }
                if (measure) {
                    began[thread] = System.nanoTime();
                }
                try {
                    body.run(thread, round);
                } catch (Throwable t) {
                    failed.set(true);
                    throw t;
                }
                if (measure) {
                    ended[thread] = System.nanoTime();
                }
            }
        });
        // The segment's last round, if it ran to the end: its threads are joined, so their clock reads are visible.
        if (measure && !enough.get() && !apart.get() && roundsRun.get() > from && overlapJudge.test(began, ended)) {
            overlapped.incrementAndGet();
        }
        boolean enoughNow = enough.get()
                || (measure && enough(roundsRun.get(), overlapped.get(), rounds, overlapping, extendUntil));
        return new LockstepRun(roundsRun.get(), overlapped.get(), enoughNow);
    }

    /**
     * Whether a counting run that has run {@code ran} rounds may stop: it ran its {@code rounds}, and either
     * {@code overlapping} of them overlapped or the time for adding rounds is over.
     */
    private static boolean enough(int ran, int overlapped, int rounds, int overlapping, long extendUntil) {
        return ran >= rounds && (overlapped >= overlapping || System.nanoTime() - extendUntil > 0);
    }

    /** Whether the intervals [began[i], ended[i]] have a common instant: the latest start is before the first end. */
    static boolean allOverlap(long[] began, long[] ended) {
        long latestStart = began[0];
        long firstEnd = ended[0];
        for (int i = 1; i < began.length; i++) {
            latestStart = Math.max(latestStart, began[i]);
            firstEnd = Math.min(firstEnd, ended[i]);
        }
        return latestStart <= firstEnd;
    }

    /** The number of cores, at least 2: the thread count for {@link #inLockstep}. */
    public static int cores() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** Each thread runs {@code body} once. */
    public void run(Body body) {
        call(thread -> {
            body.run(thread);
            return null;
        });
    }

    /** Each thread runs {@code task} once; returns the results by thread index. */
    public <T> List<T> call(Task<T> task) {
        Objects.requireNonNull(task, "task");
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch startGate = new CountDownLatch(1);
        // Opens when every thread has ended, or at the first failure: the run stops there (see below).
        CountDownLatch endedOrFailed = new CountDownLatch(threads);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicReferenceArray<T> results = new AtomicReferenceArray<>(threads);
        List<Thread> started = new ArrayList<>(threads);
        List<Thread> stuck = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                ready.countDown();
                try {
                    startGate.await();
                    results.set(index, task.call(index));
                } catch (Throwable t) {
                    failures.add(t);
                    while (endedOrFailed.getCount() > 0) {
                        endedOrFailed.countDown();
                    }
                } finally {
                    endedOrFailed.countDown();
                }
            }, name + "-" + i);
            thread.setDaemon(true);
            started.add(thread);
        }
        started.forEach(Thread::start);
        try {
            if (!ready.await(timeLimit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new AssertionFailedError("The worker threads did not even reach the start gate within " + timeLimit);
            }
            startGate.countDown();
            long deadline = System.nanoTime() + timeLimit.toNanos();
            if (endedOrFailed.await(timeLimit.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS) && !failures.isEmpty()) {
                // Fail fast: a failure is the run's answer, and what the other threads do next (often wait for
                // something the failed one never did) is not worth the rest of the time limit. They are
                // interrupted and given a short grace to end.
                started.forEach(Thread::interrupt);
                deadline = Math.min(deadline, System.nanoTime() + FAILURE_GRACE.toNanos());
            }
            for (Thread thread : started) {
                // join's answer, not isAlive(): join(Duration) reports a TERMINATED thread as ended while
                // isAlive() can still say true for a moment.
                if (!thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    stuck.add(thread);
                }
            }
        } catch (InterruptedException e) {
            started.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("Interrupted while waiting for the worker threads", e);
        }
        if (!stuck.isEmpty() && !failures.isEmpty()) {
            // The first failure explains the run; the threads still waiting after it are a consequence.
            ThreadLeaks.abandon(stuck);
            Throwable first = failures.poll();
            attachOthers(first, failures);
            first.addSuppressed(new AssertionFailedError("after this failure, " + stuck.size() + " other thread(s) were"
                    + " interrupted and did not end:\n" + ThreadReports.describe(stuck)));
            throw sneaky(first);
        }
        if (!stuck.isEmpty()) {
            String report = stuck.size() + " of " + threads + " threads did not finish within " + timeLimit.toMillis()
                    + " ms:\n" + ThreadReports.describe(stuck)
                    + ThreadReports.findNewDeadlock(java.util.Set.of()).map(d -> d + "\n").orElse("")
                    + "A thread that never finishes is waiting for something that never happens: a lock nobody\n"
                    + "releases, a signal nobody sends, or a lock held by a thread that waits for it in turn.";
            stuck.forEach(Thread::interrupt);
            ThreadLeaks.abandon(stuck);
            AssertionFailedError error = new AssertionFailedError(report);
            attachOthers(error, failures);
            throw error;
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.poll();
            attachOthers(first, failures);
            throw sneaky(first);
        }
        List<T> list = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            list.add(results.get(i));
        }
        return Collections.unmodifiableList(list);
    }

    /**
     * Attaches {@code others} to {@code first} as suppressed, each object once and never {@code first} itself: the JVM
     * throws one preallocated exception object (an {@code ArrayIndexOutOfBoundsException} in a hot loop, say) from
     * every thread that hits it, and {@code addSuppressed} of an exception to itself throws
     * {@code IllegalArgumentException}, which would hide the learner's real error.
     */
    private static void attachOthers(Throwable first, Iterable<Throwable> others) {
        Set<Throwable> attached = Collections.newSetFromMap(new IdentityHashMap<>());
        attached.add(first);
        for (Throwable other : others) {
            if (attached.add(other)) {
                first.addSuppressed(other);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
