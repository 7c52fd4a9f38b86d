package workshop;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import workshop.redislocking.support.LocalRedisServer;

/**
 * The room check for the day before a workshop (INSTRUCTORS.md, "Before the day"):
 * {@code ./mvnw -q test -pl solutions -Dtest=SetupCheckTest}. Building this module has already
 * proved that Maven, the JDK and every dependency work; these tests check what runs at test time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SetupCheckTest {

    @Test
    @Order(1)
    void theJdkIs21OrNewer() {
        int feature = Runtime.version().feature();
        assertThat(feature).withFailMessage("Java %s at %s: the workshop needs 21 or newer; set JAVA_HOME to a JDK 21+",
                Runtime.version(), System.getProperty("java.home")).isGreaterThanOrEqualTo(21);
        System.out.printf("[setup] OK  JDK %s (%s)%n", Runtime.version(), System.getProperty("java.home"));
    }

    @Test
    @Order(2)
    void anInMemoryDatabaseStarts() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:setup-check");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT 41 + 1")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getInt(1)).isEqualTo(42);
        }
        System.out.println("[setup] OK  H2 in-memory database (06-db-locking needs nothing installed)");
        String postgres = System.getenv("WORKSHOP_POSTGRES_URL");
        if (postgres != null && !postgres.isBlank()) {
            try (Connection connection = DriverManager.getConnection(postgres)) {
                System.out.println("[setup] OK  PostgreSQL " + connection.getMetaData().getDatabaseProductVersion()
                        + " at WORKSHOP_POSTGRES_URL");
            }
        }
    }

    @Test
    @Order(3)
    void anEmbeddedRedisServerStartsAndAnswers() {
        try (LocalRedisServer server = LocalRedisServer.start()) {
            RedisClient redis = server.newClient(java.time.Duration.ofSeconds(2)); // closed with the server
            assertThat(redis.ping()).isEqualTo("PONG");
            String version = redis.info("server").lines().filter(l -> l.startsWith("redis_version:"))
                    .findFirst().orElse("redis_version:?").substring("redis_version:".length()).trim();
            System.out.printf("[setup] OK  redis-server %s on 127.0.0.1:%d (07-redis-locking needs nothing installed)%n",
                    version, server.port());
        }
        String external = System.getenv("WORKSHOP_REDIS_URL");
        if (external != null && !external.isBlank()) {
            try (Jedis redis = new Jedis(java.net.URI.create(external))) {
                assertThat(redis.ping()).isEqualTo("PONG");
                System.out.println("[setup] OK  Redis at WORKSHOP_REDIS_URL answers");
            }
        }
    }
}
