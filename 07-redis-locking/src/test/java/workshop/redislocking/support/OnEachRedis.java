package workshop.redislocking.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Runs a test once per Redis server: always the embedded {@code redis-server} the tests start, plus the
 * server named by {@code WORKSHOP_REDIS_URL} when it is set, plus a Testcontainers one with
 * {@code WORKSHOP_TESTCONTAINERS=true} where Docker runs. The test takes one {@link Redis} parameter;
 * the server shows in the test's display name.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "on {0}")
@ArgumentsSource(RedisTargets.class)
public @interface OnEachRedis {
}
