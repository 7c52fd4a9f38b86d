package workshop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class LincheckVerdictsTest {

    private String reuseBefore;

    @BeforeEach
    void reuseOn() {
        reuseBefore = System.getProperty(LincheckVerdicts.PROPERTY);
        System.setProperty(LincheckVerdicts.PROPERTY, "true"); // the check turns it off for exercise tests only
    }

    @AfterEach
    void restoreReuse() {
        if (reuseBefore == null) {
            System.clearProperty(LincheckVerdicts.PROPERTY);
        } else {
            System.setProperty(LincheckVerdicts.PROPERTY, reuseBefore);
        }
    }

    @Test
    @TimeLimit(60) // three model checks: on a busy machine more than the default 10 s
    void aPassIsRememberedAndTheSameBytecodeIsNotModelCheckedAgain() {
        LincheckVerdicts.forTestClass(AtomicCounterCheck.class).orElseThrow().forget(AtomicCounterCheck.class);
        int before = AtomicCounterCheck.INSTANCES.get();
        LincheckBudget.check(LincheckBudget.modelChecking(), AtomicCounterCheck.class, "unexpected");
        int afterFirst = AtomicCounterCheck.INSTANCES.get();
        assertThat(afterFirst).as("the first check model-checks: Lincheck creates the test class").isGreaterThan(before);

        LincheckBudget.check(LincheckBudget.modelChecking(), AtomicCounterCheck.class, "unexpected");
        assertThat(AtomicCounterCheck.INSTANCES.get()).as("the same bytecode passed before: no model checking")
                .isEqualTo(afterFirst);

        LincheckBudget.check(LincheckBudget.modelChecking().iterations(LincheckBudget.ITERATIONS + 1),
                AtomicCounterCheck.class, "unexpected");
        assertThat(AtomicCounterCheck.INSTANCES.get()).as("other options are another check: it runs")
                .isGreaterThan(afterFirst);
    }

    @Test
    @TimeLimit(60) // two model checks that fail, each minimizing its scenario: more than 10 s on a busy machine
    void aFailureIsNeverRememberedAndAlwaysReportsItsInterleaving() {
        for (int run = 1; run <= 2; run++) {
            int before = RacyCounterCheck.INSTANCES.get();
            assertThatThrownBy(() -> LincheckBudget.check(LincheckBudget.modelChecking(), RacyCounterCheck.class,
                    "lost update"))
                    .isInstanceOf(AssertionFailedError.class).hasMessageStartingWith("lost update");
            assertThat(RacyCounterCheck.INSTANCES.get()).as("run %d model-checks again", run).isGreaterThan(before);
        }
    }

    @Test
    void reuseIsOffWhenThePropertySaysFalse() {
        System.setProperty(LincheckVerdicts.PROPERTY, "false");
        assertThat(LincheckVerdicts.forTestClass(AtomicCounterCheck.class)).isEmpty();
    }

    @Test
    void theKeyCoversEveryClassTheCheckReachesAndChangesWithAnyOfThem(@TempDir Path classes) throws Exception {
        for (Class<?> type : new Class<?>[] {Reaching.class, ReachedByType.class, ReachedByName.class, ReachedFurther.class}) {
            copyClassFile(type, classes);
        }
        Object options = LincheckBudget.modelChecking();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
            Class<?> reaching = loader.loadClass(Reaching.class.getName());
            String original = LincheckVerdicts.key(reaching, options);
            assertThat(LincheckVerdicts.namesIn(Files.readAllBytes(classFile(classes, Reaching.class)))).contains(
                    internalName(ReachedByType.class), internalName(ReachedByName.class));

            for (Class<?> changed : new Class<?>[] {Reaching.class, ReachedByType.class, ReachedByName.class, ReachedFurther.class}) {
                Path file = classFile(classes, changed);
                byte[] bytes = Files.readAllBytes(file);
                Files.write(file, new byte[] {0}, StandardOpenOption.APPEND); // other bytes, same constant pool
                assertThat(LincheckVerdicts.key(reaching, options)).as("the key after %s changed", changed.getSimpleName())
                        .isNotEqualTo(original);
                Files.write(file, bytes);
            }
            assertThat(LincheckVerdicts.key(reaching, options)).as("the same bytes give the same key").isEqualTo(original);
            assertThat(LincheckVerdicts.key(reaching, LincheckBudget.modelChecking().actorsBefore(0)))
                    .as("other options give another key").isNotEqualTo(original);
        }
    }

    private static void copyClassFile(Class<?> type, Path root) throws IOException {
        Path target = classFile(root, type);
        Files.createDirectories(target.getParent());
        try (InputStream in = type.getClassLoader().getResourceAsStream(internalName(type) + ".class")) {
            Files.copy(in, target);
        }
    }

    private static Path classFile(Path root, Class<?> type) {
        return root.resolve(internalName(type) + ".class");
    }

    private static String internalName(Class<?> type) {
        return type.getName().replace('.', '/');
    }

    /** A correct counter: Lincheck passes it. Counts the instances Lincheck creates. */
    public static class AtomicCounterCheck {
        static final AtomicInteger INSTANCES = new AtomicInteger();
        private final AtomicInteger value = new AtomicInteger();

        public AtomicCounterCheck() {
            INSTANCES.incrementAndGet();
        }

        @Operation
        public int increment() {
            return value.incrementAndGet();
        }

        @Operation
        public int get() {
            return value.get();
        }
    }

    /** A counter that loses updates: Lincheck fails it. */
    public static class RacyCounterCheck {
        static final AtomicInteger INSTANCES = new AtomicInteger();
        private volatile int value;

        public RacyCounterCheck() {
            INSTANCES.incrementAndGet();
        }

        @Operation
        public int increment() {
            return ++value;
        }

        @Operation
        public int get() {
            return value;
        }
    }

    /** Reaches one class by its type and one only by its name in a string, as reflection would. */
    static final class Reaching {
        ReachedByType field;

        Object byName() throws ClassNotFoundException {
            return Class.forName("workshop.testkit.LincheckVerdictsTest$ReachedByName");
        }
    }

    static final class ReachedByType {
        ReachedFurther further;
    }

    static final class ReachedByName {
    }

    static final class ReachedFurther {
    }
}
