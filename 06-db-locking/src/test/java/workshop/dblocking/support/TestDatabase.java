package workshop.dblocking.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.opentest4j.AssertionFailedError;
import workshop.testkit.TimeFactor;

/**
 * A fresh database for one test, with the tables of {@code schema.sql}: on H2 a new in-memory database,
 * on PostgreSQL a new schema. Connections come from a HikariCP pool whose every connection has a lock
 * timeout, so a transfer that waits for a lock nobody releases fails instead of hanging.
 *
 * <p>Hand {@link #dataSource()} to the code under test; use {@link #connect()} for the test's own
 * transactions. After the test, every connection must be back in the pool.
 */
public final class TestDatabase implements AutoCloseable {

    /** How long any statement may wait for a lock before the database fails it. */
    public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(8);

    /** How long a test waits to see a transaction waiting for a lock. */
    public static final Duration LOCK_WAIT_VISIBLE_WITHIN = TimeFactor.seconds(10);

    private static final int POOL_SIZE = 16;

    private final DatabaseKind kind;
    private final String label;
    private final String name;
    private final String adminUrl;
    private final HikariDataSource pool;
    private final ObservedDataSource observed;

    private TestDatabase(DatabaseKind kind, String label, String name, String adminUrl, HikariDataSource pool) {
        this.kind = kind;
        this.label = label;
        this.name = name;
        this.adminUrl = adminUrl;
        this.pool = pool;
        this.observed = new ObservedDataSource(pool);
    }

    /** A new in-memory H2 database. */
    static TestDatabase h2() throws SQLException {
        String name = uniqueName();
        String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        HikariDataSource pool = pool(url, "SET LOCK_TIMEOUT " + LOCK_TIMEOUT.toMillis(), name);
        TestDatabase db = new TestDatabase(DatabaseKind.H2, "H2", name, url, pool);
        db.createTables();
        return db;
    }

    /** A new schema in the PostgreSQL database at {@code url}. */
    static TestDatabase postgres(String url, String label) throws SQLException {
        String schema = uniqueName();
        try (Connection admin = DriverManager.getConnection(url); Statement statement = admin.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new SQLException("Cannot create a schema in the PostgreSQL database at " + redacted(url)
                    + " (WORKSHOP_POSTGRES_URL): " + e.getMessage(), e.getSQLState(), e);
        }
        HikariDataSource pool;
        try {
            pool = pool(url, "SET search_path TO " + schema + "; SET lock_timeout = '" + LOCK_TIMEOUT.toMillis()
                    + "ms'; SET application_name = '" + schema + "'", schema);
        } catch (RuntimeException e) {
            dropSchema(url, schema);
            throw e;
        }
        TestDatabase db = new TestDatabase(DatabaseKind.POSTGRESQL, label, schema, url, pool);
        try {
            db.createTables();
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** The URL without its password, fit for a failure message. */
    static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String uniqueName() {
        return "w06_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    }

    private static HikariDataSource pool(String url, String connectionInitSql, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setConnectionInitSql(connectionInitSql);
        config.setPoolName(name);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(0);
        // A pool that has run dry (connections taken and never returned) fails fast, with Hikari's count.
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }

    private void createTables() throws SQLException {
        String script;
        try (InputStream in = TestDatabase.class.getResourceAsStream("/schema.sql")) {
            if (in == null) {
                throw new IllegalStateException("schema.sql is not on the classpath (src/main/resources/schema.sql)");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema.sql", e);
        }
        String withoutComments = script.lines().filter(l -> !l.strip().startsWith("--")).collect(Collectors.joining("\n"));
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : withoutComments.split(";")) {
                if (!sql.isBlank()) {
                    statement.execute(sql);
                }
            }
        }
    }

    public DatabaseKind kind() {
        return kind;
    }

    /** "H2" or "PostgreSQL ...": shown in test names. */
    public String label() {
        return label;
    }

    /** The data source to give the code under test: the pool's connections, observed. */
    public ObservedDataSource dataSource() {
        return observed;
    }

    /** A connection for the test's own work (not observed). Close it. */
    public Connection connect() throws SQLException {
        return pool.getConnection();
    }

    /** Connections taken from the pool and not returned yet. */
    public int activeConnections() {
        return pool.getHikariPoolMXBean().getActiveConnections();
    }

    // ---- accounts and the log ----

    /** An account row. */
    public record Account(long id, long balance, long version) {
    }

    /** A transaction_log row. */
    public record LogEntry(long fromId, long toId, long amount, String status, int attempts) {
    }

    /** A jobs row. */
    public record JobRow(long id, String payload, String status, String claimedBy) {
    }

    /** Creates accounts 1, 2, ... with these balances; returns the balances by id. */
    public Map<Long, Long> createAccounts(long... balances) throws SQLException {
        Map<Long, Long> byId = new LinkedHashMap<>();
        for (int i = 0; i < balances.length; i++) {
            byId.put(i + 1L, balances[i]);
        }
        createAccounts(byId);
        return byId;
    }

    /** Creates accounts with these ids and balances (version 0). */
    public void createAccounts(Map<Long, Long> balances) throws SQLException {
        try (Connection connection = connect();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO accounts (id, balance) VALUES (?, ?)")) {
            for (Map.Entry<Long, Long> account : balances.entrySet()) {
                insert.setLong(1, account.getKey());
                insert.setLong(2, account.getValue());
                insert.executeUpdate();
            }
        }
    }

    /** All accounts by id. */
    public Map<Long, Account> accounts() throws SQLException {
        Map<Long, Account> accounts = new LinkedHashMap<>();
        try (Connection connection = connect();
                PreparedStatement select = connection.prepareStatement("SELECT id, balance, version FROM accounts ORDER BY id");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                accounts.put(rows.getLong(1), new Account(rows.getLong(1), rows.getLong(2), rows.getLong(3)));
            }
        }
        return accounts;
    }

    /** Balances by id. */
    public Map<Long, Long> balances() throws SQLException {
        Map<Long, Long> balances = new LinkedHashMap<>();
        accounts().forEach((id, account) -> balances.put(id, account.balance()));
        return balances;
    }

    /** Versions by id. */
    public Map<Long, Long> versions() throws SQLException {
        Map<Long, Long> versions = new LinkedHashMap<>();
        accounts().forEach((id, account) -> versions.put(id, account.version()));
        return versions;
    }

    /** The transaction log, oldest first. */
    public List<LogEntry> log() throws SQLException {
        List<LogEntry> log = new ArrayList<>();
        try (Connection connection = connect();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT from_id, to_id, amount, status, attempts FROM transaction_log ORDER BY id");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                log.add(new LogEntry(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getString(4), rows.getInt(5)));
            }
        }
        return log;
    }

