package workshop.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class PublicApiTest {

    static class Skeleton {
        public static class Account implements Callable<Long> {
            public Account(long initial) {
                throw new UnsupportedOperationException("TODO");
            }

            public void deposit(long amount) throws IOException {
                throw new UnsupportedOperationException("TODO");
            }

            public List<String> history() {
                throw new UnsupportedOperationException("TODO");
            }

            @Override
            public Long call() {
                throw new UnsupportedOperationException("TODO");
            }
        }
    }

    static class Solution {
        public static class Account implements Callable<Long> {
            private final Object lock = new Object();
            private long balance;

            public Account(long initial) {
                balance = initial;
            }

            public synchronized void deposit(long amount) throws IOException {
                synchronized (lock) {
                    balance += amount;
                }
            }

            public final List<String> history() {
                return List.of();
            }

            @Override
            public Long call() {
                return balance;
            }

            private void helper() {
            }
        }
    }

    static class Drifted {
        public static class Account {
            public Account(int initial) {
            }

            public void deposit(long amount) {
            }
        }
    }

    @Test
    void implementationDetailsDoNotCountAsApi() {
        assertThat(PublicApi.of(Skeleton.Account.class)).isEqualTo(PublicApi.of(Solution.Account.class));
    }

    @Test
    void aChangedSignatureIsADifference() {
        assertThat(PublicApi.of(Drifted.Account.class)).isNotEqualTo(PublicApi.of(Solution.Account.class));
        assertThat(PublicApi.of(Drifted.Account.class)).contains("Account: constructor(int)", "Account: void deposit(long)");
        assertThat(PublicApi.of(Solution.Account.class)).contains("Account: void deposit(long) throws java.io.IOException",
                "Account: class implements java.util.concurrent.Callable<java.lang.Long>");
    }
}
