package workshop.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test that passes against the exercise's skeleton by design, for example an argument check
 * the skeleton already has. The skeleton check (`./mvnw verify -Pcheck`) fails on every test that passes
 * against a skeleton without this mark, and lists the marked ones with their reasons.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface PassesOnSkeleton {

    /** Why this test cannot tell the skeleton from a solution. */
    String value();
}
