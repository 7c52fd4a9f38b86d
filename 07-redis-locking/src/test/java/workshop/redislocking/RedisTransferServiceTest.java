package workshop.redislocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.RedisClient;
import workshop.redislocking.support.CommandLog;
import workshop.redislocking.support.CommandLog.Command;
import workshop.redislocking.support.OnEachRedis;
import workshop.redislocking.support.Redis;
import workshop.redislocking.support.RedisTest;
import workshop.testkit.Concurrently;

/** Exercise 5: README "5. RedisTransferService". */
@RedisTest
class RedisTransferServiceTest {

    private static final int THREADS = 8;
    private static final int ACCOUNTS = 4;
    private static final long INITIAL = 100;

    /** A transfer function: the locking one or the scripted one. */
    private interface Transfer {
        boolean move(RedisTransferService service, String from, String to, long amount);
    }

    @OnEachRedis
    @Timeout(30)
    void transfersUnderTwoLocksFromEightThreadsConserveMoneyAndNeverOverdraw(Redis redis) throws Exception {
        runRandomTransfers(redis, RedisTransferService::transfer, 40);
    }

    @OnEachRedis
    @Timeout(30)
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
    @Timeout(30)
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

    @OnEachRedis
    void theScriptedTransferIsOneScriptAndTakesNoLock(Redis redis) throws Exception {
        List<String> accounts = openAccounts(redis);
        RedisTransferService service = new RedisTransferService(redis.client());
        try (CommandLog log = redis.monitor()) {
            int mark = log.mark();
            assertThat(service.transferAtomically(accounts.get(0), accounts.get(1), 30)).isTrue();
            List<Command> commands = log.since(mark);

            List<Command> fromClient = commands.stream().filter(c -> !c.fromScript()).toList();
            assertThat(fromClient.size() == 1 && fromClient.get(0).isScript()).withFailMessage(
                    "transferAtomically must send exactly one command, a Lua script (EVAL) that reads, checks and"
                            + " writes both balances on the server, where no other command can run in between; no"
                            + " lock needed. The server saw:%n%s", CommandLog.describe(commands)).isTrue();
            assertThat(commands).withFailMessage("the scripted transfer touched a lock:%n%s",
                    CommandLog.describe(commands)).noneMatch(c -> c.args().stream().anyMatch(a -> a.endsWith(":lock")));
        }
        assertThat(redis.get(accounts.get(0))).isEqualTo("70");
        assertThat(redis.get(accounts.get(1))).isEqualTo("130");
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

    @Test
    void rejectsBadArgumentsClearly() {
        RedisClient pool = RedisClient.create("127.0.0.1", 1); // never connected: every check comes first
        try {
            assertThatThrownBy(() -> new RedisTransferService(null)).isInstanceOf(NullPointerException.class);
            RedisTransferService service = new RedisTransferService(pool);
            for (Transfer transfer : List.<Transfer>of(RedisTransferService::transfer,
                    RedisTransferService::transferAtomically)) {
                assertThatThrownBy(() -> transfer.move(service, null, "b", 1)).isInstanceOf(NullPointerException.class);
                assertThatThrownBy(() -> transfer.move(service, "a", null, 1)).isInstanceOf(NullPointerException.class);
                assertThatThrownBy(() -> transfer.move(service, "", "b", 1)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> transfer.move(service, "a", "a", 1)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> transfer.move(service, "a", "b", 0)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> transfer.move(service, "a", "b", -5)).isInstanceOf(IllegalArgumentException.class);
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
