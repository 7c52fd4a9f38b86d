package workshop.redislocking.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that uses Redis servers: {@link OnEachRedis} tests, and tests that take a
 * {@link LocalRedis} parameter to start servers of their own. Every server is stopped when the test (or,
 * for the shared ones, the class) ends.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RedisExtension.class)
public @interface RedisTest {
}
