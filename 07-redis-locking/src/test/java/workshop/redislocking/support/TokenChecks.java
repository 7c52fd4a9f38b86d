package workshop.redislocking.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Judges lock tokens the way an attacker or an unlucky second client would: are they unique, are they
 * long and random enough to be unguessable, and do they come from a generator whose next output can be
 * computed from the last one?
 */
public final class TokenChecks {

    /** The tokens must carry at least this many bits of entropy (128 bits, less the estimator's bias). */
    public static final double MIN_BITS = 127.0;

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_=-]+");

    private TokenChecks() {
    }

    /** The first repeated token, if any. */
    public static Optional<String> firstDuplicate(List<String> tokens) {
        Set<String> seen = new HashSet<>();
        for (String token : tokens) {
            if (!seen.add(token)) {
                return Optional.of(token);
            }
        }
        return Optional.empty();
    }

    /**
     * Estimates the entropy of the tokens in bits: the sum, over character positions, of the Shannon
     * entropy of the characters seen at that position. A counter, a thread id, a timestamp or a UUID
     * (122 random bits) scores well under 128; 16 or more random bytes in hex or Base64 score about 128
     * or more. (A slight underestimate: the empirical entropy of N samples is biased low by about
     * (symbols - 1) / (2 N ln 2) bits per position.)
     */
    public static double estimatedBits(List<String> tokens) {
        int length = tokens.stream().mapToInt(String::length).min().orElse(0);
        double bits = 0;
        for (int position = 0; position < length; position++) {
            Map<Character, Integer> counts = new HashMap<>();
            for (String token : tokens) {
                counts.merge(token.charAt(position), 1, Integer::sum);
            }
            for (int count : counts.values()) {
                double p = (double) count / tokens.size();
                bits -= p * Math.log(p) / Math.log(2);
            }
        }
        return bits;
    }

    /** How the tokens look encoded, for messages. */
    public static String describe(List<String> tokens) {
        String sample = tokens.isEmpty() ? "" : tokens.get(0);
        String encoding = tokens.stream().allMatch(t -> HEX.matcher(t).matches()) ? "hex"
                : tokens.stream().allMatch(t -> BASE64.matcher(t).matches()) ? "Base64-like" : "text";
        return "e.g. \"" + sample + "\" (" + sample.length() + " characters, " + encoding + ")";
    }

    /**
     * Whether the tokens look like the output of {@code java.util.Random}: its 48-bit state can be
     * recovered from one 32-bit output (2^16 guesses), and the next output predicted. Checks the usual
     * layouts (nextBytes, nextInt/nextLong in either byte order) of hex or Base64 tokens.
     */
    public static boolean looksLikeJavaUtilRandom(List<String> tokens) {
        int predicted = 0;
        for (String token : tokens.subList(0, Math.min(20, tokens.size()))) {
            Optional<byte[]> bytes = decode(token);
            if (bytes.isPresent() && bytes.get().length >= 8 && predictable(bytes.get())) {
                predicted++;
            }
        }
        return predicted >= 2; // one chance match in 20 tokens is possible (about 1 in 10^4); two are not
    }

    private static Optional<byte[]> decode(String token) {
        if (HEX.matcher(token).matches() && token.length() % 2 == 0) {
            return Optional.of(HexFormat.of().parseHex(token));
        }
        try {
            return Optional.of(java.util.Base64.getUrlDecoder().decode(token.replace('+', '-').replace('/', '_')
                    .replace("=", "")));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean predictable(byte[] b) {
        int le0 = (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
        int le1 = (b[4] & 0xFF) | (b[5] & 0xFF) << 8 | (b[6] & 0xFF) << 16 | (b[7] & 0xFF) << 24;
        int be0 = (b[3] & 0xFF) | (b[2] & 0xFF) << 8 | (b[1] & 0xFF) << 16 | (b[0] & 0xFF) << 24;
        int be1 = (b[7] & 0xFF) | (b[6] & 0xFF) << 8 | (b[5] & 0xFF) << 16 | (b[4] & 0xFF) << 24;
        List<int[]> pairs = new ArrayList<>();
        pairs.add(new int[] {le0, le1}); // nextBytes, or nextInt written little-endian
        pairs.add(new int[] {be0, be1}); // nextInt written big-endian
        pairs.add(new int[] {be0 + 1, be1}); // nextLong = (next(32) << 32) + next(32): the high half borrows
        pairs.add(new int[] {le1, le0}); // nextLong written little-endian
        pairs.add(new int[] {le1 + 1, le0});
        for (int[] pair : pairs) {
            if (nextIntFollows(pair[0], pair[1])) {
                return true;
            }
        }
        return false;
    }

    /** Whether some java.util.Random state that output {@code first} outputs {@code second} next. */
    private static boolean nextIntFollows(int first, int second) {
        long mask = (1L << 48) - 1;
        for (long low = 0; low < (1 << 16); low++) {
            long state = ((first & 0xFFFFFFFFL) << 16 | low) & mask;
            long next = (state * 0x5DEECE66DL + 0xBL) & mask;
            if ((int) (next >>> 16) == second) {
                return true;
            }
        }
        return false;
    }
}
