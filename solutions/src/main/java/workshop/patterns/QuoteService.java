package workshop.patterns;

/**
 * A remote service that quotes prices: every call is slow, blocking I/O, and may fail.
 *
 * <p>Implementations may be called from several threads at once. A call that blocks should end with an
 * {@link InterruptedException} when its thread is interrupted, so that callers can give up on it.
 */
@FunctionalInterface
public interface QuoteService {

    /**
     * Asks the service for its price for {@code item}.
     *
     * @return the service's quote, or null if it has none
     * @throws Exception if the call fails (I/O error, refusal, interruption)
     */
    Quote quote(String item) throws Exception;
}
