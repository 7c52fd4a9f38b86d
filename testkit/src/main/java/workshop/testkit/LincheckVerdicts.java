package workshop.testkit;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Remembers which Lincheck checks passed, and for which bytecode, so that a learner's next run does not model-check
 * again code that has not changed (like a build cache: same inputs, same verdict). Model checking is deterministic:
 * the same classes, the same Lincheck, the same JDK explore the same scenarios and interleavings, so a check that
 * passed passes again; only a pass is remembered, and a failure always runs (its interleaving is printed).
 *
 * <p>The key of a check is a SHA-256 over the JDK and Lincheck versions, the test class, and the bytes of every
 * class it can reach that is loaded from a directory (the module's classes, its tests, the testkit): the test class,
 * every class its constant pool names (in a type, a signature, a descriptor or a string such as
 * {@code "workshop.locks.Helper"}), and so on transitively. Classes from jars (the JDK, Lincheck, JUnit) are fixed
 * by the versions in the key. A changed exercise file therefore changes the key of every check that reaches it.
 *
 * <p>Verdicts live in {@code target/lincheck-verdicts/}, gone with {@code clean}. The check ({@code -Pcheck}) and
 * the wrong-solution runner turn reuse off ({@code -Dworkshop.lincheck.reuse=false}); a learner may too.
 *
 * <p>Thread-safety: stateless; concurrent writers of one verdict (two JVMs) each replace the file atomically.
 */
final class LincheckVerdicts {

    /** The system property that turns reuse off ({@code false}); on by default. */
    static final String PROPERTY = "workshop.lincheck.reuse";

    private static final String FORMAT = "lincheck-verdict-1";
    private static final Pattern INTERNAL_NAME = Pattern.compile("[\\w$]+(?:/[\\w$]+)+");
    private static final Pattern DESCRIBED_TYPE = Pattern.compile("L([\\w$]+(?:/[\\w$]+)+)[;<]");
    private static final Pattern DOTTED_NAME = Pattern.compile("[A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+");
    private static final List<String> VERSIONED_PREFIXES = List.of("java/", "javax/", "jdk/", "sun/", "kotlin/",
            "kotlinx/", "org/jetbrains/", "org/junit/", "org/opentest4j/", "org/assertj/", "org/awaitility/", "net/bytebuddy/");

    private final Path directory;

    private LincheckVerdicts(Path directory) {
        this.directory = directory;
    }

    /** Verdicts for checks of {@code testClass}, if reuse is on and its classes come from a build's {@code target/}. */
    static Optional<LincheckVerdicts> forTestClass(Class<?> testClass) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").strip())) {
            return Optional.empty();
        }
        return targetDirectoryOf(testClass).map(target -> new LincheckVerdicts(target.resolve("lincheck-verdicts")));
    }

    /**
     * Runs {@code check} (a Lincheck check of {@code testClass} with {@code options}) unless the same check passed
     * before on the same bytecode. A pass is remembered only if no class file changed while the check ran (watch mode
     * may recompile meanwhile); a failure forgets any earlier pass and propagates.
     */
    static void runUnlessPassedBefore(Class<?> testClass, Object options, Runnable check) {
        Optional<LincheckVerdicts> reuse = forTestClass(testClass);
        if (reuse.isEmpty()) {
            check.run();
            return;
        }
        LincheckVerdicts verdicts = reuse.get();
        String key = key(testClass, options);
        if (verdicts.passedBefore(testClass, key)) {
            return; // the same bytecode passed this same check before: model checking is deterministic
        }
        try {
            check.run();
        } catch (AssertionError failure) {
            verdicts.forget(testClass);
            throw failure;
        }
        if (key.equals(key(testClass, options))) {
            verdicts.rememberPass(testClass, key);
        }
    }

    /** Whether a check of {@code testClass} passed before with exactly this {@code key}. */
    private boolean passedBefore(Class<?> testClass, String key) {
        Path file = fileFor(testClass);
        try {
            return Files.isRegularFile(file) && Files.readString(file, StandardCharsets.US_ASCII).strip().equals(key);
        } catch (IOException e) {
            return false; // unreadable: check again
        }
    }

    /** Remembers that the check of {@code testClass} passed with {@code key}. */
    private void rememberPass(Class<?> testClass, String key) {
        Path file = fileFor(testClass);
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
            Files.writeString(temporary, key + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // not remembered: the next run checks again, which is only slower
        }
    }

    /** Forgets any earlier pass of {@code testClass} (after a failure). */
    void forget(Class<?> testClass) {
        try {
            Files.deleteIfExists(fileFor(testClass));
        } catch (IOException e) {
            // a stale verdict has another key anyway, so it can never match
        }
    }

    private Path fileFor(Class<?> testClass) {
        return directory.resolve(testClass.getName() + ".passed");
    }

    /**
     * The key of a check of {@code testClass}: the versions and the bytes of every class it reaches that is loaded
     * from a directory. Lookups go through the test class's own class loader, so a tool's loader (watch mode's,
     * child first) decides which bytes count, as it decides which classes run.
     */
    static String key(Class<?> testClass, Object options) {
        ClassLoader loader = testClass.getClassLoader();
        Map<String, byte[]> reached = new TreeMap<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.add(testClass.getName().replace('.', '/'));
        while (!pending.isEmpty()) {
            String name = pending.poll();
            if (reached.containsKey(name) || VERSIONED_PREFIXES.stream().anyMatch(name::startsWith)) {
                continue;
            }
            byte[] bytes = classFileInDirectory(loader, name);
            if (bytes == null) {
                continue;
            }
            reached.put(name, bytes);
            pending.addAll(namesIn(bytes));
        }
        MessageDigest digest = sha256();
        update(digest, FORMAT);
        update(digest, System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        update(digest, lincheckLocation());
        update(digest, testClass.getName());
        update(digest, settingsOf(options));
        reached.forEach((name, bytes) -> {
            update(digest, name);
            update(digest, Integer.toString(bytes.length));
            digest.update(bytes);
        });
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The options' settings (every field of their class hierarchy), as text. */
    static String settingsOf(Object options) {
        StringBuilder settings = new StringBuilder(options.getClass().getName());
        for (Class<?> type = options.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    settings.append(' ').append(field.getName()).append('=').append(field.get(options));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // unreadable: a setting the key cannot see would make it unsafe, so never match
                    settings.append(' ').append(field.getName()).append("=unreadable-").append(System.nanoTime());
                }
            }
        }
        return settings.toString();
    }

    /** Every class name a class file mentions: its constant pool's types, descriptors, signatures and strings. */
    static List<String> namesIn(byte[] classFile) {
        List<String> names = new ArrayList<>();
        for (String text : utf8Constants(classFile)) {
            if (INTERNAL_NAME.matcher(text).matches()) {
                names.add(text);
            }
            Matcher described = DESCRIBED_TYPE.matcher(text);
            while (described.find()) {
                names.add(described.group(1));
            }
            Matcher dotted = DOTTED_NAME.matcher(text);
            while (dotted.find()) {
                names.add(dotted.group().replace('.', '/'));
            }
        }
        return names;
    }

    private static List<String> utf8Constants(byte[] classFile) {
        List<String> texts = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            in.readInt(); // magic
            in.readUnsignedShort(); // minor version
            in.readUnsignedShort(); // major version
            int count = in.readUnsignedShort();
            for (int index = 1; index < count; index++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> texts.add(in.readUTF());
                    case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 15 -> in.skipNBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        index++; // a long or a double takes two entries
                    }
                    default -> throw new IllegalArgumentException("not a class file this JDK knows: constant tag " + tag);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return texts;
    }

    private static byte[] classFileInDirectory(ClassLoader loader, String internalName) {
        URL url = loader == null ? null : loader.getResource(internalName + ".class");
        if (url == null || !"file".equals(url.getProtocol())) {
            return null; // not a class, or one from a jar whose version the key already holds
        }
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url, e);
        }
    }

    private static Optional<Path> targetDirectoryOf(Class<?> testClass) {
        try {
            var source = testClass.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null || !"file".equals(source.getLocation().getProtocol())) {
                return Optional.empty();
            }
            for (Path dir = Path.of(source.getLocation().toURI()); dir != null; dir = dir.getParent()) {
                if (dir.getFileName() != null && dir.getFileName().toString().equals("target")) {
                    return Optional.of(dir);
                }
            }
            return Optional.empty();
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String lincheckLocation() {
        try {
            var source = Class.forName("org.jetbrains.kotlinx.lincheck.LinChecker").getProtectionDomain().getCodeSource();
            return source == null ? "lincheck: unknown" : String.valueOf(source.getLocation());
        } catch (ClassNotFoundException e) {
            return "lincheck: absent";
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
