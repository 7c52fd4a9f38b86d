package workshop.redislocking.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts and stops the Redis servers of {@link RedisTest} classes: gives tests a {@link LocalRedis}
 * parameter and stops its servers right after the test, and stops the class's shared servers right after
 * the class. (Right after, not when JUnit closes its stores: this extension's callbacks run before
 * testkit's thread-leak check, which would otherwise see the threads that wait for the server processes.)
 */
public final class RedisExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalRedis.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(LocalRedis.class, k -> new LocalRedis(), LocalRedis.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LocalRedis servers = context.getStore(NAMESPACE).remove(LocalRedis.class, LocalRedis.class);
        if (servers != null) {
            servers.close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RedisTargets.Servers servers = context.getStore(NAMESPACE).remove(RedisTargets.Servers.class,
                RedisTargets.Servers.class);
        if (servers != null) {
            servers.close();
        }
    }
}
