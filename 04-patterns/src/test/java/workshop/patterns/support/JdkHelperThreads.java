package workshop.patterns.support;

import org.junit.jupiter.api.extension.Extension;

/**
 * Starts the helper threads the JDK creates the first time a program uses virtual threads
 * ("VirtualThread-unblocker", and "ForkJoinPool-1-delayScheduler" for the first timed sleep). They live
 * as long as the JVM. Started before testkit's thread-leak check takes its first look, they are not
 * blamed on the test that happened to use virtual threads first (yours, if you choose virtual threads).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final Extension JDK_HELPER_THREADS = JdkHelperThreads.started();
 * }</pre>
 *
 * JUnit reads static extension fields while it prepares a test class, before any callback runs.
 */
public final class JdkHelperThreads implements Extension {

    private static final JdkHelperThreads INSTANCE = new JdkHelperThreads();

    /** Whether the warm-up ran. Guarded by the class monitor. */
    private static boolean started;

    private JdkHelperThreads() {
    }

    /**
     * Makes sure the JDK's virtual-thread helper threads run; returns a do-nothing extension. Not called
     * from this class's static initializer: the virtual thread runs code of this class, and would wait for
     * an initialization that waits for it.
     */
    public static synchronized JdkHelperThreads started() {
        if (!started) {
            startThem();
            started = true;
        }
        return INSTANCE;
    }

    private static void startThem() {
        Thread thread = Thread.ofVirtual().name("virtual-thread-warm-up").start(JdkHelperThreads::sleepBriefly);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(1); // a timed sleep on a virtual thread starts the delay scheduler: that is the point
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
