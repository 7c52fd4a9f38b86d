package workshop.tooling;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Failure messages that teach nothing: a library's own wording with no word of what was observed in the learner's
 * terms or what to do ("Expecting code to raise a throwable.", "expected: <true> but was: <false>", a raw
 * {@code NoSuchElementException}, a time limit with no explanation). The check fails on any such failure, against
 * a skeleton or a wrong solution: give the assertion a message ({@code withFailMessage}, {@code as}, or the message
 * argument of {@code assertTrue}).
 */
final class BareMessages {

    private static final Pattern BARE = Pattern.compile(
            "^(?:[\\w.]*(?:AssertionFailedError|AssertionError): ?)?(?:"
                    + "Expecting code to raise a throwable\\.?"
                    + "|Expecting value to be (?:true|false).*"
                    + "|Expecting (?:actual|empty|not to be empty|code not to raise a throwable).*"
                    + "|expected: <?(?:true|false)>? but was: <?(?:true|false)>?"
                    + "|expected: .*"
                    + "|(?:\\w+\\(\\) )?timed out after \\d+ \\w+"
                    + "|[\\w.]*NoSuchElementException(?::.*)?"
                    + "|(?:java\\.util\\.concurrent\\.)?TimeoutException(?::.*)?"
                    + "|(?:org\\.awaitility\\.core\\.)?ConditionTimeoutException: (?!Condition with alias).*"
                    + ")\\s*$");

    private BareMessages() {
    }

    /** The bare first line of {@code message}, if it is one. */
    static Optional<String> bare(String message) {
        if (message == null) {
            return Optional.empty();
        }
        for (String line : message.split("\n")) {
            String first = line.strip();
            if (first.isEmpty()) {
                continue;
            }
            return BARE.matcher(first).matches() ? Optional.of(first) : Optional.empty();
        }
        return Optional.empty();
    }
}