    /** Inserts a pending job directly (not through the code under test); returns its id. */
    public long insertJob(String payload) throws SQLException {
        try (Connection connection = connect();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO jobs (payload) VALUES (?)",
                        new String[] {"id"})) {
            insert.setString(1, payload);
            insert.executeUpdate();
            try (ResultSet key = insert.getGeneratedKeys()) {
                key.next();
                return key.getLong(1);
            }
        }
    }

    /** All jobs, by id. */
    public Map<Long, JobRow> jobs() throws SQLException {
        Map<Long, JobRow> jobs = new LinkedHashMap<>();
        try (Connection connection = connect();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT id, payload, status, claimed_by FROM jobs ORDER BY id");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                jobs.put(rows.getLong(1), new JobRow(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4)));
            }
        }
        return jobs;
    }

    // ---- locks ----

    /** Starts a transaction that locks the row {@code id} of {@code table} until the returned connection commits, rolls back or closes. */
    public Connection lockRow(String table, long id) throws SQLException {
        Connection connection = connect();
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM " + table + " WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, id);
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("no row " + id + " in " + table);
                    }
                }
            }
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Whether another transaction holds a lock on row {@code id} of {@code table} right now: tries to lock
     * it with {@code FOR UPDATE NOWAIT} (and lets go at once).
     */
    public boolean isRowLockedByAnother(String table, long id) throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement probe = connection.prepareStatement(
                    "SELECT id FROM " + table + " WHERE id = ? FOR UPDATE NOWAIT")) {
                probe.setLong(1, id);
                probe.executeQuery().close();
                return false;
            } catch (SQLException e) {
                if (kind.isLockNotAvailable(e)) {
                    return true;
                }
                throw e;
            } finally {
                connection.rollback();
            }
        }
    }

    /** The SQL of every statement of this test's database that is waiting for a lock right now. */
    public List<String> statementsWaitingForLocks() throws SQLException {
        String sql = switch (kind) {
            case H2 -> "SELECT EXECUTING_STATEMENT FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL";
            case POSTGRESQL -> "SELECT query FROM pg_stat_activity WHERE application_name = ? AND wait_event_type = 'Lock'"
                    + " AND pid <> pg_backend_pid()";
        };
        List<String> waiting = new ArrayList<>();
        try (Connection connection = connect(); PreparedStatement select = connection.prepareStatement(sql)) {
            if (kind == DatabaseKind.POSTGRESQL) {
                select.setString(1, name);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    waiting.add(String.valueOf(rows.getString(1)).strip());
                }
            }
        }
        return waiting;
    }

    /**
     * Waits until some statement waits for a lock (returns it), or {@code finished} says the call under
     * test ended first (returns empty). Fails if neither happens within {@link #LOCK_WAIT_VISIBLE_WITHIN}.
     */
    public Optional<String> awaitLockWaitOrEnd(BooleanSupplier finished, String what) {
        List<String> seen = new ArrayList<>();
        try {
            Awaitility.await(what).atMost(LOCK_WAIT_VISIBLE_WITHIN).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        if (finished.getAsBoolean()) {
                            return true;
                        }
                        List<String> waiting = statementsWaitingForLocks();
                        seen.addAll(waiting);
                        return !waiting.isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionFailedError(what + ": within " + LOCK_WAIT_VISIBLE_WITHIN.toSeconds() + " s it neither"
                    + " finished nor waited for a lock. Is it stuck somewhere else (a second connection, a pool that ran"
                    + " dry)?");
        }
        return seen.isEmpty() ? Optional.empty() : Optional.of(seen.get(0));
    }

    // ---- cleanup ----

    /** Fails if a connection the test or the code under test took was never returned to the pool. */
    public void assertAllConnectionsReturned() {
        int active = activeConnections();
        if (active > 0) {
            throw new AssertionFailedError(active + " connection(s) taken from the pool were never returned: every"
                    + " getConnection() needs a close(), also when a statement throws. Open connections with"
                    + " try-with-resources (README: \"Connections\"). A leaked connection also keeps its transaction"
                    + " and its row locks.");
        }
    }

    /** Closes the pool and drops the database (H2) or schema (PostgreSQL). */
    @Override
    public void close() throws SQLException {
        try {
            pool.close();
        } finally {
            if (kind == DatabaseKind.H2) {
                try (Connection connection = DriverManager.getConnection(adminUrl);
                        Statement statement = connection.createStatement()) {
                    statement.execute("SHUTDOWN");
                }
            } else {
                dropSchema(adminUrl, name);
            }
        }
    }

    private static void dropSchema(String url, String schema) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("SET lock_timeout = '" + LOCK_TIMEOUT.toMillis() + "ms'");
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Override
    public String toString() {
        return label + " (" + name + ")";
    }
}
