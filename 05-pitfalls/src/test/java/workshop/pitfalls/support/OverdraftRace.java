package workshop.pitfalls.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;
import workshop.testkit.Concurrently;

/**
 * The same-instant overdraft race that both bank exercises must survive. Every round, threads on every core at once
 * try to move 2 out of an account holding 3, each to an account of its own: exactly one may succeed. A busy machine
 * often runs the threads one after the other: the rounds in which they really ran together are counted, and the run
 * goes on until enough did. Use it from a test with {@code @TimeLimit(Concurrently.RACE_SECONDS + 10)}.
 */
public final class OverdraftRace {

    /** Rounds of the race; on a busy machine it goes on, up to ten times as many, until enough overlap. */
    private static final int ROUNDS = 5_000;
    private static final int MAX_ROUNDS = Concurrently.RACE_EXTENSION * ROUNDS;
    /** Fewer overlapping rounds than this, and no overdraft seen: the test says it proved nothing (aborted), not passed. */
    private static final int CONCLUSIVE = 500;

    /** One round's bank, as the race uses it. */
    public interface Bank {
        /** Moves 2 from account 0 to account {@code to}; whether it did. */
        boolean transferTwoFromAccount0(int to) throws Exception;

        long balanceOfAccount0();
    }

    private OverdraftRace() {
    }

    /**
     * Runs the race on banks made by {@code newBank} from the initial balances (account 0 holds 3, the others 0).
     *
     * @param succeeded how the example names a transfer that went through ("succeeded", "were DONE")
     * @param checkUnder where the balance check belongs ("the account's lock", "both locks")
     */
    public static void assertNeverOverdrawn(Function<long[], Bank> newBank, String succeeded, String checkUnder) {
        int threads = Concurrently.cores();
        Bank[] banks = new Bank[MAX_ROUNDS];
        for (int r = 0; r < MAX_ROUNDS; r++) {
            long[] balances = new long[threads + 1];
            balances[0] = 3;
            banks[r] = newBank.apply(balances);
        }
        AtomicIntegerArray successes = new AtomicIntegerArray(MAX_ROUNDS);

        Concurrently.Lockstep run = Concurrently.threads(threads).named("teller").race(ROUNDS, (t, round) -> {
                    if (banks[round].transferTwoFromAccount0(t + 1)) {
                        successes.incrementAndGet(round);
                    }
                });

        int rounds = run.rounds();
        int wrongRounds = 0;
        String example = "";
        for (int r = 0; r < rounds; r++) {
            if (successes.get(r) != 1 || banks[r].balanceOfAccount0() != 1) {
                if (wrongRounds++ == 0) {
                    example = successes.get(r) + " transfers of 2 " + succeeded + " and account 0 holds "
                            + banks[r].balanceOfAccount0();
                }
            }
        }
        assertThat(wrongRounds).withFailMessage(
                "in %d of %d rounds an account holding 3 ended wrong (for example: %s). Several transfers checked"
                        + " the balance before any of them took the money (check-then-act): the check must happen"
                        + " while the transfer holds " + checkUnder + ".", wrongRounds, rounds, example).isZero();
        run.abortUnlessOverlapped(CONCLUSIVE);
    }
}
