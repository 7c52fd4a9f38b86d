package workshop.redislocking.support;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks that a secret (a lock's token value) does not show in what an object prints. */
public final class Secrets {

    /** The longest run of a secret's characters that may show: a short prefix to tell two apart in a log. */
    public static final int MAY_SHOW = 8;

    private Secrets() {
    }

    /** Fails if {@code shown}'s {@code toString()} contains any {@value #MAY_SHOW} + 1 characters of {@code secret} in a row. */
    public static void assertHidden(String what, Object shown, String secret) {
        String text = String.valueOf(shown);
        for (int i = 0; i + MAY_SHOW < secret.length(); i++) {
            String piece = secret.substring(i, i + MAY_SHOW + 1);
            assertThat(text.contains(piece)).withFailMessage("%s.toString() is \"%s\": it shows the token's secret"
                    + " value (%s...). Whoever reads it in a log can release or extend the lock. Show at most a short"
                    + " prefix (%d characters) or a hash.", what, text, piece, MAY_SHOW).isFalse();
        }
    }
}
