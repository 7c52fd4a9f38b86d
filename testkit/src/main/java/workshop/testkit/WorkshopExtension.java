package workshop.testkit;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.AssertionFailedError;

/**
 * Guards every test of every module; registered automatically (see {@code junit-platform.properties}
 * and {@code META-INF/services}), so no test has to ask for it.
 *
 * <ul>
 *   <li><b>Deadlock watchdog.</b> The test body runs on its own thread while this extension polls
 *       {@code ThreadMXBean.findDeadlockedThreads()}. A deadlock (over {@code synchronized} monitors or
 *       {@code java.util.concurrent} locks) fails the test within a fraction of a second with a report
 *       naming each thread, the lock it waits for and the thread holding it. The deadlocked threads are
 *       interrupted and abandoned; the build goes on. A test that deadlocks on purpose says so with
 *       {@link DeadlocksOnPurpose}.</li>
 *   <li><b>Time limit with a report.</b> The test's limit ({@link TimeLimit}, else 10 s, scaled by
 *       {@link TimeFactor}) is enforced preemptively: the test fails with a report of where each of its threads
 *       is stuck, and the build goes on. JUnit's own preemptive timeout stays behind it as the last line.</li>
 *   <li><b>Debugging.</b> While a debugger is attached (and {@code junit.jupiter.execution.timeout.mode} is
 *       {@code disabled_on_debug}, the default), the test runs with no limit and no watchdog
 *       ({@link Debugger}).</li>
 *   <li><b>Thread-leak check.</b> A test (or class) that leaves threads it started running fails,
 *       naming them.</li>
 * </ul>
 */
