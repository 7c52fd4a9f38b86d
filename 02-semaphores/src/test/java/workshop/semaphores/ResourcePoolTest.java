package workshop.semaphores;

import static org.assertj.core.api.Assertions.assertThat;
import static workshop.semaphores.support.Refused.assertRefused;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.BlockingCall;
import workshop.testkit.BusyWait;
import workshop.testkit.Concurrently;
import workshop.testkit.LincheckBudget;
import workshop.testkit.TimeLimit;
import workshop.testkit.Timeouts;

/** Exercise 2: README "2. ResourcePool". */
class ResourcePoolTest {

    private static final List<String> CONNECTIONS = List.of("connection-1", "connection-2", "connection-3");

    @Test
    void lendsEachResourceOnceAndCountsTheOnesNotLentOut() throws InterruptedException {
        ResourcePool<String> pool = new ResourcePool<>(CONNECTIONS);
        assertAvailable(pool, 3, "a new pool of 3");
        List<Lease<String>> leases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            leases.add(borrow(pool));
        }
        Set<String> lent = new HashSet<>();
        leases.forEach(lease -> lent.add(lease.resource()));
        assertThat(lent).withFailMessage("3 leases from a pool of %s held %s: every resource must be lent out once",
                CONNECTIONS, leases.stream().map(Lease::resource).toList()).containsExactlyInAnyOrderElementsOf(CONNECTIONS);
        assertAvailable(pool, 0, "with all 3 resources lent out");
        Lease<String> first = leases.getFirst();
        String given = first.resource();
        first.close();
        assertAvailable(pool, 1, "after one lease was closed");
        try (Lease<String> again = borrow(pool)) {
            assertThat(again.resource()).withFailMessage("the only free resource is %s, but acquire() lent %s", given,
                    again.resource()).isEqualTo(given);
        }
        leases.subList(1, 3).forEach(Lease::close);
        assertAvailable(pool, 3, "after every lease was closed");
    }

    @Test
    void tenThreadsShareThreeResourcesAndThePeakNumberOfLeasesIsExactlyThree() {
        // The guide's example: 10 threads, 3 connections. Measured, not assumed: every thread counts the leases
        // held at once, and checks that nobody else holds the resource it was lent.
        ResourcePool<String> pool = new ResourcePool<>(CONNECTIONS);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Set<String> inUse = ConcurrentHashMap.newKeySet();
        AtomicReference<String> leasedTwice = new AtomicReference<>();
        // First round only: whoever holds a lease waits (a bounded time) until 3 are held at once, so a correct pool
        // is seen to reach its size; a pool that lets fewer in never gets there.
        CountDownLatch threeHeldAtOnce = new CountDownLatch(1);
        long rendezvousDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        explainingPoolErrors(() -> Concurrently.threads(10).named("borrower").within(Duration.ofSeconds(8)).repeat(300, (t, i) -> {
            try (Lease<String> lease = borrow(pool)) {
                String resource = lease.resource();
                int now = held.incrementAndGet();
                peak.accumulateAndGet(now, Math::max);
                if (!inUse.add(resource)) {
                    leasedTwice.compareAndSet(null, resource);
                }
                if (now >= CONNECTIONS.size()) {
                    threeHeldAtOnce.countDown();
                }
                if (i == 0) {
                    threeHeldAtOnce.await(Math.max(0, rendezvousDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } else {
                    Thread.yield(); // hold the lease a moment, so other threads overlap with it
                }
                inUse.remove(resource);
                held.decrementAndGet();
            }
        }));
        assertThat(leasedTwice.get()).withFailMessage("%s was lent to two threads at the same time: a resource must be"
                + " lent to one borrower at a time. Taking a free resource from the idle set must be atomic (under a"
                + " lock, or a concurrent queue).", leasedTwice.get()).isNull();
        assertThat(peak.get()).withFailMessage("10 threads shared a pool of 3 and at most %d leases were held at once,"
                + " expected exactly 3: %s", peak.get(), peak.get() > 3
                        ? "the pool lent out more than it has. Count free resources with a semaphore of 3 permits, and take a"
                                + " permit before taking a resource."
                        : "the pool never let 3 borrowers in at once, so it serializes them (one lock held while a"
                                + " resource is lent?). A borrower must hold a permit, not a lock.").isEqualTo(3);
        assertAvailable(pool, 3, "after all 10 threads closed their leases");
    }

    @Test
    void acquireWaitsWhileAllAreLentAndGetsTheOneGivenBack() throws InterruptedException {
        ResourcePool<String> pool = new ResourcePool<>(List.of("only"));
        Lease<String> lease = borrow(pool);
        AtomicReference<String> got = new AtomicReference<>();
        try (BlockingCall<Void> waiter = BlockingCall.run("borrower", () -> {
            try (Lease<String> mine = borrow(pool)) {
                got.set(mine.resource());
            }
        })) {
            waiter.assertBlocks("acquire() while every resource is lent out");
            BusyWait.assertWaitsWithoutSpinning(waiter.thread());
            lease.close();
            waiter.assertFinishes("closing a lease did not wake the thread waiting in acquire()");
        }
        assertThat(got.get()).withFailMessage("the waiting borrower got %s, but the pool's only resource is \"only\"",
                got.get()).isEqualTo("only");
        assertAvailable(pool, 1, "after the waiting borrower closed its lease");
    }

    @Test
    void tryAcquireGivesUpAfterAboutTheTimeoutAndLosesNothing() throws InterruptedException {
        ResourcePool<String> pool = new ResourcePool<>(CONNECTIONS);
        List<Lease<String>> all = List.of(borrow(pool), borrow(pool), borrow(pool));
        long start = System.nanoTime();
        Optional<Lease<String>> none = tryBorrow(pool, Duration.ofMillis(300));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(none).withFailMessage("tryAcquire(300 ms) with every resource lent out returned %s", none).isEmpty();
        assertThat(elapsedMs).withFailMessage("tryAcquire(300 ms) gave up after %d ms: it must wait (about) the whole"
                + " timeout", elapsedMs).isGreaterThanOrEqualTo(270);
        assertThat(elapsedMs).withFailMessage("tryAcquire(300 ms) returned after %d ms: it should give up soon after the"
                + " timeout", elapsedMs).isLessThan(300 + 2_000);
        for (int i = 0; i < 20; i++) {
            Optional<Lease<String>> extra = tryBorrow(pool, Duration.ofMillis(1));
            extra.ifPresent(Lease::close);
            assertThat(extra).withFailMessage("tryAcquire(1 ms) with all 3 resources lent out lent %s: the pool lent more"
                    + " than it has", extra.map(Lease::resource).orElse(null)).isEmpty();
        }
        all.forEach(Lease::close);
        assertAvailable(pool, 3, "after 21 tryAcquire calls timed out and the 3 leases were closed (a timed-out"
                + " tryAcquire must give back whatever it took on its way)");
        for (int i = 0; i < 3; i++) {
            assertThat(tryBorrow(pool, Duration.ZERO)).withFailMessage(
                    "after timed-out tryAcquire calls, only %d of the 3 resources could be borrowed again: the timeouts"
                            + " lost them", i).isPresent();
        }
    }

    @Test
    void tryAcquireGetsAResourceGivenBackInTime() throws InterruptedException {
        ResourcePool<String> pool = new ResourcePool<>(List.of("only"));
        Lease<String> lease = borrow(pool);
        try (BlockingCall<Void> waiter = BlockingCall.run("timed-borrower", () -> {
            Optional<Lease<String>> mine = tryBorrow(pool, Duration.ofSeconds(30));
            if (mine.isEmpty()) {
                throw new AssertionFailedError("tryAcquire(30 s) returned empty although a lease was closed after about a"
                        + " second");
            }
            mine.get().close();
        })) {
            waiter.assertBlocks("tryAcquire(30 s) while every resource is lent out");
            lease.close();
            waiter.assertFinishes("closing a lease did not wake the thread waiting in tryAcquire(30 s)");
        }
        assertAvailable(pool, 1, "after the timed borrower closed its lease");
    }

    @Test
    void tryAcquireWithAHugeTimeoutWaitsAsLongAsItTakes() throws InterruptedException {
        ResourcePool<String> pool = new ResourcePool<>(List.of("only"));
        Lease<String> lease = borrow(pool);
        try (BlockingCall<Optional<Lease<String>>> waiter = Timeouts.assertWaits("tryAcquire(FOREVER)",
                () -> pool.tryAcquire(Timeouts.FOREVER),
                "tryAcquire(Duration.ofSeconds(Long.MAX_VALUE)) while every resource is lent out waits as long as it takes")) {
            lease.close();
            Optional<Lease<String>> got = waiter.assertFinishes("closing a lease did not wake the thread waiting in"
                    + " tryAcquire(Duration.ofSeconds(Long.MAX_VALUE))");
            assertThat(got).withFailMessage("tryAcquire(Duration.ofSeconds(Long.MAX_VALUE)) returned empty although a lease"
                    + " was closed while it waited: a huge timeout means \"as long as it takes\"").isPresent();
            got.get().close();
        }
        assertAvailable(pool, 1, "after the lease got by tryAcquire(FOREVER) was closed");
    }

    @Test
    void tryAcquireWithANegativeTimeoutDoesNotWait() throws Exception {
        ResourcePool<String> pool = new ResourcePool<>(List.of("only"));
        Optional<Lease<String>> first = Timeouts.assertReturnsAtOnce("tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) with"
                + " a resource free", () -> pool.tryAcquire(Timeouts.MOST_NEGATIVE));
        assertThat(first).withFailMessage("tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) with a resource free returned"
                + " empty: a negative timeout means \"do not wait\", not \"do not take\"; a free resource is lent").isPresent();
        Optional<Lease<String>> second = Timeouts.assertReturnsAtOnce("tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) with"
                + " every resource lent out", () -> pool.tryAcquire(Timeouts.MOST_NEGATIVE));
        second.ifPresent(Lease::close);
        assertThat(second).withFailMessage("tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) with every resource lent out"
                + " returned a lease (%s)", second.map(Lease::resource).orElse(null)).isEmpty();
        first.get().close();
        assertAvailable(pool, 1, "after tryAcquire with a negative timeout and the close of its lease");
    }

    @Test
    void anInterruptedCallerOfTryAcquireGetsInterruptedExceptionEvenWithAResourceFree() {
        ResourcePool<String> pool = new ResourcePool<>(CONNECTIONS);
        Timeouts.assertInterruptedCallerGetsInterruptedException("tryAcquire(Duration.ofSeconds(Long.MAX_VALUE)) with"
                + " resources free", () -> pool.tryAcquire(Timeouts.FOREVER));
        assertAvailable(pool, 3, "after an interrupted caller's tryAcquire (it must borrow nothing)");
        CountingSemaphoreTest.assertInterruptedCallerOfATryThatDoesNotWait("tryAcquire(Duration.ZERO) with resources free"
                + " (java.util.concurrent.Semaphore's untimed tryAcquire() ignores the interrupt; its timed"
                + " tryAcquire(0, unit) checks it)", () -> pool.tryAcquire(Duration.ZERO));
        assertAvailable(pool, 3, "after an interrupted caller's tryAcquire(Duration.ZERO) (it must borrow nothing)");
        CountingSemaphoreTest.assertInterruptedCallerOfATryThatDoesNotWait("tryAcquire(Duration.ofSeconds(Long.MIN_VALUE))"
                + " with resources free", () -> pool.tryAcquire(Timeouts.MOST_NEGATIVE));
        assertAvailable(pool, 3, "after an interrupted caller's tryAcquire(Duration.ofSeconds(Long.MIN_VALUE)) (it must"
                + " borrow nothing)");
    }

    @Test
    void closingALeaseTwiceGivesTheResourceBackOnce() throws InterruptedException {
        ResourcePool<String> pool = new ResourcePool<>(CONNECTIONS);
        Lease<String> lease = borrow(pool);
        lease.close();
        try {
            lease.close();
        } catch (RuntimeException e) {
            throw new AssertionFailedError("close() of a lease already closed threw " + e + ": close() must be idempotent,"
                    + " a second close does nothing (try-with-resources and a finally may both close the same lease).", e);
        }
        assertAvailable(pool, 3, "after one lease was closed twice (close() must be idempotent: a second close gives"
                + " nothing back, or the pool believes it has more resources than it has)");
        List<Lease<String>> leases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Optional<Lease<String>> next = tryBorrow(pool, Duration.ZERO);
            assertThat(next).withFailMessage("after a double close, lease %d of 3 could not be borrowed", i + 1).isPresent();
            leases.add(next.get());
        }
        Optional<Lease<String>> fourth = tryBorrow(pool, Duration.ZERO);
        fourth.ifPresent(Lease::close);
        assertThat(fourth).withFailMessage("after one lease was closed twice, a pool of 3 lent a 4th lease (%s): the double"
                + " close gave the resource back twice, and now two borrowers share it. Make close() do its work only"
                + " the first time.", fourth.map(Lease::resource).orElse(null)).isEmpty();
        leases.forEach(Lease::close);
    }

    @Test
    @TimeLimit(Concurrently.RACE_SECONDS + 10)
    void twoThreadsClosingTheSameLeaseAtOnceGiveItBackOnce() throws InterruptedException {
        // Every round, threads on every core close the same lease at once. A busy machine often runs them one after
        // the other: the rounds in which they really ran together are counted, and the run goes on (up to ten times
        // as many rounds) until enough did.
        int rounds = 1_000;
        int maxRounds = Concurrently.RACE_EXTENSION * rounds;
        List<Integer> resources = new ArrayList<>();
        for (int i = 0; i < maxRounds; i++) {
            resources.add(i);
        }
        ResourcePool<Integer> pool = new ResourcePool<>(resources);
        List<Lease<Integer>> leases = new ArrayList<>();
        for (int i = 0; i < maxRounds; i++) {
            leases.add(borrow(pool));
        }
        Concurrently.Lockstep run = Concurrently.threads(Concurrently.cores()).named("closer")
                .race(rounds, (t, round) -> leases.get(round).close());
        int closed = run.rounds();
        int available = pool.available();
        assertThat(available).withFailMessage("%d leases, each closed by %d threads at the same moment, left %d resources"
                + " available, expected %d: %d leases were given back twice. \"if not closed: closed = true; give back\" is a"
                + " check-then-act race: use compareAndSet on an AtomicBoolean.", closed, Concurrently.cores(), available,
                closed, available - closed).isEqualTo(closed);
        run.abortUnlessOverlapped(rounds / 5);
    }

    @Test
    @TimeLimit(60)
    void closingALeaseFromTwoThreadsGivesItBackOnceUnderEveryInterleaving() throws InterruptedException {
        ResourcePool<String> single = new ResourcePool<>(List.of("only"));
        Lease<String> lease = single.tryAcquire(Duration.ZERO).orElseThrow(() -> new AssertionFailedError(
                "tryAcquire(0) on a new pool of one resource found nothing free: a new pool lends every resource"));
        lease.close(); // fail fast, before the model checker, if the basics do not work yet
        // No close() before the threads start (actorsBefore 0): the race is between the first two.
        LincheckBudget.check(LincheckBudget.modelChecking().actorsBefore(0), LeaseClosedTwice.class, "Lincheck found an interleaving, printed below step by step, in which two"
                + " threads closed the same lease, both saw it open, and both gave the resource back (available()"
                + " went above the pool's size). \"if not closed: closed ="
                + " true; give back\" is a check-then-act race: decide with compareAndSet on an AtomicBoolean which"
                + " close() gives it back.");
    }

    /**
     * Lincheck runs close() from two threads on one lease of a pool of one resource, switching between them at every
     * shared-memory access, and checks after each run that the resource went back once: available() is 1, never 2.
     * (A close() that finds the lease closed may return before the first one has given the resource back: that is
     * allowed, so only the end state is checked.)
     */
    public static class LeaseClosedTwice {

        private final ResourcePool<String> pool = new ResourcePool<>(List.of("only"));
        private final Lease<String> lease = borrowTheOnlyResource(pool);

        private static Lease<String> borrowTheOnlyResource(ResourcePool<String> pool) {
            try {
                return pool.tryAcquire(Duration.ZERO).orElseThrow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Operation
        public void close() {
            lease.close();
        }

        /** After every run: the resource went back exactly once, however many close() calls there were. */
        @Validate
        public void theResourceWentBackOnce() {
            int available = pool.available();
            if (available != 1) {
                throw new AssertionError("a lease closed from two threads left available() at " + available
                        + " in a pool of one resource");
            }
        }
    }

    @Test
    void aLeaseIsGivenBackWhenTheTryWithResourcesBodyThrows() {
        ResourcePool<String> pool = new ResourcePool<>(CONNECTIONS);
        AtomicInteger failures = new AtomicInteger();
        explainingPoolErrors(() -> Concurrently.threads(4).named("failing-borrower").within(Duration.ofSeconds(6)).repeat(500, (t, i) -> {
            try (Lease<String> lease = i % 2 == 0 ? borrow(pool) : tryBorrow(pool, Duration.ofSeconds(5)).orElseThrow(() ->
                    new AssertionFailedError("tryAcquire(5 s) found no resource free for 5 s, with 4 threads sharing 3"
                            + " resources and each giving its lease back at once: a lease whose try-with-resources body"
                            + " threw was not given back (close() must give the resource back however the block ends)"))) {
                if (lease.resource() != null) {
                    throw new IllegalStateException("the work failed");
                }
            } catch (IllegalStateException expected) {
                failures.incrementAndGet();
            }
        }));
        assertThat(failures.get()).withFailMessage("2000 try-with-resources blocks threw, but %d of those exceptions reached"
                + " the caller: close() must not throw, or its exception replaces the body's", failures.get())
                .isEqualTo(2_000);
        assertAvailable(pool, 3, "after 2000 leases whose try-with-resources body threw");
    }

    @Test
    void aClosedLeaseNoLongerHandsOutItsResource() throws InterruptedException {
        ResourcePool<String> pool = new ResourcePool<>(CONNECTIONS);
        Lease<String> lease = borrow(pool);
        lease.close();
        assertRefused("resource() of a closed lease (the resource is back in the pool and may already be someone else's)", IllegalStateException.class, null, lease::resource);
    }

    @Test
    void anInterruptedAcquireThrowsInterruptedExceptionAndTakesNothing() throws InterruptedException {
        ResourcePool<String> pool = new ResourcePool<>(List.of("only"));
        Lease<String> lease = borrow(pool);
        try (BlockingCall<Void> waiter = BlockingCall.run("interrupted", pool::acquire)) {
            waiter.assertBlocks("acquire() while every resource is lent out");
            waiter.thread().interrupt();
            waiter.assertThrows(InterruptedException.class, "An interrupt must end the wait in acquire() with"
                    + " InterruptedException: let it out, do not catch it and wait again (and do not use"
                    + " acquireUninterruptibly).");
        }
        lease.close();
        assertAvailable(pool, 1, "after an interrupted acquire() and the close of the only lease");
    }

    @Test
    void invalidArgumentsAreRefusedWithAMessageNamingThem() throws InterruptedException {
        assertRefused("new ResourcePool(null)", NullPointerException.class, "resources", () -> new ResourcePool<String>(null));
        assertRefused("new ResourcePool(empty list) (a pool of nothing would make every acquire() wait forever)", IllegalArgumentException.class, "resources", () -> new ResourcePool<String>(List.of()));
        assertRefused("new ResourcePool([a, null])", NullPointerException.class, "resources", () -> new ResourcePool<>(Arrays.asList("a", null)));
        ResourcePool<String> pool = new ResourcePool<>(CONNECTIONS);
        assertRefused("tryAcquire(null)", NullPointerException.class, "timeout", () -> pool.tryAcquire(null));
        assertAvailable(pool, 3, "after a refused tryAcquire(null)");
    }

    /** {@code pool.acquire()}, explained if it throws anything but InterruptedException or lends nothing. */
    static <R> Lease<R> borrow(ResourcePool<R> pool) throws InterruptedException {
        Lease<R> lease;
        try {
            lease = pool.acquire();
        } catch (RuntimeException e) {
            throw noResourceFor("acquire()", e);
        }
        if (lease == null || lease.resource() == null) {
            throw noResourceFor("acquire()", null);
        }
        return lease;
    }

    /** {@code pool.tryAcquire(timeout)}, explained if it throws anything but InterruptedException or lends nothing. */
    static <R> Optional<Lease<R>> tryBorrow(ResourcePool<R> pool, Duration timeout) throws InterruptedException {
        Optional<Lease<R>> lease;
        try {
            lease = pool.tryAcquire(timeout);
        } catch (RuntimeException e) {
            throw noResourceFor("tryAcquire(" + timeout + ")", e);
        }
        if (lease == null || lease.isPresent() && lease.get().resource() == null) {
            throw noResourceFor("tryAcquire(" + timeout + ")", null);
        }
        return lease;
    }

    /**
     * Runs {@code threads}; if they got stuck after the pool misbehaved (a borrower that found no resource keeps
     * its permit, so the pool runs dry), reports the misbehaviour rather than the threads stuck after it.
     */
    private static void explainingPoolErrors(Runnable threads) {
        try {
            threads.run();
        } catch (AssertionFailedError stuck) {
            for (Throwable suppressed : stuck.getSuppressed()) {
                if (suppressed instanceof PoolMisbehaved cause) {
                    cause.addSuppressed(stuck);
                    throw cause;
                }
            }
            throw stuck;
        }
    }

    /** The pool lent no resource, or threw instead. */
    private static final class PoolMisbehaved extends AssertionFailedError {
        private static final long serialVersionUID = 1L;

        PoolMisbehaved(String message) {
            super(message);
        }
    }

    private static AssertionFailedError noResourceFor(String call, RuntimeException thrown) {
        AssertionFailedError error = new PoolMisbehaved(call + (thrown == null ? " lent no resource (null)"
                : " threw " + thrown) + ": the borrower got a permit but found no free resource in the pool. A permit"
                + " must mean that a resource is there for it: take the permit before the resource, and when a lease"
                + " closes, put the resource back before you release the permit (released first, the permit can go to"
                + " a waiting borrower that looks before the resource is back).");
        if (thrown != null) {
            error.initCause(thrown);
        }
        return error;
    }

    private static void assertAvailable(ResourcePool<?> pool, int expected, String when) {
        int actual = pool.available();
        assertThat(actual).withFailMessage("%s: available() is %d, expected %d", when, actual, expected).isEqualTo(expected);
    }
}
