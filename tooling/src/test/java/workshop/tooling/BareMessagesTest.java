package workshop.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BareMessagesTest {

    @Test
    void libraryWordingAloneIsBare() {
        assertThat(BareMessages.bare("\nExpecting code to raise a throwable.")).isPresent();
        assertThat(BareMessages.bare("AssertionError: Expecting value to be true but was false")).isPresent();
        assertThat(BareMessages.bare("expected: <true> but was: <false>")).isPresent();
        assertThat(BareMessages.bare("NoSuchElementException")).isPresent();
        assertThat(BareMessages.bare("java.util.NoSuchElementException: deque is empty")).isPresent();
        assertThat(BareMessages.bare("execute() timed out after 10 seconds")).isPresent();
        assertThat(BareMessages.bare("java.util.concurrent.TimeoutException")).isPresent();
        assertThat(BareMessages.bare("org.awaitility.core.ConditionTimeoutException: Condition with Lambda expression"
                + " in Foo was not fulfilled within 2 seconds.")).isPresent();
    }

    @Test
    void aMessageThatSaysWhatHappenedIsNot() {
        assertThat(BareMessages.bare("[unlock() by a thread that does not hold the lock must throw] \nExpecting code to raise a throwable."))
                .isEmpty();
        assertThat(BareMessages.bare("expected 400000 deposits, saw 371204: 28796 updates were lost")).isEmpty();
        assertThat(BareMessages.bare("UnsupportedOperationException: TODO 01-locks exercise 2: SimpleMutex.lock()")).isEmpty();
        assertThat(BareMessages.bare("org.awaitility.core.ConditionTimeoutException: Condition with alias 'the lease to"
                + " report loss' didn't complete within 3 seconds")).isEmpty();
    }
}
