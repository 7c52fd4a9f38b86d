package workshop.benchmarks.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * A fresh database for the transfer benchmark, made as 06-db-locking's tests make theirs: an in-memory
 * H2 database, or a new schema in the PostgreSQL database of {@code WORKSHOP_POSTGRES_URL}; a Hikari pool;
 * the module's {@code schema.sql}. {@link #close()} closes the pool and drops the database or schema.
 */
public final class BenchDatabase implements AutoCloseable {

    private static final int POOL_SIZE = 16;
    private static final long LOCK_TIMEOUT_MILLIS = 8_000;

    private final String label;
    private final String adminUrl;
    private final String name;
    private final boolean postgres;
    private final HikariDataSource pool;

    private BenchDatabase(String label, String adminUrl, String name, boolean postgres, HikariDataSource pool) {
        this.label = label;
        this.adminUrl = adminUrl;
        this.name = name;
        this.postgres = postgres;
        this.pool = pool;
    }

    public static BenchDatabase h2() throws SQLException {
        String name = uniqueName();
        String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        BenchDatabase db = new BenchDatabase("H2 (in memory)", url, name, false, pool(url, "SET LOCK_TIMEOUT " + LOCK_TIMEOUT_MILLIS, name));
        db.createTables();
        return db;
    }

    public static BenchDatabase postgres(String url) throws SQLException {
        String schema = uniqueName();
        try (Connection admin = DriverManager.getConnection(url); Statement statement = admin.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        HikariDataSource pool = pool(url, "SET search_path TO " + schema + "; SET lock_timeout = '" + LOCK_TIMEOUT_MILLIS + "ms'",
                schema);
        BenchDatabase db = new BenchDatabase("PostgreSQL", url, schema, true, pool);
        db.createTables();
        return db;
    }

    public String label() {
        return label;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Creates accounts 1..count, each with {@code balance}. */
    public void createAccounts(int count, long balance) throws SQLException {
        try (Connection connection = pool.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO accounts (id, balance) VALUES (?, ?)")) {
            for (int id = 1; id <= count; id++) {
                insert.setLong(1, id);
                insert.setLong(2, balance);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Empties the transfer log between runs (it only grows). */
    public void clearLog() throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(postgres ? "TRUNCATE transaction_log" : "TRUNCATE TABLE transaction_log");
        }
    }

    /** The sum of all balances: unchanged by transfers. */
    public long totalBalance() throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT SUM(balance) FROM accounts")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        pool.close();
        try (Connection connection = DriverManager.getConnection(adminUrl); Statement statement = connection.createStatement()) {
            statement.execute(postgres ? "DROP SCHEMA IF EXISTS " + name + " CASCADE" : "SHUTDOWN");
        }
    }

    private static String uniqueName() {
        return "bench_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    }

    private static HikariDataSource pool(String url, String initSql, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setConnectionInitSql(initSql);
        config.setPoolName(name);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    private void createTables() throws SQLException {
        String script;
        try (InputStream in = BenchDatabase.class.getResourceAsStream("/schema.sql")) {
            if (in == null) {
                throw new IllegalStateException("schema.sql (06-db-locking) is not on the classpath");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String sql = script.lines().filter(l -> !l.strip().startsWith("--")).collect(Collectors.joining("\n"));
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            for (String part : sql.split(";")) {
                if (!part.isBlank()) {
                    statement.execute(part);
                }
            }
        }
    }
}
