package workshop.dblocking.support;

import java.sql.SQLException;

/**
 * The databases the tests run on, and how each reports lock trouble. The SQLStates differ: code that
 * reacts to lock errors must match the state of the database it runs on.
 */
public enum DatabaseKind {

    /** H2 reports a deadlock as 40001 (serialization failure) and a lock timeout or NOWAIT as HYT00. */
    H2("H2", "40001", "HYT00"),

    /** PostgreSQL reports a deadlock as 40P01 and a lock timeout or NOWAIT as 55P03 (lock not available). */
    POSTGRESQL("PostgreSQL", "40P01", "55P03");

    private final String displayName;
    private final String deadlockState;
    private final String lockNotAvailableState;

    DatabaseKind(String displayName, String deadlockState, String lockNotAvailableState) {
        this.displayName = displayName;
        this.deadlockState = deadlockState;
        this.lockNotAvailableState = lockNotAvailableState;
    }

    public String displayName() {
        return displayName;
    }

    /** The SQLState this database reports when it breaks a deadlock by aborting one transaction. */
    public String deadlockState() {
        return deadlockState;
    }

    /** The SQLState this database reports when a lock wait times out or a NOWAIT lock is taken. */
    public String lockNotAvailableState() {
        return lockNotAvailableState;
    }

    public boolean isDeadlock(SQLException e) {
        return deadlockState.equals(e.getSQLState());
    }

    public boolean isLockNotAvailable(SQLException e) {
        return lockNotAvailableState.equals(e.getSQLState());
    }
}
