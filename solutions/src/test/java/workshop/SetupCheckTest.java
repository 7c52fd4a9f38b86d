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
import java.net.ServerSocket;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * The room check for the day before a workshop (INSTRUCTORS.md, "Before the day"):
 * {@code ./mvnw -q test -pl solutions -Dtest=SetupCheckTest}. Building this module has already
 * proved that Maven and the JDK work; these tests check what runs at test time.
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
    void anEmbeddedRedisServerStartsAndAnswers() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"")
                .setting("appendonly no").onShutdownForceStop(true).build();
        server.start();
        try (RedisClient redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", port))
                .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(2_000).build()).build()) {
            assertThat(redis.ping()).isEqualTo("PONG");
            String version = redis.info("server").lines().filter(l -> l.startsWith("redis_version:"))
                    .findFirst().orElse("redis_version:?").substring("redis_version:".length()).trim();
            System.out.printf("[setup] OK  redis-server %s on 127.0.0.1:%d (07-redis-locking needs nothing installed)%n",
                    version, port);
        } finally {
            server.stop();
        }
        String external = System.getenv("WORKSHOP_REDIS_URL");
        if (external != null && !external.isBlank()) {
            try (RedisClient redis = RedisClient.create(java.net.URI.create(external))) {
                assertThat(redis.ping()).isEqualTo("PONG");
                System.out.println("[setup] OK  Redis at WORKSHOP_REDIS_URL answers");
            }
        }
    }
}
