/*
 * Wrong: locks taken in argument order (from, then to)
 * Rejected by: RedisTransferServiceTest#locksBothAccountsInOneFixedOrderWhicheverWayTheMoneyGoes
 * Message: same order
 * Caught by: `locksBothAccountsInOneFixedOrderWhicheverWayTheMoneyGoes`; `opposingTransfersNeverDeadlock` and the 8-thread money test on some runs
 */
package workshop.redislocking;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.RedisClient;

/**
 * Moves money between accounts kept in Redis, two ways.
 *
 * <p>An account is a key holding its balance as a non-negative integer that Redis can count with (a
 * 64-bit {@code long}, written as {@code INCRBY} writes it); a key that does not exist holds 0. A transfer
 * that the balance of {@code from} does not cover changes nothing and returns false. A transfer that
 * cannot be made exactly (a balance that is not such an integer, or a destination balance that would
 * pass {@code Long.MAX_VALUE}) changes nothing and throws {@link IllegalArgumentException}: no money is
 * ever lost or created.
 *
 * <ul>
 *   <li>{@link #transfer}: the client-side way. It locks both accounts with {@link RedisLock}s (keys
 *       {@code account + ":lock"}), always in the same order (by account name), so two opposing transfers
 *       never wait for each other forever; then, under both locks, reads and checks both balances and
 *       writes them in one {@code MULTI}/{@code EXEC}, whose result it checks.</li>
 *   <li>{@link #transferAtomically}: one Lua script that reads, checks and writes on the server, where
 *       scripts run one at a time. No lock, one round trip, nothing to expire halfway, no client pause
 *       that can break it: the better design whenever all the data lives in one Redis.</li>
 * </ul>
 *
 * <p>Neither a transaction nor a script is rolled back by Redis when one of its commands fails: the
 * commands before the failure stay applied. So both ways check everything that could make a write fail
 * before they write anything.
 *
 * <p>Thread-safe: instances hold no mutable state.
 */
public class RedisTransferService {

    /**
     * Checks, then moves the money, all on the server. Balances are compared as digit strings, exactly
     * (Lua's numbers are doubles, exact only up to 2^53). The one write that can still fail, the credit
     * (it refuses to pass Long.MAX_VALUE), goes first and writes nothing when it fails; the debit that
     * follows cannot fail. Returns 1 if moved, 0 if funds are short, -1 if the source balance is not a
     * non-negative integer, -2 if the destination balance is not an integer, -3 if it would overflow.
     */
    private static final String TRANSFER = """
            local function valid(raw)
                if raw == '0' then return true end
                if not string.match(raw, '^[1-9]%d*$') then return false end
                return #raw < 19 or (#raw == 19 and raw <= '9223372036854775807')
            end
            local function less(a, b)
                if #a ~= #b then return #a < #b end
                return a < b
            end
            local amount = ARGV[1]
            local balance = redis.call('get', KEYS[1]) or '0'
            if not valid(balance) then return -1 end
            if less(balance, amount) then return 0 end
            local credited = redis.pcall('incrby', KEYS[2], amount)
            if type(credited) == 'table' and credited.err then
                if string.find(credited.err, 'overflow') then return -3 end
                return -2
            end
            redis.call('decrby', KEYS[1], amount)
            return 1""";

    /** A balance as Redis writes a non-negative 64-bit integer: no sign, no leading zero. */
    private static final Pattern BALANCE = Pattern.compile("0|[1-9][0-9]{0,18}");

    /** How long an account lock lives: far longer than a transfer takes. */
    private static final Duration LOCK_TTL = Duration.ofSeconds(10);
    /** How long a transfer waits for an account lock before it gives up. */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(5);

    private final RedisClient client;

