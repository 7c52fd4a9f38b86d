package workshop.dblocking.support;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;
import workshop.dblocking.TransferResult;
import workshop.dblocking.TransferResult.Status;

/**
 * Checks, after transfers ran, that the money, the balances, the versions and {@code transaction_log}
 * all tell the same story.
 */
public final class Ledger {

    /** A transfer as it was asked for, and what it returned. */
    public record Transfer(long fromId, long toId, long amount, TransferResult result) {

        @Override
        public String toString() {
            return "transfer(" + fromId + " -> " + toId + ", " + amount + ") = " + result.status() + " after "
                    + result.attempts() + " attempt(s)";
        }
    }

    private Ledger() {
    }

    /**
     * Money is conserved, no balance is negative, each balance is its initial balance plus the
     * COMMITTED log rows, each account's version counts the COMMITTED transfers that touched it, and the
     * log holds exactly one row per COMMITTED or INSUFFICIENT_FUNDS result (none for CONFLICT).
     */
    public static void assertConsistent(TestDatabase db, Map<Long, Long> initial, Collection<Transfer> transfers)
            throws SQLException {
        Map<Long, TestDatabase.Account> accounts = db.accounts();
        List<TestDatabase.LogEntry> log = db.log();

        long before = initial.values().stream().mapToLong(Long::longValue).sum();
        long after = accounts.values().stream().mapToLong(TestDatabase.Account::balance).sum();
        if (before != after) {
            throw new AssertionFailedError("The accounts held " + before + " in total before the transfers and " + after
                    + " after: " + Math.abs(after - before) + " was " + (after > before ? "created" : "destroyed")
                    + ". A transfer wrote a balance computed from a value another transfer had changed in the"
                    + " meantime (a lost update), or wrote one side of a transfer without the other. Balances now: "
                    + balances(accounts));
        }
        for (TestDatabase.Account account : accounts.values()) {
            if (account.balance() < 0) {
                throw new AssertionFailedError("Account " + account.id() + " is overdrawn: " + account.balance());
            }
        }

        Map<Long, Long> expected = new HashMap<>(initial);
        Map<Long, Long> committedTouches = new HashMap<>();
        for (TestDatabase.LogEntry entry : log) {
            if (entry.status().equals("COMMITTED")) {
                expected.merge(entry.fromId(), -entry.amount(), Long::sum);
                expected.merge(entry.toId(), entry.amount(), Long::sum);
                committedTouches.merge(entry.fromId(), 1L, Long::sum);
                committedTouches.merge(entry.toId(), 1L, Long::sum);
            }
        }
        for (TestDatabase.Account account : accounts.values()) {
            long logSays = expected.getOrDefault(account.id(), 0L);
            if (logSays != account.balance()) {
                throw new AssertionFailedError("Account " + account.id() + " holds " + account.balance() + ", but its"
                        + " initial balance plus the COMMITTED rows of transaction_log come to " + logSays + ": the"
                        + " balances and the log were not written in one transaction, or the log does not record what"
                        + " happened. Balances now: " + balances(accounts));
            }
            long touches = committedTouches.getOrDefault(account.id(), 0L);
            if (account.version() != touches) {
                throw new AssertionFailedError("Account " + account.id() + " has version " + account.version() + ", but "
                        + touches + " committed transfers changed it: every write of a balance must also do"
                        + " version = version + 1 (once per transfer), or optimistic writers cannot notice the change"
                        + " (README: the schema).");
            }
        }

        Map<String, Long> want = new HashMap<>();
        for (Transfer t : transfers) {
            if (t.result().status() != Status.CONFLICT) {
                want.merge(key(t.fromId(), t.toId(), t.amount(),
                        t.result().status() == Status.COMMITTED ? "COMMITTED" : "ABORTED", t.result().attempts()), 1L, Long::sum);
            }
        }
        Map<String, Long> have = log.stream().collect(Collectors.groupingBy(
                e -> key(e.fromId(), e.toId(), e.amount(), e.status(), e.attempts()), Collectors.counting()));
        if (!want.equals(have)) {
            List<String> differences = new ArrayList<>();
            want.forEach((k, n) -> {
                long h = have.getOrDefault(k, 0L);
                if (h < n) {
                    differences.add((n - h) + " x " + k + " returned, but not in the log");
                }
            });
            have.forEach((k, n) -> {
                long w = want.getOrDefault(k, 0L);
                if (n > w) {
                    differences.add((n - w) + " x " + k + " in the log, but no transfer returned it");
                }
            });
            throw new AssertionFailedError("transaction_log disagrees with what the transfers returned (" + log.size()
                    + " rows for " + transfers.size() + " transfers). Each COMMITTED result needs one COMMITTED row and"
                    + " each INSUFFICIENT_FUNDS result one ABORTED row, with the same attempts; a CONFLICT writes"
                    + " nothing. First differences: " + differences.stream().limit(5).toList());
        }
    }

    private static String key(long from, long to, long amount, String status, int attempts) {
        return status + " " + from + " -> " + to + " amount " + amount + " attempts " + attempts;
    }

    private static String balances(Map<Long, TestDatabase.Account> accounts) {
        return accounts.values().stream().map(a -> a.id() + ": " + a.balance()).collect(Collectors.joining(", ", "{", "}"));
    }
}
