package workshop.dblocking.support;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The {@link DataSource} the code under test gets: it hands out the pool's connections, wrapped so that
 * a test can see every statement they execute and every {@link SQLException} the database raises, and
 * can act just before or after a statement runs (inject a failure, change a row behind the code's
 * back, make two transactions meet at a chosen point).
 */
public final class ObservedDataSource implements DataSource {

    /** What a test does around each statement the code under test executes. Called on the code's thread. */
    public interface Listener {

        /** Called before the statement runs; throwing an SQLException here makes the statement fail with it. */
        default void beforeExecute(Execution execution) throws SQLException {
        }

        /** Called after the statement ran without an exception. */
        default void afterExecute(Execution execution) throws SQLException {
        }
    }

    /**
     * One statement about to run (or just run) in a transaction of the code under test.
     *
     * @param connection which connection (numbered in the order they were taken from this data source)
     * @param sql the statement's SQL text
     * @param writesBefore how many data-changing statements ran before it in the same transaction
     * @param rowLocksBefore how many row-locking statements (writes, {@code SELECT ... FOR UPDATE}) ran
     *        before it in the same transaction
     */
    public record Execution(int connection, String sql, int writesBefore, int rowLocksBefore) {

        private static final Pattern WRITE = Pattern.compile("^\\s*(INSERT|UPDATE|DELETE|MERGE)\\b",
                Pattern.CASE_INSENSITIVE);
        private static final Pattern LOCKING_READ = Pattern.compile("\\bFOR\\s+(NO\\s+KEY\\s+)?(UPDATE|SHARE)\\b",
                Pattern.CASE_INSENSITIVE);

        /** Whether the statement changes data (INSERT, UPDATE, DELETE, MERGE). */
        public boolean isWrite() {
            return WRITE.matcher(sql).find();
        }

        /** Whether the statement takes row locks: a write or a {@code SELECT ... FOR UPDATE/SHARE}. */
        public boolean locksRows() {
            return isWrite() || LOCKING_READ.matcher(sql).find();
        }

        /** Whether the SQL mentions the table (a rough test, good enough for the tables of schema.sql). */
        public boolean mentions(String table) {
            return Pattern.compile("\\b" + Pattern.quote(table) + "\\b", Pattern.CASE_INSENSITIVE).matcher(sql).find();
        }
    }

    private static final Listener NOTHING = new Listener() {
    };

    private final DataSource target;
    private volatile Listener listener = NOTHING;
    private final Queue<SQLException> failures = new ConcurrentLinkedQueue<>();
    private final Queue<String> statements = new ConcurrentLinkedQueue<>();
    private final AtomicInteger connectionsTaken = new AtomicInteger();

    ObservedDataSource(DataSource target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** From now on, {@code listener} sees every statement (replacing the previous one). */
    public void listen(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Every SQLException that a statement, commit or rollback of the code under test raised, in order. */
    public List<SQLException> failures() {
        return List.copyOf(failures);
    }

    /** The SQL of every statement the code under test executed, in order. */
    public List<String> statements() {
        return List.copyOf(statements);
    }

    /** How many connections the code under test took. */
    public int connectionsTaken() {
        return connectionsTaken.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return observe(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return observe(target.getConnection(username, password));
    }

    private Connection observe(Connection connection) throws SQLException {
        int number = connectionsTaken.incrementAndGet();
        return proxy(Connection.class, new ConnectionHandler(connection, number, connection.getAutoCommit()));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : target.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || target.isWrapperFor(type);
    }

    @Override
    public String toString() {
        return "ObservedDataSource(" + target + ")";
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(ObservedDataSource.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object forward(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Tracks one connection's transaction and wraps the statements it creates. */
    private final class ConnectionHandler implements InvocationHandler {
        private final Connection connection;
        private final int number;
        // Only the thread using the connection touches these (JDBC connections are not shared).
        private boolean autoCommit;
        private int writes;
        private int rowLocks;

        ConnectionHandler(Connection connection, int number, boolean autoCommit) {
            this.connection = connection;
            this.number = number;
            this.autoCommit = autoCommit;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            switch (name) {
                case "prepareStatement" -> {
                    return proxy(PreparedStatement.class, new StatementHandler(forward(connection, method, args), this,
                            (String) args[0]));
                }
                case "prepareCall" -> {
                    return proxy(CallableStatement.class, new StatementHandler(forward(connection, method, args), this,
                            (String) args[0]));
                }
                case "createStatement" -> {
                    return proxy(Statement.class, new StatementHandler(forward(connection, method, args), this, null));
                }
                case "commit", "rollback" -> {
                    try {
                        return forward(connection, method, args);
                    } catch (SQLException e) {
                        failures.add(e);
                        throw e;
                    } finally {
                        if (args == null || args.length == 0) { // rollback(Savepoint) does not end the transaction
                            endTransaction();
                        }
                    }
                }
                case "setAutoCommit" -> {
                    Object result = forward(connection, method, args);
                    autoCommit = (Boolean) args[0];
                    endTransaction(); // setAutoCommit(true) commits; (false) starts afresh
                    return result;
                }
                default -> {
                    return forward(connection, method, args);
                }
            }
        }

        void endTransaction() {
            writes = 0;
            rowLocks = 0;
        }

        Object execute(Object statement, Method method, Object[] args, String sql) throws Throwable {
            statements.add(sql);
            Execution execution = new Execution(number, sql, writes, rowLocks);
            Listener current = listener;
            current.beforeExecute(execution);
            Object result;
            try {
                result = forward(statement, method, args);
            } catch (SQLException e) {
                failures.add(e);
                throw e;
            } finally {
                if (execution.isWrite()) {
                    writes++;
                }
                if (execution.locksRows()) {
                    rowLocks++;
                }
            }
            current.afterExecute(execution);
            if (autoCommit) {
                endTransaction();
            }
            return result;
        }
    }

    /** Reports each execution of one statement to its connection. */
    private static final class StatementHandler implements InvocationHandler {
        private final Object statement;
        private final ConnectionHandler connection;
        private final String preparedSql;

        StatementHandler(Object statement, ConnectionHandler connection, String preparedSql) {
            this.statement = statement;
            this.connection = connection;
            this.preparedSql = preparedSql;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().startsWith("execute")) {
                String sql = preparedSql != null ? preparedSql
                        : args != null && args.length > 0 && args[0] instanceof String s ? s : "<batch>";
                return connection.execute(statement, method, args, sql);
            }
            return forward(statement, method, args);
        }
    }
}
