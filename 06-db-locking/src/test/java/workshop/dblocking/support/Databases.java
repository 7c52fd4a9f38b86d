package workshop.dblocking.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Runs each {@link DatabaseTest} once per configured database, on a fresh {@link TestDatabase}, and
 * checks afterwards that every connection went back to the pool.
 *
 * <p>Configuration, read once per test run:
 * <ul>
 *   <li>H2 in memory: always;</li>
 *   <li>{@code WORKSHOP_POSTGRES_URL} (environment variable, or system property
 *       {@code workshop.postgres.url}): a JDBC URL of a PostgreSQL database the tests may create schemas
 *       in, for example {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres};</li>
 *   <li>{@code WORKSHOP_TESTCONTAINERS=true}: a PostgreSQL container, if a Docker engine answers.</li>
 * </ul>
 */
public final class Databases implements TestTemplateInvocationContextProvider {

    /** The environment variable that names a PostgreSQL database. */
    public static final String POSTGRES_URL_VARIABLE = "WORKSHOP_POSTGRES_URL";

    /** The environment variable that asks for a PostgreSQL container. */
    public static final String TESTCONTAINERS_VARIABLE = "WORKSHOP_TESTCONTAINERS";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Databases.class);

    /** A place fresh test databases come from. */
    private record Target(String label, DatabaseFactory factory) {
    }

    @FunctionalInterface
    private interface DatabaseFactory {
        TestDatabase create() throws Exception;
    }

    private static final class Configured {
        static final List<Target> TARGETS = detect();
    }

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(DatabaseTest.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        String method = context.getRequiredTestMethod().getName();
        return Configured.TARGETS.stream().map(target -> new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return method + " [" + target.label() + "]";
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(new FreshDatabase(target));
            }
        });
    }

    private static List<Target> detect() {
        // The PostgreSQL driver's cleaner thread lingers 30 s after the last connection closed by default;
        // the tests' thread-leak check would take it for a leak.
        if (System.getProperty("pgjdbc.config.cleanup.thread.ttl") == null) {
            System.setProperty("pgjdbc.config.cleanup.thread.ttl", "100");
        }
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("H2", TestDatabase::h2));
        String url = setting(POSTGRES_URL_VARIABLE);
        if (url != null) {
            targets.add(new Target("PostgreSQL", () -> TestDatabase.postgres(url, "PostgreSQL")));
        }
        String containers = setting(TESTCONTAINERS_VARIABLE);
        if (containers != null && containers.equalsIgnoreCase("true")) {
            if (Containers.dockerAvailable()) {
                Supplier<String> containerUrl = Containers::postgresUrl;
                targets.add(new Target("PostgreSQL in Testcontainers",
                        () -> TestDatabase.postgres(containerUrl.get(), "PostgreSQL in Testcontainers")));
            } else {
                System.out.println("[06-db-locking] " + TESTCONTAINERS_VARIABLE + "=true, but no Docker engine answered:"
                        + " no container; the database tests run on H2" + (url == null ? " only" : " and " + POSTGRES_URL_VARIABLE)
                        + ".");
            }
        }
        return List.copyOf(targets);
    }

    private static String setting(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            value = System.getProperty(variable.toLowerCase(Locale.ROOT).replace('_', '.'));
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Creates the test's database before it runs; checks the pool and drops the database after. */
    private record FreshDatabase(Target target) implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

        @Override
        public void beforeEach(ExtensionContext context) throws Exception {
            context.getStore(NAMESPACE).put(TestDatabase.class, target.factory().create());
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == TestDatabase.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getStore(NAMESPACE).get(TestDatabase.class, TestDatabase.class);
        }

        @Override
        public void afterEach(ExtensionContext context) throws Exception {
            TestDatabase db = context.getStore(NAMESPACE).remove(TestDatabase.class, TestDatabase.class);
            if (db == null) {
                return;
            }
            try {
                if (context.getExecutionException().isEmpty()) {
                    db.assertAllConnectionsReturned();
                }
            } finally {
                db.close();
            }
        }
    }
}
