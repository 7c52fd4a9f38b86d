package workshop.redislocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import workshop.redislocking.support.CommandLog;
import workshop.redislocking.support.CommandLog.Command;
import workshop.redislocking.support.OnEachRedis;
import workshop.redislocking.support.Redis;
import workshop.redislocking.support.RedisTest;
import workshop.testkit.BlockingCall;
import workshop.testkit.Concurrently;
import workshop.testkit.TimeLimit;

/** Exercise 5: README "5. RedisTransferService". */
@RedisTest
class RedisTransferServiceTest {

    private static final int THREADS = 8;
    private static final int ACCOUNTS = 4;
    private static final long INITIAL = 100;
    /** Long enough for a test to hold a lock, short enough to expire soon should the test fail. */
    private static final Duration TTL_HELD = Duration.ofSeconds(20);

    /** A transfer function: the locking one or the scripted one. */
    private interface Transfer {
        boolean move(RedisTransferService service, String from, String to, long amount);
    }

    @OnEachRedis
    @TimeLimit(30)
    void transfersUnderTwoLocksFromEightThreadsConserveMoneyAndNeverOverdraw(Redis redis) throws Exception {
        runRandomTransfers(redis, RedisTransferService::transfer, 40);
    }

    @OnEachRedis
    @TimeLimit(30)
    void theScriptedTransferConservesMoneyAndNeverOverdrawsWithoutALock(Redis redis) throws Exception {
        runRandomTransfers(redis, RedisTransferService::transferAtomically, 150);
    }

    /** 8 threads, each with its own client, move random amounts between 4 accounts of 100. */
    private static void runRandomTransfers(Redis redis, Transfer transfer, int perThread) {
        List<String> accounts = openAccounts(redis);
        List<RedisTransferService> clients = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            clients.add(new RedisTransferService(redis.newClient()));
        }

