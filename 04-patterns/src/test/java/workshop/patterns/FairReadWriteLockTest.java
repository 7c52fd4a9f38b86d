package workshop.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import workshop.testkit.BlockingCall;
import workshop.testkit.BusyWait;
import workshop.testkit.Concurrently;
import workshop.testkit.SpuriousWakeups;
import workshop.testkit.TimeFactor;
import workshop.testkit.TimeLimit;

/** Exercise 3: README "3. FairReadWriteLock". */
class FairReadWriteLockTest {

    /** How long a writer (or reader) may wait behind a stream of the other kind before it counts as starved. */
    private static final Duration STARVED_AFTER = Duration.ofSeconds(4);

    /** How long each writer in a stream of writers holds the lock: the stream's long writes. */
    private static final Duration WRITE_TIME = Duration.ofMillis(40);

    /**
     * How long a reader in the relay waits for another reader to come in before it leaves anyway. With a
     * lock that makes new readers wait behind a waiting writer, that is about how long the writer waits.
     */
    private static final Duration RELAY_PATIENCE = Duration.ofMillis(200);

    /** Rounds in which a writer and a reader arrive at the same moment. */
    private static final int LOCKSTEP_ROUNDS = 1_000;

    /** Lockstep rounds crawl on a machine whose cores are busy with other work: allow for that. */
    private static final Duration LOCKSTEP_LIMIT = TimeFactor.seconds(25);

    /** How long the returning writer holds the lock each time: long enough to meet a reader let in beside it. */
    private static final Duration LONG_WRITE = Duration.ofNanos(50_000);

    /** How many long writes a correct lock must get through without meeting a reader. */
    private static final int LONG_WRITES = 4_000;

    /** How many times a writer looks for company while it holds the lock (each time it writes one half of a pair). */
    private static final int HOLD_CHECKS = 40;

    /** How long threads told to stop get to finish their loop before they are interrupted. */
    private static final Duration STOP_GRACE = TimeFactor.seconds(2);

    private final FairReadWriteLock lock = new FairReadWriteLock();

    @Test
    void readersHoldTheLockTogether() {
        int readers = 4;
        CountDownLatch allIn = new CountDownLatch(readers);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();

        List<Boolean> met = Concurrently.threads(readers).named("reader").call(t -> {
            lock.acquireRead();
            try {
                peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
                allIn.countDown();
                return allIn.await(3, TimeUnit.SECONDS);
            } finally {
                inside.decrementAndGet();
                lock.releaseRead();
            }
        });

        assertThat(peak.get()).withFailMessage(
                "at most %d of %d readers held the read lock at the same time: readers must share it (only a writer"
                        + " needs the lock alone)", peak.get(), readers).isGreaterThanOrEqualTo(2);
        assertThat(met).withFailMessage("not all %d readers could hold the read lock at once: %s", readers, met)
                .containsOnly(true);
    }

    @Test
    void aWriterHoldsTheLockAlone() {
        AtomicInteger readersInside = new AtomicInteger();
        AtomicInteger writersInside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger tornReads = new AtomicInteger();
        long[] pair = new long[2]; // written by writers only, as a pair: a reader must never see them differ
        int threads = 4;
        int iterations = 20_000;

        Concurrently.threads(threads).named("reader-or-writer").repeat(iterations, (t, i) -> {
            if ((t + i) % 4 == 0) {
                lock.acquireWrite();
                try {
                    writersInside.incrementAndGet();
                    // Look for company for a few microseconds: anyone who got in meanwhile shows up here.
                    boolean company = false;
                    for (int k = 0; k < HOLD_CHECKS; k++) {
                        company |= writersInside.get() != 1 || readersInside.get() != 0;
                        pair[k % 2]++;
                    }
                    if (company) {
                        overlaps.incrementAndGet();
                    }
                    writersInside.decrementAndGet();
                } finally {
                    lock.releaseWrite();
                }
            } else {
                lock.acquireRead();
                try {
                    readersInside.incrementAndGet();
                    boolean writerInside = false;
                    for (int k = 0; k < HOLD_CHECKS / 4; k++) {
                        writerInside |= writersInside.get() != 0;
                    }
                    if (writerInside) {
                        overlaps.incrementAndGet();
                    }
                    if (pair[0] != pair[1]) {
                        tornReads.incrementAndGet();
                    }
                    readersInside.decrementAndGet();
                } finally {
                    lock.releaseRead();
                }
            }
        });

        long writes = (long) threads * iterations / 4 * (HOLD_CHECKS / 2);
        assertThat(overlaps.get()).withFailMessage(
                "%d times a writer held the lock together with a reader or another writer. acquireWrite must wait until"
                        + " no reader and no writer holds the lock, and acquireRead until no writer does, each checking"
                        + " and taking the lock under one mutex.", overlaps.get()).isZero();
        assertThat(tornReads.get()).withFailMessage("%d reads saw a half-done write", tornReads.get()).isZero();
        assertThat(pair[0]).withFailMessage("expected %d writes, saw %d: two writers overwrote each other", writes, pair[0])
                .isEqualTo(writes);
    }

