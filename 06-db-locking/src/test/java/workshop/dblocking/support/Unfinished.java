package workshop.dblocking.support;

/** Lets a skeleton's "TODO" through as it is, so that a learner sees what to do rather than a symptom of it. */
public final class Unfinished {

    private Unfinished() {
    }

    /** Throws {@code thrown} itself if it is a skeleton's {@code UnsupportedOperationException("TODO ...")}. */
    public static void rethrowTodo(Throwable thrown) {
        if (thrown instanceof UnsupportedOperationException todo && String.valueOf(todo.getMessage()).startsWith("TODO")) {
            throw todo;
        }
    }
}