public final class WorkshopExtension implements InvocationInterceptor, BeforeAllCallback, AfterAllCallback,
        BeforeEachCallback, AfterEachCallback {

    /** Name prefix of the thread each guarded test body runs on. */
    static final String RUNNER_PREFIX = "test-body ";

    /** How often the watchdog looks for deadlocks. */
    private static final Duration POLL = Duration.ofMillis(100);

    /** How long a test's threads get to end after the test before they count as leaked. */
    private static final Duration LEAK_GRACE = TimeFactor.seconds(2);

    /** Our share of JUnit's time limit: we fire first, so the failure carries a report. */
    private static final double SHARE_OF_TIME_LIMIT = 0.9;

    /** Deadlocked threads already reported by some test: never reported twice. */
    private static final Set<Long> REPORTED_DEADLOCKS = ConcurrentHashMap.newKeySet();

    /** Nesting depth of guarded invocations (a test that runs tests, as testkit's own tests do). */
    private static final AtomicInteger DEPTH = new AtomicInteger();

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WorkshopExtension.class);

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        runGuarded(invocation, extensionContext, false);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
        runGuarded(invocation, extensionContext, true);
    }

    private static void runGuarded(Invocation<Void> invocation, ExtensionContext context, boolean template)
            throws Throwable {
        if (!Debugger.limitsApply(context)) {
            invocation.proceed(); // a debugger is attached: no time limit, no watchdog, the learner takes their time
            return;
        }
        Set<Long> before = ThreadLeaks.snapshot();
        Duration limit = TimeLimits.forTest(context, template);
        long deadline = System.nanoTime() + (long) (limit.toNanos() * SHARE_OF_TIME_LIMIT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread body = new Thread(() -> {
            try {
                invocation.proceed();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, RUNNER_PREFIX + context.getDisplayName());
        body.setDaemon(true);
        boolean watchForDeadlocks = !deadlocksOnPurpose(context);
        Set<Long> suspects = Set.of();
        int depth = DEPTH.incrementAndGet();
        try {
            body.start();
            while (true) {
                body.join(POLL);
                if (!body.isAlive()) {
                    break;
                }
                if (watchForDeadlocks && DEPTH.get() == depth) { // a nested guarded test watches for itself
                    Set<Long> seen = deadlockCandidates();
                    // Reported only when seen by two polls in a row: a thread that was just leaving a timed
                    // wait (and is briefly not TIMED_WAITING) cannot make a passing cycle look permanent.
                    Set<Long> confirmed = new HashSet<>(seen);
                    confirmed.retainAll(suspects);
                    suspects = seen;
                    if (!confirmed.isEmpty()) {
                        throw abandon(before, body, new AssertionFailedError(report(confirmed)));
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    throw abandon(before, body, new AssertionFailedError(timeoutReport(limit, before, body)));
                }
            }
        } catch (InterruptedException e) {
            abandon(before, body, e);
            Thread.currentThread().interrupt();
            throw e;
        } finally {
            DEPTH.decrementAndGet();
        }
        Throwable thrown = failure.get();
        if (thrown != null) {
            throw thrown;
        }
    }

    private static boolean deadlocksOnPurpose(ExtensionContext context) {
        if (context.getTestMethod().map(m -> m.isAnnotationPresent(DeadlocksOnPurpose.class)).orElse(false)) {
            return true;
        }
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            if (c.isAnnotationPresent(DeadlocksOnPurpose.class)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Threads deadlocked right now and not reported before. Empty when any of them is in a timed wait: a
     * cycle that includes a timed wait (tryLock with a timeout) resolves by itself, so it is no deadlock.
     */
    private static Set<Long> deadlockCandidates() {
        Set<Long> ids = ThreadReports.deadlockedThreadIds();
        if (ids.isEmpty() || REPORTED_DEADLOCKS.containsAll(ids)) {
            return Set.of();
        }
        for (Thread thread : ThreadReports.liveThreads().values()) {
            if (ids.contains(thread.threadId()) && thread.getState() == Thread.State.TIMED_WAITING) {
                return Set.of();
            }
        }
        Set<Long> fresh = new HashSet<>(ids);
        fresh.removeAll(REPORTED_DEADLOCKS);
        return fresh;
    }

    private static String report(Set<Long> deadlocked) {
        REPORTED_DEADLOCKS.addAll(deadlocked);
        return ThreadReports.deadlockReport(deadlocked.stream().mapToLong(Long::longValue).toArray());
    }

    private static String timeoutReport(Duration limit, Set<Long> before, Thread body) {
        List<Thread> involved = new ArrayList<>();
        involved.add(body);
        involved.addAll(ThreadLeaks.startedSince(before).stream().filter(t -> t != body).toList());
        return "The test did not finish within " + describe(limit) + ". This is where its threads are:\n"
                + ThreadReports.describe(involved)
                + "A thread that waits forever usually missed a signal (a notify/signal that came before the wait,\n"
                + "or one that was never sent), waits on the wrong condition, or never released a lock.";
    }

    /** Interrupts the test's threads (which frees those in interruptible waits) and stops watching them. */
    private static <T extends Throwable> T abandon(Set<Long> before, Thread body, T failure) {
        List<Thread> started = new ArrayList<>(ThreadLeaks.startedSince(before));
        started.add(body);
        started.forEach(Thread::interrupt);
        ThreadLeaks.abandon(started);
        return failure;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("threads", ThreadLeaks.snapshot());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("threads", ThreadLeaks.snapshot());
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        checkLeaks(context, "The test " + context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        checkLeaks(context, "The test class " + context.getDisplayName() + " (its @BeforeAll/@AfterAll or a shared resource)");
    }

    @SuppressWarnings("unchecked")
    private static void checkLeaks(ExtensionContext context, String where) throws InterruptedException {
        Set<Long> before = (Set<Long>) context.getStore(NAMESPACE).get("threads", Set.class);
        if (before == null) {
            return;
        }
        if (context.getExecutionException().isPresent()) {
            // The test failed already; its leftover threads are part of that failure, not a new one.
            ThreadLeaks.abandon(ThreadLeaks.startedSince(before));
            return;
        }
        List<Thread> leaked = ThreadLeaks.stillRunningAfter(before, LEAK_GRACE);
        if (!leaked.isEmpty()) {
            leaked.forEach(Thread::interrupt);
            ThreadLeaks.abandon(leaked);
            throw new AssertionFailedError(ThreadLeaks.report(where, leaked));
        }
    }
}
