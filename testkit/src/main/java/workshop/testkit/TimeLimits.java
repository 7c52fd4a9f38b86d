package workshop.testkit;

import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Finds a test's time limit: its {@link TimeLimit} (or JUnit's {@code @Timeout}), else the configured default
 * {@code workshop.timeout.default}; scaled by {@link TimeFactor}.
 */
final class TimeLimits {

    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+)\\s*(ns|μs|ms|s|m|h|d)?\\s*", Pattern.CASE_INSENSITIVE);

    /** Used when neither an annotation nor junit-platform.properties says anything. */
    static final Duration FALLBACK = Duration.ofSeconds(10);

    private TimeLimits() {
    }

    /** The parameter (junit-platform.properties) with the default limit. */
    static final String DEFAULT_PARAMETER = "workshop.timeout.default";

    static Duration forTest(ExtensionContext context, boolean template) {
        return TimeFactor.scaled(unscaled(context));
    }

    private static Duration unscaled(ExtensionContext context) {
        Optional<Duration> annotated = context.getTestMethod().flatMap(TimeLimits::annotated);
        if (annotated.isPresent()) {
            return annotated.get();
        }
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            annotated = annotated(c);
            if (annotated.isPresent()) {
                return annotated.get();
            }
        }
        return context.getConfigurationParameter(DEFAULT_PARAMETER).flatMap(TimeLimits::parse).orElse(FALLBACK);
    }

    private static Optional<Duration> annotated(AnnotatedElement element) {
        TimeLimit limit = element.getAnnotation(TimeLimit.class);
        if (limit != null) {
            return Optional.of(Duration.ofSeconds(limit.value()));
        }
        Timeout timeout = element.getAnnotation(Timeout.class);
        return timeout == null ? Optional.empty()
                : Optional.of(Duration.ofNanos(timeout.unit().toNanos(timeout.value())));
    }

    static Optional<Duration> parse(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        TimeUnit timeUnit = switch (unit) {
            case "ns" -> TimeUnit.NANOSECONDS;
            case "μs" -> TimeUnit.MICROSECONDS;
            case "ms" -> TimeUnit.MILLISECONDS;
            case "m" -> TimeUnit.MINUTES;
            case "h" -> TimeUnit.HOURS;
            case "d" -> TimeUnit.DAYS;
            default -> TimeUnit.SECONDS;
        };
        return Optional.of(Duration.ofNanos(timeUnit.toNanos(amount)));
    }
}
