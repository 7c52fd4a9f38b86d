package workshop.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test (or a test class) that creates deadlocks on purpose, to study them (a deadlock detector's
 * tests, for example). The deadlock watchdog leaves such a test alone; its time limit and the thread-leak
 * check still apply, so the test must break the deadlocks it makes (interruptible locking lets it) and
 * end every thread it started.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface DeadlocksOnPurpose {

    /** What the deadlock is for. */
    String value();
}
