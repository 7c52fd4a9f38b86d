package workshop.locks;

/** Exercise 4: README "4. Counters". The tests are in {@link CounterContract}. */
public class CasCounterTest extends CounterContract {

    @Override
    Counter newCounter() {
        return new CasCounter();
    }
}
