package workshop.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test's time limit when the default (10 s, {@code workshop.timeout.default}) is not enough, in seconds before
 * {@link TimeFactor} scales it. {@link WorkshopExtension} enforces it preemptively, with a report of where the
 * test's threads are; while a debugger is attached it does not (see {@link Debugger}). Use it instead of JUnit's
 * {@code @Timeout}, whose limit nothing scales.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface TimeLimit {

    /** Seconds, before scaling. */
    long value();
}
