package workshop.testkit;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule for the "First failure" a progress summary shows (Maven's, watch mode's, an IDE's):
 *
 * <p><b>The first failure shown for an exercise is that of its failing test which comes first in the test class's
 * source, the class's own tests before those it inherits from a contract.</b>
 *
 * <p>So a test class declares first the test whose message teaches the exercise's lesson (for {@code BankAccount},
 * the one that says a lock on {@code deposit()} alone does not stop {@code withdraw()}), then the edge cases, and
 * the Lincheck check, whose interleaving table is printed in full above the summary, after those.
 */
public final class FirstFailure {

    /** The rule, in one sentence, for messages and docs. */
    public static final String RULE = "the failing test that comes first in its test class's source (the class's own"
            + " tests before a contract's) is shown first";

    private static final String TESTABLE = "org.junit.platform.commons.annotation.Testable";

    private FirstFailure() {
    }

    /**
     * The test methods of {@code testClass} in the rule's order: the class's own in source order, then its base
     * classes', each in source order ({@code testSources}: the module's {@code src/test/java}).
     */
    public static List<String> order(Class<?> testClass, Path testSources) {
        Set<String> found = new LinkedHashSet<>();
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (isTest(m)) {
                    found.add(m.getName());
                }
            }
        }
        Map<Long, String> byPosition = new TreeMap<>();
        long offset = 0;
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            Path source = testSources.resolve(c.getName().replace('.', '/') + ".java");
            String text = "";
            try {
                text = Files.isRegularFile(source) ? Files.readString(source, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                // unreadable source: its tests keep the order reflection gives
            }
            for (String name : found) {
                if (byPosition.containsValue(name)) {
                    continue;
                }
                Matcher m = Pattern.compile("\\b\\w+\\s+" + Pattern.quote(name) + "\\s*\\(").matcher(text);
                if (m.find()) {
                    byPosition.put(offset + m.start(), name);
                }
            }
            offset += text.length() + 1L;
        }
        List<String> ordered = new ArrayList<>(byPosition.values());
        found.stream().filter(n -> !ordered.contains(n)).forEach(ordered::add);
        return ordered;
    }

    private static boolean isTest(Method method) {
        for (Annotation a : method.getAnnotations()) {
            if (a.annotationType().getName().equals(TESTABLE)) {
                return true;
            }
            for (Annotation meta : a.annotationType().getAnnotations()) {
                if (meta.annotationType().getName().equals(TESTABLE)) {
                    return true;
                }
            }
        }
        return false;
    }
}