    @Test
    @TimeLimit(30)
    void aWriterAndAReaderArrivingTogetherNeverOverlap() {
        AtomicInteger writerInside = new AtomicInteger();
        AtomicInteger readersInside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int threads = Concurrently.cores();
        BlockingCall.within("smoke-test", BlockingCall.PATIENCE, "One thread alone could not take and release the lock.", () -> {
            lock.acquireWrite(); // one thread, once: fails fast, before any race, if the basics do not work yet
            lock.releaseWrite();
            lock.acquireRead();
            lock.releaseRead();
        });

        Concurrently.threads(threads).named("reader-or-writer").within(LOCKSTEP_LIMIT).inLockstep(LOCKSTEP_ROUNDS,
                (t, round) -> {
                    if (t == round % threads) {
                        lock.acquireWrite();
                        try {
                            writerInside.incrementAndGet();
                            if (readersInside.get() != 0) {
                                overlaps.incrementAndGet();
                            }
                            writerInside.decrementAndGet();
                        } finally {
                            lock.releaseWrite();
                        }
                    } else {
                        lock.acquireRead();
                        try {
                            readersInside.incrementAndGet();
                            if (writerInside.get() != 0) {
                                overlaps.incrementAndGet();
                            }
                            readersInside.decrementAndGet();
                        } finally {
                            lock.releaseRead();
                        }
                    }
                });

        assertThat(overlaps.get()).withFailMessage(
                "in %d of %d rounds where a writer and a reader arrived at the same moment, both got in. Each saw the"
                        + " lock free before the other took it: check-then-act. Check and take under one mutex.",
                overlaps.get(), LOCKSTEP_ROUNDS).isZero();
    }

    /**
     * A writer that holds the lock for {@link #LONG_WRITE} at a time and comes straight back, while readers
     * keep arriving. A reader that is counted in a second step, after it let go of the internal mutex,
     * leaves a gap in which the returning writer finds no reader and goes in; with a long write, that
     * reader then comes out of acquireRead() while the writer is still inside. Seen within a few hundred
     * writes; a correct lock runs all {@link #LONG_WRITES} (about a second).
     */
    @Test
    @TimeLimit(30)
    void aReaderIsInsideFromTheMomentItIsLetInNotAStepLater() {
        AtomicInteger writerInside = new AtomicInteger();
        AtomicInteger readersInside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger writes = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        int readers = 2;

        Concurrently.threads(1 + readers).named("writer-or-reader").within(LOCKSTEP_LIMIT).run(t -> {
            if (t == 0) {
                try {
                    while (writes.get() < LONG_WRITES && overlaps.get() == 0) {
                        lock.acquireWrite();
                        try {
                            writerInside.set(1);
                            writes.incrementAndGet();
                            long until = System.nanoTime() + LONG_WRITE.toNanos();
                            while (System.nanoTime() - until < 0) { // a long write: look for company all along
                                if (readersInside.get() != 0) {
                                    overlaps.incrementAndGet();
                                    break;
                                }
                            }
                            writerInside.set(0);
                        } finally {
                            lock.releaseWrite();
                        }
                    }
                } finally {
                    stop.set(true);
                }
            } else {
                while (!stop.get()) {
                    lock.acquireRead();
                    try {
                        readersInside.incrementAndGet();
                        if (writerInside.get() != 0) {
                            overlaps.incrementAndGet();
                        }
                        readersInside.decrementAndGet();
                    } finally {
                        lock.releaseRead();
                    }
                }
            }
        });

        assertThat(overlaps.get()).withFailMessage(
                "a reader and the writer held the lock at the same time (seen after %d writes). A reader let in by"
                        + " one locked step and counted as a reader in a later one leaves a gap: in it the writer finds"
                        + " no reader and goes in. Wait for your turn AND record yourself as a reader in the same"
                        + " critical section.", writes.get()).isZero();
    }

