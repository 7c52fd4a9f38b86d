package workshop.dblocking.support;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** A PostgreSQL container for the whole test run, started on first use (only when asked for). */
final class Containers {

    private static final String IMAGE = "postgres:15-alpine";

    private Containers() {
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /** The container's JDBC URL with user and password; starts the container the first time. */
    static String postgresUrl() {
        return Holder.URL;
    }

    private static final class Holder {
        static final String URL = start();

        @SuppressWarnings("resource") // lives as long as the test JVM; Testcontainers removes it afterwards
        private static String start() {
            PostgreSQLContainer container = new PostgreSQLContainer(IMAGE);
            container.start();
            String url = container.getJdbcUrl();
            return url + (url.contains("?") ? "&" : "?") + "user=" + container.getUsername() + "&password="
                    + container.getPassword();
        }
    }
}
