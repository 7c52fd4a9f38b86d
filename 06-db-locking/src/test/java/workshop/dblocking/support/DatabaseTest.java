package workshop.dblocking.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that runs once on every configured database (H2 always; PostgreSQL when
 * {@code WORKSHOP_POSTGRES_URL} is set or {@code WORKSHOP_TESTCONTAINERS=true} finds Docker), each time
 * on a fresh {@link TestDatabase} it receives as a parameter. The database shows in the test's name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@TestTemplate
@ExtendWith(Databases.class)
public @interface DatabaseTest {
}