        Concurrently.threads(THREADS).named("teller").within(Duration.ofSeconds(25)).repeat(perThread, (t, i) -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int from = random.nextInt(ACCOUNTS);
            int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            transfer.move(clients.get(t), accounts.get(from), accounts.get(to), 1 + random.nextInt(60));
        });

        List<Long> balances = accounts.stream().map(a -> Long.parseLong(redis.get(a))).toList();
        long total = balances.stream().mapToLong(Long::longValue).sum();
        assertThat(total).withFailMessage("the accounts held %d in total before %d concurrent transfers and %d after"
                + " (balances %s): money was %s. Two transfers read the same balance and both wrote it back, so one"
                + " update was lost. The read, the check and the writes of a transfer must not interleave with"
                + " another transfer's on the same account.", INITIAL * ACCOUNTS, THREADS * perThread, total, balances,
                total > INITIAL * ACCOUNTS ? "created" : "destroyed").isEqualTo(INITIAL * ACCOUNTS);
        assertThat(balances).withFailMessage("a balance went below zero: %s. Two transfers checked the same balance"
                + " before either took the money (check-then-act across clients).", balances).allMatch(b -> b >= 0);
    }

    @OnEachRedis
    void locksBothAccountsInOneFixedOrderWhicheverWayTheMoneyGoes(Redis redis) throws Exception {
        List<String> accounts = openAccounts(redis);
        RedisTransferService service = new RedisTransferService(redis.client());
        try (CommandLog log = redis.monitor()) {
            int mark = log.mark();
            assertThat(service.transfer(accounts.get(0), accounts.get(1), 10)).isTrue();
            List<Command> forward = log.since(mark);
            mark = log.mark();
            assertThat(service.transfer(accounts.get(1), accounts.get(0), 10)).isTrue();
            List<Command> backward = log.since(mark);

            List<String> forwardLocks = lockKeys(forward);
            List<String> backwardLocks = lockKeys(backward);
            List<String> expectedKeys = List.of(accounts.get(0) + ":lock", accounts.get(1) + ":lock");
            assertThat(forwardLocks.size() == 2 && forwardLocks.equals(backwardLocks)
                    && forwardLocks.containsAll(expectedKeys)).withFailMessage(
                    "transfer(A, B) took the locks %s, transfer(B, A) took %s. Both must take the same two locks"
                            + " (account + \":lock\") in the same order, whatever the direction: otherwise one holds A's"
                            + " lock and waits for B's while the other holds B's and waits for A's. Commands of the"
                            + " first transfer:%n%s", forwardLocks, backwardLocks, CommandLog.describe(forward)).isTrue();
        }
        assertThat(redis.get(accounts.get(0))).isEqualTo(Long.toString(INITIAL));
    }

    /** The keys set with NX by the client, in order: the locks a transfer took. */
    private static List<String> lockKeys(List<Command> commands) {
        return commands.stream().filter(c -> !c.fromScript() && c.name().equals("SET") && c.hasOption("NX"))
                .map(c -> c.args().get(1)).distinct().toList();
    }

    @OnEachRedis
    @TimeLimit(30)
    void opposingTransfersNeverDeadlock(Redis redis) throws Exception {
        List<String> accounts = openAccounts(redis);
        redis.set(accounts.get(0), "1000000");
        redis.set(accounts.get(1), "1000000");
        List<RedisTransferService> clients = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            clients.add(new RedisTransferService(redis.newClient()));
        }

        Concurrently.threads(THREADS).named("teller").within(Duration.ofSeconds(25)).repeat(40, (t, i) -> {
            String from = accounts.get(t % 2);
            String to = accounts.get(1 - t % 2);
            assertThat(clients.get(t).transfer(from, to, 1)).isTrue();
        });

        long total = Long.parseLong(redis.get(accounts.get(0))) + Long.parseLong(redis.get(accounts.get(1)));
        assertThat(total).isEqualTo(2_000_000);
    }

    /**
     * Two transfers of 60 from a balance of 100 wait behind a lock another client holds. A transfer that reads
     * and checks the balance before it has both locks lets both pass a check made on 100, and the account ends
     * at -20.
     */
    @OnEachRedis
    void theBalanceIsCheckedOnlyOnceBothLocksAreHeld(Redis redis) throws Exception {
        String from = redis.key("account-a");
        String to = redis.key("account-b");
        redis.set(from, "100");
        redis.set(to, "0");
        RedisLock firstLock = new RedisLock(redis.newClient(), (from.compareTo(to) < 0 ? from : to) + ":lock", TTL_HELD);
        LockToken held = firstLock.tryAcquire(Duration.ofSeconds(2)).orElseThrow();
        List<Boolean> results = new ArrayList<>();
        try (BlockingCall<Boolean> one = BlockingCall.start("transfer-1",
                () -> new RedisTransferService(redis.newClient()).transfer(from, to, 60));
                BlockingCall<Boolean> two = BlockingCall.start("transfer-2",
                        () -> new RedisTransferService(redis.newClient()).transfer(from, to, 60))) {
            one.assertBlocks("for the account lock another client holds");
            two.assertBlocks("for the account lock another client holds");
            firstLock.release(held);
            results.add(one.assertFinishes("a transfer did not finish after the account lock was released"));
            results.add(two.assertFinishes("a transfer did not finish after the account lock was released"));
        }
        assertThat(List.of(redis.get(from), redis.get(to))).withFailMessage("two transfers of 60 from a balance of 100"
                + " waited for the account lock, then returned %s and left the balances at %s and %s (expected 40 and"
                + " 60): both checked the balance before they held the locks, so both saw 100. Read and check the"
                + " balance only once both locks are held.", results, redis.get(from), redis.get(to))
                .isEqualTo(List.of("40", "60"));
        assertThat(results).withFailMessage("the two transfers returned %s: one moves the money, the other finds 40"
                + " and returns false", results).containsExactlyInAnyOrder(true, false);
    }

    @OnEachRedis
    void theScriptedTransferIsOneScriptAndTakesNoLock(Redis redis) throws Exception {
        List<String> accounts = openAccounts(redis);
        RedisTransferService service = new RedisTransferService(redis.client());
        try (CommandLog log = redis.monitor()) {
            int mark = log.mark();
            boolean moved = service.transferAtomically(accounts.get(0), accounts.get(1), 30);
            List<Command> commands = log.since(mark);
            assertThat(moved).withFailMessage("transferAtomically(30) from a balance of 100 returned false: the script"
                    + " must move the money when the balance covers it and return true (it returned false; the server"
                    + " saw:%n%s)", CommandLog.describe(commands)).isTrue();

            List<Command> fromClient = commands.stream().filter(c -> !c.fromScript()).toList();
            assertThat(fromClient.size() == 1 && fromClient.get(0).isScript()).withFailMessage(
                    "transferAtomically must send exactly one command, a Lua script (EVAL) that reads, checks and"
                            + " writes both balances on the server, where no other command can run in between; no"
                            + " lock needed. The server saw:%n%s", CommandLog.describe(commands)).isTrue();
            assertThat(commands).withFailMessage("the scripted transfer touched a lock:%n%s",
                    CommandLog.describe(commands)).noneMatch(c -> c.args().stream().anyMatch(a -> a.endsWith(":lock")));
        }
        assertThat(List.of(redis.get(accounts.get(0)), redis.get(accounts.get(1)))).withFailMessage("after"
                + " transferAtomically(30) from 100 to 100 the balances are %s and %s, not 70 and 130: the script must"
                + " DECRBY the source and INCRBY the destination by the amount", redis.get(accounts.get(0)),
                redis.get(accounts.get(1))).isEqualTo(List.of("70", "130"));
    }

    @OnEachRedis
    void aTransferTheBalanceDoesNotCoverChangesNothing(Redis redis) throws Exception {
        List<String> accounts = openAccounts(redis);
        RedisTransferService service = new RedisTransferService(redis.client());

        assertThat(service.transfer(accounts.get(0), accounts.get(1), INITIAL + 1)).isFalse();
        assertThat(service.transferAtomically(accounts.get(0), accounts.get(1), INITIAL + 1)).isFalse();
        assertThat(service.transfer(redis.key("no-such-account"), accounts.get(1), 1)).withFailMessage(
                "a missing account holds 0 and cannot pay 1").isFalse();
        assertThat(service.transferAtomically(redis.key("no-such-account"), accounts.get(1), 1)).isFalse();

        assertThat(redis.get(accounts.get(0))).isEqualTo(Long.toString(INITIAL));
        assertThat(redis.get(accounts.get(1))).isEqualTo(Long.toString(INITIAL));
        assertThat(service.transfer(accounts.get(0), accounts.get(1), INITIAL)).isTrue();
        assertThat(service.transferAtomically(accounts.get(1), accounts.get(2), 2 * INITIAL)).isTrue();
        assertThat(redis.get(accounts.get(0))).isEqualTo("0");
        assertThat(redis.get(accounts.get(1))).isEqualTo("0");
        assertThat(redis.get(accounts.get(2))).isEqualTo(Long.toString(3 * INITIAL));
        assertThat(redis.exists(accounts.get(0) + ":lock")).withFailMessage("a lock was left behind after the transfer")
                .isFalse();
    }

    /** 2^53: from here on a double (a Lua number) cannot hold every integer. */
    private static final long TWO_TO_53 = 1L << 53;

    @OnEachRedis
    void noBalanceOrAmountAtTheLimitsLosesOrCreatesMoney(Redis redis) throws Exception {
        RedisTransferService service = new RedisTransferService(redis.client());
        String from = redis.key("from");
        String to = redis.key("to");
        String[] ways = {"transfer", "transferAtomically"};
        List<Transfer> transfers = List.of(RedisTransferService::transfer, RedisTransferService::transferAtomically);
        for (int w = 0; w < 2; w++) {
            String way = ways[w];
            Transfer transfer = transfers.get(w);
            // The destination cannot take more: INCRBY would fail after DECRBY, and Redis keeps the DECRBY.
            assertRefused(redis, service, transfer, way, from, "100", to, Long.toString(Long.MAX_VALUE), 1,
                    "the destination already holds Long.MAX_VALUE");
            assertRefused(redis, service, transfer, way, from, "100", to, Long.toString(Long.MAX_VALUE - 5), 10,
                    "the destination would pass Long.MAX_VALUE");
            assertMoved(redis, service, transfer, way, from, "100", to, Long.toString(Long.MAX_VALUE - 5), 5,
                    "95", Long.toString(Long.MAX_VALUE));
            // Amounts a double cannot hold exactly: Lua's tonumber rounds 2^53 + 1 to 2^53.
            assertMoved(redis, service, transfer, way, from, Long.toString(TWO_TO_53 + 1), to, "0", TWO_TO_53 + 1,
                    "0", Long.toString(TWO_TO_53 + 1));
            assertMoved(redis, service, transfer, way, from, Long.toString(Long.MAX_VALUE), to, "0", Long.MAX_VALUE,
                    "0", Long.toString(Long.MAX_VALUE));
            assertNotCovered(redis, service, transfer, way, from, Long.toString(TWO_TO_53), to, "0", TWO_TO_53 + 1);
            assertNotCovered(redis, service, transfer, way, from, "999", to, "0", 1000);
            // Balances that are not integers Redis can count with.
            assertRefused(redis, service, transfer, way, from, "12.5", to, "0", 1, "the source holds 12.5");
            assertRefused(redis, service, transfer, way, from, "100", to, "12.5", 1, "the destination holds 12.5");
            assertRefused(redis, service, transfer, way, from, "100", to, "lots", 1, "the destination holds \"lots\"");
            assertRefused(redis, service, transfer, way, from, "-100", to, "0", 1, "the source holds -100");
        }
    }

    private static void assertMoved(Redis redis, RedisTransferService service, Transfer transfer, String way,
            String from, String fromBalance, String to, String toBalance, long amount, String fromAfter, String toAfter) {
        redis.set(from, fromBalance);
        redis.set(to, toBalance);
        boolean moved;
        try {
            moved = transfer.move(service, from, to, amount);
        } catch (RuntimeException e) {
            throw new AssertionError(way + "(" + amount + ") from a balance of " + fromBalance + " to one of "
                    + toBalance + " threw " + e + ": it is a valid transfer, the result fits in a long. Compare and"
                    + " add with exact long arithmetic (in Lua, do not use tonumber for amounts above 2^53)", e);
        }
        assertThat(List.of(moved, redis.get(from), redis.get(to))).withFailMessage("%s(%d) from %s to %s returned %s"
                + " and left the balances at %s and %s; expected true, %s and %s. %s", way, amount, fromBalance,
                toBalance, moved, redis.get(from), redis.get(to), fromAfter, toAfter, amount > TWO_TO_53
                ? "Above 2^53 a Lua number (a double) rounds: tonumber(\"" + (TWO_TO_53 + 1) + "\") is 2^53. Leave"
                        + " the amount to INCRBY/DECRBY as a string, and compare balances exactly (as digit strings)."
                : "").isEqualTo(List.of(true, fromAfter, toAfter));
    }

    private static void assertNotCovered(Redis redis, RedisTransferService service, Transfer transfer, String way,
            String from, String fromBalance, String to, String toBalance, long amount) {
        redis.set(from, fromBalance);
        redis.set(to, toBalance);
        boolean moved = transfer.move(service, from, to, amount);
        assertThat(List.of(moved, redis.get(from), redis.get(to))).withFailMessage("%s(%d) from a balance of %s"
                + " returned %s and left the balances at %s and %s: the balance does not cover the amount, so it must"
                + " return false and change nothing. (tonumber rounds both %s and %d to the same double: compare"
                + " exactly.)", way, amount, fromBalance, moved, redis.get(from), redis.get(to), fromBalance, amount)
                .isEqualTo(List.of(false, fromBalance, toBalance));
    }

    private static void assertRefused(Redis redis, RedisTransferService service, Transfer transfer, String way,
            String from, String fromBalance, String to, String toBalance, long amount, String why) {
        redis.set(from, fromBalance);
        redis.set(to, toBalance);
        Object outcome;
        try {
            outcome = "returned " + transfer.move(service, from, to, amount);
        } catch (IllegalArgumentException expected) {
            outcome = null;
        } catch (RuntimeException e) {
            outcome = "threw " + e;
        }
        String fromNow = redis.get(from);
        String toNow = redis.get(to);
        assertThat(fromNow + " / " + toNow).withFailMessage("%s(%d) from a balance of %s to one of %s (%s) %s and left"
                + " the balances at %s and %s: money was %s. Redis does not roll back a MULTI/EXEC or a script in"
                + " which a command failed: the DECRBY before a failing INCRBY stays. Check everything that can fail"
                + " before the first write (README: \"Redis does not roll back\").", way, amount, fromBalance,
                toBalance, why, outcome == null ? "threw IllegalArgumentException" : outcome, fromNow, toNow,
                fromNow.equals(fromBalance) ? "created" : "lost").isEqualTo(fromBalance + " / " + toBalance);
        assertThat(outcome).withFailMessage("%s(%d) from a balance of %s to one of %s (%s) %s: such a transfer cannot"
                + " be made exactly, so it must change nothing and throw IllegalArgumentException (the skeleton's"
                + " Javadoc), not report success, false or a Redis error", way, amount, fromBalance, toBalance, why,
                outcome).isNull();
    }

    @Test
    void rejectsBadArgumentsClearly() {
        RedisClient pool = RedisClient.create("127.0.0.1", 1); // never connected: every check comes first
        try {
            assertThatExceptionOfType(NullPointerException.class)
                    .as("new RedisTransferService(null) must throw NullPointerException: reject null at once,"
                            + " naming the argument (Objects.requireNonNull)")
                    .isThrownBy(() -> new RedisTransferService(null));
            RedisTransferService service = new RedisTransferService(pool);
            for (Transfer transfer : List.<Transfer>of(RedisTransferService::transfer,
                    RedisTransferService::transferAtomically)) {
                assertThatExceptionOfType(NullPointerException.class)
                        .as("transfer.move(service, null, \"b\", 1) must throw NullPointerException: reject null"
                                + " at once, naming the argument (Objects.requireNonNull)")
                        .isThrownBy(() -> transfer.move(service, null, "b", 1));
                assertThatExceptionOfType(NullPointerException.class)
                        .as("transfer.move(service, \"a\", null, 1) must throw NullPointerException: reject null"
                                + " at once, naming the argument (Objects.requireNonNull)")
                        .isThrownBy(() -> transfer.move(service, "a", null, 1));
                assertThatExceptionOfType(IllegalArgumentException.class)
                        .as("transfer.move(service, \"\", \"b\", 1) must throw IllegalArgumentException: an empty"
                                + " name must be rejected (skeleton Javadoc)")
                        .isThrownBy(() -> transfer.move(service, "", "b", 1));
                assertThatExceptionOfType(IllegalArgumentException.class)
                        .as("transfer.move(service, \"a\", \"a\", 1) must throw IllegalArgumentException: reject a"
                                + " bad argument before anything reaches Redis, naming it (skeleton Javadoc)")
                        .isThrownBy(() -> transfer.move(service, "a", "a", 1));
                assertThatExceptionOfType(IllegalArgumentException.class)
                        .as("transfer.move(service, \"a\", \"b\", 0) must throw IllegalArgumentException: reject a"
                                + " bad argument before anything reaches Redis, naming it (skeleton Javadoc)")
                        .isThrownBy(() -> transfer.move(service, "a", "b", 0));
                assertThatExceptionOfType(IllegalArgumentException.class)
                        .as("transfer.move(service, \"a\", \"b\", -5) must throw IllegalArgumentException: reject"
                                + " a bad argument before anything reaches Redis, naming it (skeleton Javadoc)")
                        .isThrownBy(() -> transfer.move(service, "a", "b", -5));
            }
        } finally {
            pool.close();
        }
    }

    private static List<String> openAccounts(Redis redis) {
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            String account = redis.key("account-" + i);
            redis.set(account, Long.toString(INITIAL));
            accounts.add(account);
        }
        return accounts;
    }
}