    /**
     * Readers that overlap like relay runners: a reader leaves only once another reader is in (or after
     * {@link #RELAY_PATIENCE}), so with the guide's lock the reader count never drops to zero.
     */
    private static final class ReaderRelay {

        private final ReentrantLock mutex = new ReentrantLock();
        private final Condition changed = mutex.newCondition();
        private int holders; // readers between acquireRead() and releaseRead(), as far as the relay knows
        private boolean overlapped; // two readers have held the lock at once
        private boolean stopped;

        void entered() {
            mutex.lock();
            try {
                holders++;
                overlapped |= holders >= 2;
                changed.signalAll();
            } finally {
                mutex.unlock();
            }
        }

        /** Waits until another reader holds the lock too (or patience runs out), then counts this one out. */
        void leaving() throws InterruptedException {
            mutex.lock();
            try {
                long nanos = RELAY_PATIENCE.toNanos();
                while (holders < 2 && !stopped && nanos > 0) {
                    nanos = changed.awaitNanos(nanos);
                }
                holders--;
                changed.signalAll();
            } finally {
                mutex.unlock();
            }
        }

        boolean overlapped() {
            mutex.lock();
            try {
                return overlapped;
            } finally {
                mutex.unlock();
            }
        }

        void stop() {
            mutex.lock();
            try {
                stopped = true;
                changed.signalAll();
            } finally {
                mutex.unlock();
            }
        }
    }

    @Test
    void aWaitingWriterGetsInWhileReadersKeepArriving() throws InterruptedException {
        ReaderRelay relay = new ReaderRelay();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong readsWhileWriterWaited = new AtomicLong();
        AtomicBoolean writerWaiting = new AtomicBoolean();
        List<BlockingCall<Void>> readers = new ArrayList<>();
        BlockingCall<Void> writer = null;
        try {
            for (int r = 0; r < 3; r++) {
                readers.add(BlockingCall.run("reader-" + r, () -> {
                    while (!stop.get()) {
                        lock.acquireRead();
                        try {
                            if (writerWaiting.get()) {
                                readsWhileWriterWaited.incrementAndGet();
                            }
                            relay.entered();
                            relay.leaving();
                        } finally {
                            lock.releaseRead();
                        }
                    }
                }));
            }
            try {
                await("readers sharing the lock").atMost(BlockingCall.PATIENCE)
                        .until(() -> relay.overlapped() || readers.stream().anyMatch(BlockingCall::isDone));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("three reader threads never held the read lock two at a time within "
                        + BlockingCall.PATIENCE.toSeconds() + " s: readers must share it");
            }
            assertNoneFailed(readers);

            writer = BlockingCall.run("writer", () -> {
                writerWaiting.set(true);
                lock.acquireWrite();
                writerWaiting.set(false);
                lock.releaseWrite();
            });
            boolean writerGotIn = BlockingCall.joins(writer.thread(), STARVED_AFTER);
            assertThat(writerGotIn).withFailMessage(
                    "The writer starved: it waited %d ms while %d reads began. This is the guide's bug: acquireRead"
                            + " lets new readers in whenever no writer HOLDS the lock, so with readers overlapping the"
                            + " count never reaches zero. Once a writer is waiting, readers that arrive after it must"
                            + " wait behind it.", STARVED_AFTER.toMillis(), readsWhileWriterWaited.get()).isTrue();
            writer.assertFinishes("The writer failed.");
        } finally {
            stop.set(true);
            relay.stop();
            stopAll(writer == null ? readers : concat(readers, writer));
        }
        assertNoneFailed(readers);
    }

