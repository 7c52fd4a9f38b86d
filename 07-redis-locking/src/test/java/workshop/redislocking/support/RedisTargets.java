package workshop.redislocking.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.ParameterDeclarations;

/**
 * The servers {@link OnEachRedis} tests run against. The embedded server (and a Testcontainers one) is
 * started once per test class and stopped when the class is done, also when its tests fail
 * ({@link RedisExtension}).
 */
public final class RedisTargets implements ArgumentsProvider {

    /**
     * Names an external Redis, e.g. {@code redis://127.0.0.1:6379}: tests run on it as well. An environment
     * variable, or the system property {@code -Dworkshop.redis.url=...} (as 06's settings).
     */
    public static final String REDIS_URL = "WORKSHOP_REDIS_URL";

    /**
     * {@code true}: also run on a Redis in a Docker container (Testcontainers), where Docker runs. An
     * environment variable, or the system property {@code -Dworkshop.testcontainers=true}.
     */
    public static final String TESTCONTAINERS = "WORKSHOP_TESTCONTAINERS";

    @Override
    public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
        ExtensionContext owner = context.getParent().orElse(context);
        Servers servers = owner.getStore(RedisExtension.NAMESPACE).getOrComputeIfAbsent(Servers.class, k -> new Servers(),
                Servers.class);
        return servers.targets().stream().map(t -> Arguments.of(new Redis(t)));
    }

    /**
     * A setting: the environment variable {@code variable}, else the system property of the same name in
     * lower case with dots ({@code WORKSHOP_REDIS_URL}: {@code workshop.redis.url}); null when neither is set.
     */
    static String setting(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            value = System.getProperty(variable.toLowerCase(Locale.ROOT).replace('_', '.'));
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The servers of one test class. */
    static final class Servers implements AutoCloseable {
        private final List<Runnable> owned = new ArrayList<>();
        private final List<RedisTarget> targets = new ArrayList<>();

        Servers() {
            LocalRedisServer embedded = LocalRedisServer.start();
            owned.add(embedded::close);
            targets.add(RedisTarget.embedded(embedded));
            String url = setting(REDIS_URL);
            if (url != null) {
                targets.add(RedisTarget.fromUrl(REDIS_URL, url));
            }
            if (Boolean.parseBoolean(setting(TESTCONTAINERS))) {
                ContainerRedis.startIfDockerRuns().ifPresent(container -> {
                    owned.add(container::close);
                    targets.add(container.target());
                });
            }
        }

        List<RedisTarget> targets() {
            return targets;
        }

        @Override
        public void close() {
            owned.forEach(Runnable::run);
        }
    }
}
