package workshop.dblocking;

/**
 * Moves money between two accounts of the {@code accounts} table ({@code schema.sql}) and records
 * every transfer it decides in {@code transaction_log}.
 *
 * <p>Contract, whatever the locking strategy:
 * <ul>
 *   <li>{@code fromId == toId} and {@code amount <= 0} throw {@link IllegalArgumentException} before any
 *       SQL runs;</li>
 *   <li>an id with no account throws {@link IllegalArgumentException} naming the id, and changes nothing;</li>
 *   <li>{@link TransferResult.Status#COMMITTED}: both balances and the log row {@code COMMITTED} were
 *       committed in one transaction, and both accounts' {@code version} went up by one;</li>
 *   <li>{@link TransferResult.Status#INSUFFICIENT_FUNDS}: no balance changed; one log row
 *       {@code ABORTED} was committed;</li>
 *   <li>{@link TransferResult.Status#CONFLICT}: the transfer gave up (optimistic locking only); nothing
 *       was written;</li>
 *   <li>a transfer the source covers but whose destination balance would go beyond {@link Long#MAX_VALUE}
 *       throws {@link ArithmeticException} with a message that says "overflow", decided on the balances
 *       read in the transaction and before anything is written: nothing changes, not even the log (no
 *       money is lost or created; {@code balance + amount} in Java would wrap around to a negative
 *       number);</li>
 *   <li>a database failure is thrown as an unchecked exception whose cause is the
 *       {@link java.sql.SQLException}; the transaction was rolled back and the connection returned.</li>
 * </ul>
 * Implementations are thread-safe: any number of threads may call {@link #transfer} at once.
 */
public interface TransferService {

    /**
     * Moves {@code amount} from account {@code fromId} to account {@code toId}, if {@code fromId} holds
     * at least {@code amount}.
     *
     * @return what happened, and in how many database transactions it was tried
     * @throws IllegalArgumentException if {@code fromId == toId}, {@code amount <= 0}, or an account
     *         does not exist
     * @throws ArithmeticException if the source covers {@code amount} but the destination's balance plus
     *         {@code amount} would exceed {@link Long#MAX_VALUE} (an overflow); nothing was written
     */
    TransferResult transfer(long fromId, long toId, long amount);
}
