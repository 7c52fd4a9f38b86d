package workshop.dblocking.support;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Turns database errors into sentences for failure messages. */
public final class SqlStates {

    private static final Map<String, String> MEANINGS = Map.ofEntries(
            Map.entry("40P01", "PostgreSQL found a deadlock: two transactions each held a row lock the other"
                    + " wanted, and it aborted one of them"),
            Map.entry("40001", "serialization failure; on H2 this is how a deadlock is reported: two transactions"
                    + " each held a row lock the other wanted"),
            Map.entry("55P03", "PostgreSQL could not get a lock in time (lock_timeout or NOWAIT): another"
                    + " transaction held the row"),
            Map.entry("HYT00", "H2 could not get a lock in time (lock timeout or NOWAIT): another transaction held"
                    + " the row"),
            Map.entry("23514", "PostgreSQL: a CHECK constraint failed (balance >= 0?): a balance would have gone"
                    + " negative, so the balance that was checked was not the balance that was updated"),
            Map.entry("23513", "H2: a CHECK constraint failed (balance >= 0?): a balance would have gone negative,"
                    + " so the balance that was checked was not the balance that was updated"),
            Map.entry("23503", "a foreign key failed: a log row names an account that does not exist"),
            Map.entry("23502", "a NOT NULL column got no value"),
            Map.entry("25P02", "PostgreSQL refuses every statement after an error until the transaction is"
                    + " rolled back"));

    private SqlStates() {
    }

    /** The first SQLException in the cause chain of {@code t}, or null. */
    public static SQLException sqlExceptionIn(Throwable t) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            if (c instanceof SQLException e) {
                return e;
            }
        }
        return null;
    }

    /** "SQLState 40P01 (PostgreSQL found a deadlock ...)", or the exception itself if no SQL error is in it. */
    public static String explain(Throwable t) {
        SQLException e = sqlExceptionIn(t);
        if (e == null) {
            return t.toString();
        }
        return explain(e);
    }

    public static String explain(SQLException e) {
        String meaning = MEANINGS.get(e.getSQLState());
        String firstLine = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return "SQLState " + e.getSQLState() + (meaning == null ? "" : " (" + meaning + ")") + ": " + firstLine;
    }
}
