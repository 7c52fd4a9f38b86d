package workshop.redislocking.support;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;

/**
 * A Redis in a Docker container, for {@code WORKSHOP_TESTCONTAINERS=true}. Loaded only then, so the
 * Testcontainers classes cost nothing on ordinary runs. Without a Docker engine it says so once and the
 * tests run on the embedded server alone.
 */
final class ContainerRedis implements AutoCloseable {

    private static final DockerImageName IMAGE = DockerImageName.parse("redis:7.4-alpine");
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    static {
        // Testcontainers logs an ERROR block when it finds no Docker; the one line below says it better.
        System.setProperty("org.slf4j.simpleLogger.log.org.testcontainers", "off");
        System.setProperty("org.slf4j.simpleLogger.log.com.github.dockerjava", "off");
    }

    private final GenericContainer<?> container;

    private ContainerRedis(GenericContainer<?> container) {
        this.container = container;
    }

    static Optional<ContainerRedis> startIfDockerRuns() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            if (TOLD.compareAndSet(false, true)) {
                System.out.println("[redis] " + RedisTargets.TESTCONTAINERS + "=true, but no Docker engine answers:"
                        + " running on the embedded redis-server only.");
            }
            return Optional.empty();
        }
        GenericContainer<?> container = new GenericContainer<>(IMAGE).withExposedPorts(6379)
                .withCommand("redis-server", "--save", "", "--appendonly", "no");
        container.start();
        return Optional.of(new ContainerRedis(container));
    }

    RedisTarget target() {
        return new RedisTarget("Testcontainers " + IMAGE.asCanonicalNameString(),
                new HostAndPort(container.getHost(), container.getMappedPort(6379)),
                DefaultJedisClientConfig.builder().build(), true);
    }

    @Override
    public void close() {
        container.stop();
    }
}