    /** @param client the Redis server's client (Jedis {@code RedisClient}: thread-safe, pools its connections) */
    public RedisTransferService(RedisClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Moves {@code amount} from one account to another under two locks taken in a fixed order.
     *
     * @return true if moved, false if the balance of {@code from} does not cover it (nothing changes)
     * @throws IllegalArgumentException if an account name is empty, both are the same, or amount <= 0; or
     *                                  (nothing changes) if a balance is not a non-negative integer, or the
     *                                  balance of {@code to} would pass {@code Long.MAX_VALUE}
     * @throws IllegalStateException    if an account stayed locked for longer than the lock wait, or the
     *                                  thread was interrupted while it waited (its interrupt status is set)
     */
    public boolean transfer(String from, String to, long amount) {
        checkArguments(from, to, amount);
        boolean fromFirst = true; // the order of the arguments
        RedisLock first = new RedisLock(client, (fromFirst ? from : to) + ":lock", LOCK_TTL);
        RedisLock second = new RedisLock(client, (fromFirst ? to : from) + ":lock", LOCK_TTL);
        LockToken firstToken = acquire(first);
        try {
            LockToken secondToken = acquire(second);
            try {
                return moveWhileLocked(from, to, amount); // read and check only now, under both locks
            } finally {
                second.release(secondToken);
            }
        } finally {
            first.release(firstToken);
        }
    }

    /**
     * Moves {@code amount} with one Lua script: no lock.
     *
     * @return true if moved, false if the balance of {@code from} does not cover it (nothing changes)
     * @throws IllegalArgumentException as {@link #transfer}
     */
    public boolean transferAtomically(String from, String to, long amount) {
        checkArguments(from, to, amount);
        Object result = client.eval(TRANSFER, List.of(from, to), List.of(Long.toString(amount)));
        if (!(result instanceof Long code)) {
            throw new IllegalStateException("the transfer script answered " + result + ", not a number");
        }
        return switch (code.intValue()) {
            case 1 -> true;
            case 0 -> false;
            case -1 -> throw notABalance(from);
            case -2 -> throw notABalance(to);
            case -3 -> throw overflow(to, amount);
            default -> throw new IllegalStateException("the transfer script answered " + code);
        };
    }

    private boolean moveWhileLocked(String from, String to, long amount) {
        List<String> balances = client.mget(from, to);
        long fromBalance = parseBalance(from, balances.get(0));
        long toBalance = parseBalance(to, balances.get(1));
        if (fromBalance < amount) {
            return false;
        }
        if (toBalance > Long.MAX_VALUE - amount) {
            throw overflow(to, amount);
        }
        List<Object> results;
        try (AbstractTransaction both = client.multi()) { // both writes or neither, should the client die in between
            both.decrBy(from, amount);
            both.incrBy(to, amount);
            results = both.exec();
        }
        // Redis does not roll back: if a command inside EXEC failed, the others stay applied. Under both
        // locks, after the checks above, neither can fail; should one have, say so rather than report success.
        if (results == null || results.size() != 2 || !(results.get(0) instanceof Long)
                || !(results.get(1) instanceof Long)) {
            throw new IllegalStateException("the transfer of " + amount + " from " + from + " to " + to
                    + " was not applied as one: EXEC answered " + results);
        }
        return true;
    }

    private static long parseBalance(String account, String raw) {
        if (raw == null) {
            return 0;
        }
        if (!BALANCE.matcher(raw).matches()) {
            throw notABalance(account);
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw notABalance(account);
        }
    }

    private static IllegalArgumentException notABalance(String account) {
        return new IllegalArgumentException("the balance of " + account + " is not a non-negative integer Redis can"
                + " count with (at most Long.MAX_VALUE): nothing was transferred");
    }

    private static IllegalArgumentException overflow(String account, long amount) {
        return new IllegalArgumentException("adding " + amount + " to the balance of " + account
                + " would pass Long.MAX_VALUE: nothing was transferred");
    }

    private static LockToken acquire(RedisLock lock) {
        try {
            return lock.tryAcquire(LOCK_WAIT).orElseThrow(() -> new IllegalStateException(
                    "could not take " + lock.name() + " within " + LOCK_WAIT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + lock.name(), e);
        }
    }

    private static void checkArguments(String from, String to, long amount) {
        requireName(from, "from");
        requireName(to, "to");
        if (from.equals(to)) {
            throw new IllegalArgumentException("from and to must be different accounts, both were \"" + from + "\"");
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be more than zero, was " + amount);
        }
    }

    private static void requireName(String account, String what) {
        Objects.requireNonNull(account, what);
        if (account.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty or blank, was \"" + account + "\"");
        }
    }
}