    @Test
    void aWaitingReaderGetsInWhileWritersKeepArriving() throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger writes = new AtomicInteger();
        AtomicBoolean readerWaiting = new AtomicBoolean();
        AtomicInteger writesWhileReaderWaited = new AtomicInteger();
        List<BlockingCall<Void>> writers = new ArrayList<>();
        BlockingCall<Void> reader = null;
        try {
            for (int w = 0; w < 3; w++) {
                writers.add(BlockingCall.run("writer-" + w, () -> {
                    while (!stop.get()) {
                        lock.acquireWrite();
                        try {
                            writes.incrementAndGet();
                            if (readerWaiting.get()) {
                                writesWhileReaderWaited.incrementAndGet();
                            }
                            Thread.sleep(WRITE_TIME); // a long write: the others queue up behind it
                        } finally {
                            lock.releaseWrite();
                        }
                    }
                }));
            }
            try {
                await("three writers taking turns").atMost(BlockingCall.PATIENCE)
                        .until(() -> writes.get() >= 2 || writers.stream().anyMatch(BlockingCall::isDone));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("three writer threads could not take turns with the write lock within "
                        + BlockingCall.PATIENCE.toSeconds() + " s: after releaseWrite() the next writer must get in");
            }
            assertNoneFailed(writers);

            reader = BlockingCall.run("reader", () -> {
                readerWaiting.set(true);
                lock.acquireRead();
                readerWaiting.set(false);
                lock.releaseRead();
            });
            boolean readerGotIn = BlockingCall.joins(reader.thread(), STARVED_AFTER);
            assertThat(readerGotIn).withFailMessage(
                    "The reader starved: it waited %d ms while %d writes began. A lock that lets every waiting writer"
                            + " go before a waiting reader starves readers as surely as the guide's lock starves writers."
                            + " Serve threads in the order they arrived.", STARVED_AFTER.toMillis(),
                    writesWhileReaderWaited.get()).isTrue();
            reader.assertFinishes("The reader failed.");
        } finally {
            stop.set(true);
            stopAll(reader == null ? writers : concat(writers, reader));
        }
        assertNoneFailed(writers);
    }

    private static void assertNoneFailed(List<BlockingCall<Void>> threads) {
        for (BlockingCall<Void> thread : threads) {
            Throwable failure = thread.failure();
            if (failure != null && !(failure instanceof InterruptedException)) {
                throw new AssertionError("\"" + thread.thread().getName() + "\" failed: " + failure, failure);
            }
        }
    }

    private static List<BlockingCall<Void>> concat(List<BlockingCall<Void>> some, BlockingCall<Void> one) {
        List<BlockingCall<Void>> all = new ArrayList<>(some);
        all.add(one);
        return all;
    }

    /** Gives told-to-stop threads a moment to finish their loop, then interrupts those still running. */
    private static void stopAll(List<BlockingCall<Void>> threads) {
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (BlockingCall<Void> thread : threads) {
            BlockingCall.joins(thread.thread(), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        threads.forEach(BlockingCall::close);
    }

    @Test
    void wakeUpsWithoutAChangeLetNobodyIn() throws InterruptedException {
        FairReadWriteLock readHeld = new FairReadWriteLock();
        lock.acquireWrite(); // the test thread holds the write lock of one lock and the read lock of the other
        readHeld.acquireRead();
        List<String> gotIn = new ArrayList<>();
        try (BlockingCall<Void> reader = BlockingCall.run("reader", () -> {
                    lock.acquireRead();
                    lock.releaseRead();
                });
                BlockingCall<Void> writer = BlockingCall.run("writer", () -> {
                    lock.acquireWrite();
                    lock.releaseWrite();
                });
                BlockingCall<Void> writerBehindReader = BlockingCall.run("writer-behind-a-reader", () -> {
                    readHeld.acquireWrite();
                    readHeld.releaseWrite();
                })) {
            reader.assertBlocks("acquireRead() while a writer holds the lock");
            writer.assertBlocks("acquireWrite() while a writer holds the lock");
            writerBehindReader.assertBlocks("acquireWrite() while a reader holds the lock");
            SpuriousWakeups.wakeAll(lock, List.of(reader.thread(), writer.thread()));
            SpuriousWakeups.wakeAll(readHeld, List.of(writerBehindReader.thread()));
            for (BlockingCall<Void> call : List.of(reader, writer, writerBehindReader)) {
                if (call.isDone()) {
                    gotIn.add(call.thread().getName() + (call.failure() == null ? " got in" : " threw " + call.failure()));
                }
            }
            assertThat(gotIn).withFailMessage(
                    "The test woke the waiting threads without releasing anything, as a spurious wake-up does"
                            + " (Condition.await() may return for no reason: its Javadoc says so), and %s while the"
                            + " lock was still held. A wake-up is only a hint to look again: wait in a while loop"
                            + " that re-checks \"is it my turn, and is the lock free for me?\" in acquireRead() and"
                            + " acquireWrite().", gotIn).isEmpty();

            releaseQuietly(lock::releaseWrite);
            releaseQuietly(readHeld::releaseRead);
            reader.assertFinishes("the writer left, but the waiting reader was not let in.");
            writer.assertFinishes("the reader left, but the waiting writer was not let in.");
            writerBehindReader.assertFinishes("the only reader left, but the waiting writer was not let in.");
        } finally {
            releaseQuietly(lock::releaseWrite);
            releaseQuietly(readHeld::releaseRead);
        }
    }

    /** Releases what the test thread may still hold; a lock that let others in may refuse that (already reported). */
    private static void releaseQuietly(Runnable release) {
        try {
            release.run();
        } catch (IllegalMonitorStateException alreadyReleasedOrTakenOver) {
            // reported by the test's own assertion
        }
    }

    /**
     * Four threads in line: the test thread reads, then a writer, then two readers wait. The writer's turn comes
     * first; the first waiting reader, woken meanwhile, finds the writer inside and goes back to wait, now behind
     * the second one. When the writer leaves, a single signal() wakes the second reader, whose turn it is not: it
     * goes back to wait, and nobody wakes the first. The test waits until each thread is back asleep on the
     * condition before it moves on, so every run sees that order.
     */
    @Test
    void aReleaseWakesTheThreadWhoseTurnItIsEvenWhenOthersWaitAheadOfIt() throws InterruptedException {
        CountDownLatch writerIn = new CountDownLatch(1);
        CountDownLatch writerMayLeave = new CountDownLatch(1);
        lock.acquireRead(); // the test thread is first in line
        boolean readHeld = true;
        List<BlockingCall<Void>> waiters = new ArrayList<>();
        try {
            BlockingCall<Void> writer = BlockingCall.run("writer", () -> {
                lock.acquireWrite();
                try {
                    writerIn.countDown();
                    writerMayLeave.await();
                } finally {
                    lock.releaseWrite();
                }
            });
            waiters.add(writer);
            assertAsleepOnACondition(writer, "acquireWrite() while the test thread holds the read lock");
            for (int r = 1; r <= 2; r++) {
                BlockingCall<Void> reader = BlockingCall.run("reader-" + r, () -> {
                    lock.acquireRead();
                    lock.releaseRead();
                });
                waiters.add(reader);
                assertAsleepOnACondition(reader, "acquireRead() behind a waiting writer");
            }
            BlockingCall<Void> firstReader = waiters.get(1);
            long firstReaderWaits = waitedCount(firstReader.thread());

            lock.releaseRead();
            readHeld = false;
            assertThat(writerIn.await(BlockingCall.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).withFailMessage(
                    "The test thread, first in line, released its read lock, and the writer waiting next did not get"
                            + " in within %d ms: releaseRead() must wake the waiting threads.", BlockingCall.PATIENCE.toMillis())
                    .isTrue();
            // Only if woken, "reader-1" sees the writer inside and waits again: for a wrong lock, now behind "reader-2".
            awaitAsleepAgain(firstReader, firstReaderWaits);
            assertAsleepOnACondition(waiters.get(2), "acquireRead() while a writer holds the lock");

            writerMayLeave.countDown();
            for (BlockingCall<Void> waiter : waiters) {
                waiter.assertFinishes("The writer left; \"reader-1\" (next in line) and then \"reader-2\" must get in, but"
                        + " this thread did not finish. A single signal() wakes one waiting thread, the one that has"
                        + " waited longest on the condition: here \"reader-2\", whose turn it is not (\"reader-1\" went"
                        + " back to wait behind it). It checks its turn, waits again, and nobody wakes \"reader-1\"."
                        + " When the thread that may go next is not the one a signal picks, wake them all: signalAll().");
            }
        } finally {
            if (readHeld) {
                lock.releaseRead();
            }
            writerMayLeave.countDown();
            waiters.forEach(BlockingCall::close);
        }
    }

    /**
     * Waits until {@code call} sleeps waiting for a signal (a Condition or a monitor), not for a mutex: a thread
     * parked in {@code lock()} has the lock itself as its blocker.
     */
    private static void assertAsleepOnACondition(BlockingCall<Void> call, String whatItWaitsFor) {
        call.assertReaches(Thread.State.WAITING, whatItWaitsFor);
        long deadline = System.nanoTime() + BlockingCall.BLOCKS_WITHIN.toNanos();
        while (!asleepOnACondition(call.thread())) {
            if (System.nanoTime() - deadline > 0 || call.isDone()) {
                call.assertReaches(Thread.State.WAITING, whatItWaitsFor + ", asleep until signalled");
                return; // waits for the mutex all along: the check below reports whatever comes of it
            }
            LockSupport.parkNanos(1_000_000); // a polling interval, not synchronization
        }
    }

    /** Waits until {@code call} has woken (it waited more than {@code waitsBefore} times) and sleeps on a condition again. */
    private static void awaitAsleepAgain(BlockingCall<Void> call, long waitsBefore) {
        long deadline = System.nanoTime() + BlockingCall.PATIENCE.toNanos();
        while (!(waitedCount(call.thread()) > waitsBefore && asleepOnACondition(call.thread())) && !call.isDone()) {
            if (System.nanoTime() - deadline > 0) {
                return; // never woken: the writer's admission signalled someone else; the final check tells
            }
            LockSupport.parkNanos(1_000_000); // a polling interval, not synchronization
        }
    }

    private static boolean asleepOnACondition(Thread thread) {
        return thread.getState() == Thread.State.WAITING
                && !(LockSupport.getBlocker(thread) instanceof AbstractQueuedSynchronizer);
    }

    /** How many times {@code thread} has gone to sleep waiting (parks and monitor waits alike). */
    private static long waitedCount(Thread thread) {
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(thread.threadId());
        return info == null ? -1 : info.getWaitedCount();
    }

    @Test
    void waitingThreadsSleep() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        try (BlockingCall<Void> holder = BlockingCall.run("writer", () -> {
            lock.acquireWrite();
            try {
                release.await();
            } finally {
                lock.releaseWrite();
            }
        })) {
            holder.assertBlocks("await on a latch while holding the write lock");
            try (BlockingCall<Void> reader = BlockingCall.run("reader", () -> {
                lock.acquireRead();
                lock.releaseRead();
            })) {
                reader.assertBlocks("acquireRead() while a writer holds the lock");
                BusyWait.assertWaitsWithoutSpinning(reader.thread());
                release.countDown();
                reader.assertFinishes("The writer released the lock, but the waiting reader was not woken.");
            }
            holder.assertFinishes("The writer could not release the lock.");
        }
    }

    @Test
    void releasingWhatYouDoNotHoldThrows() throws InterruptedException {
        assertThat(catchThrowable(lock::releaseRead)).withFailMessage(
                "releaseRead() on a free lock must throw IllegalMonitorStateException").isInstanceOf(IllegalMonitorStateException.class);
        assertThat(catchThrowable(lock::releaseWrite)).withFailMessage(
                "releaseWrite() on a free lock must throw IllegalMonitorStateException").isInstanceOf(IllegalMonitorStateException.class);

        CountDownLatch release = new CountDownLatch(1);
        try (BlockingCall<Void> reader = BlockingCall.run("reader", () -> {
            lock.acquireRead();
            try {
                release.await();
            } finally {
                lock.releaseRead();
            }
        })) {
            reader.assertBlocks("await on a latch while holding the read lock");
            assertThat(catchThrowable(lock::releaseRead)).withFailMessage(
                    "releaseRead() by a thread that holds no read lock must throw IllegalMonitorStateException, even while"
                            + " another thread reads: remember WHICH threads hold the read lock, not only how many")
                    .isInstanceOf(IllegalMonitorStateException.class);
            assertThat(catchThrowable(lock::releaseWrite)).withFailMessage(
                    "releaseWrite() while another thread reads must throw IllegalMonitorStateException")
                    .isInstanceOf(IllegalMonitorStateException.class);
            try (BlockingCall<Void> writer = BlockingCall.run("writer", () -> {
                lock.acquireWrite();
                lock.releaseWrite();
            })) {
                writer.assertBlocks("acquireWrite() while a reader holds the lock: the wrong releases must not have freed it");
                release.countDown();
                writer.assertFinishes("The reader released the lock, but the waiting writer was not let in.");
            }
            reader.assertFinishes("The reader could not release its read lock.");
        }

        CountDownLatch releaseWriter = new CountDownLatch(1);
        try (BlockingCall<Void> writer = BlockingCall.run("writer", () -> {
            lock.acquireWrite();
            try {
                releaseWriter.await();
            } finally {
                lock.releaseWrite();
            }
        })) {
            writer.assertBlocks("await on a latch while holding the write lock");
            assertThat(catchThrowable(lock::releaseWrite)).withFailMessage(
                    "releaseWrite() by a thread other than the writer must throw IllegalMonitorStateException")
                    .isInstanceOf(IllegalMonitorStateException.class);
            assertThat(catchThrowable(lock::releaseRead)).withFailMessage(
                    "releaseRead() while another thread writes must throw IllegalMonitorStateException")
                    .isInstanceOf(IllegalMonitorStateException.class);
            releaseWriter.countDown();
            writer.assertFinishes("The writer could not release its write lock.");
        }
    }

    @Test
    void aThreadThatHoldsTheLockIsRefusedWhenItAcquiresAgain() {
        assertSecondAcquireRefused("the read lock", lock::acquireRead, lock::releaseRead, "acquireRead()", lock::acquireRead);
        assertSecondAcquireRefused("the read lock", lock::acquireRead, lock::releaseRead, "acquireWrite()", lock::acquireWrite);
        assertSecondAcquireRefused("the write lock", lock::acquireWrite, lock::releaseWrite, "acquireRead()", lock::acquireRead);
        assertSecondAcquireRefused("the write lock", lock::acquireWrite, lock::releaseWrite, "acquireWrite()", lock::acquireWrite);
    }

    /**
     * On a thread of its own: takes {@code held} with {@code acquire}, calls {@code again} while holding it, and
     * checks that the second call threw IllegalStateException at once (neither went in nor waited for itself).
     */
    private static void assertSecondAcquireRefused(String held, BlockingCall.ThrowingRunnable acquire,
            BlockingCall.ThrowingRunnable release, String again, BlockingCall.ThrowingRunnable acquireAgain) {
        try (BlockingCall<Throwable> holder = BlockingCall.start("holder", () -> {
            acquire.run();
            try {
                return catchThrowable(acquireAgain::run);
            } finally {
                release.run();
            }
        })) {
            Throwable thrown = holder.assertFinishes(again + " by a thread that holds " + held + " kept waiting: it"
                    + " waits for itself, and nobody will ever release the lock it waits for. The lock is not"
                    + " reentrant: check whether the caller already holds it (you remember which threads do) and throw"
                    + " IllegalStateException at once.");
            assertThat(thrown).withFailMessage("%s by a thread that holds %s %s: the lock is not reentrant, so a holder"
                    + " that acquires again must get IllegalStateException at once (if it waited, it would wait for"
                    + " itself, or for a writer that waits for it). Check whether the caller already holds the lock"
                    + " (you remember which threads do) before it draws a ticket.", again, held,
                    thrown == null ? "went in a second time" : "threw " + thrown)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anInterruptedWaiterLeavesNoTrace() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        try (BlockingCall<Void> holder = BlockingCall.run("writer", () -> {
            lock.acquireWrite();
            try {
                release.await();
            } finally {
                lock.releaseWrite();
            }
        })) {
            holder.assertBlocks("await on a latch while holding the write lock");
            try (BlockingCall<Void> reader = BlockingCall.run("interrupted-reader", lock::acquireRead);
                    BlockingCall<Void> writer = BlockingCall.run("interrupted-writer", lock::acquireWrite)) {
                reader.assertBlocks("acquireRead() while a writer holds the lock");
                writer.assertBlocks("acquireWrite() while a writer holds the lock");
                reader.thread().interrupt();
                writer.thread().interrupt();
                assertThat(BlockingCall.joins(reader.thread(), BlockingCall.PATIENCE) && BlockingCall.joins(writer.thread(), BlockingCall.PATIENCE))
                        .withFailMessage("threads interrupted while waiting for the lock kept waiting: acquire must"
                                + " wait interruptibly (Condition.await) and throw InterruptedException").isTrue();
                assertThat(List.of(reader.failure(), writer.failure())).withFailMessage(
                        "interrupted waiters must throw InterruptedException, they threw %s and %s",
                        reader.failure(), writer.failure()).allMatch(t -> t instanceof InterruptedException);
            }
            release.countDown();
            holder.assertFinishes("The writer could not release its write lock.");
        }
        BlockingCall.within("next-user", BlockingCall.PATIENCE, "After two waiters were interrupted and the writer left, a new reader"
                + " and writer could not get in: an interrupted waiter must leave no trace (no place kept in line, no"
                + " count left raised).", () -> {
                    lock.acquireRead();
                    lock.releaseRead();
                    lock.acquireWrite();
                    lock.releaseWrite();
                });
    }
}
