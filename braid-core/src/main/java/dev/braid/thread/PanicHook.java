package dev.braid.thread;

/**
 * Called once for every braid-spawned thread whose body ends with an exception (a "panic"), after
 * the thread's thread-local destructors have run and before its {@link JoinHandle} completes.
 *
 * <p>A hook must not throw; if it does, the exception is printed to {@code System.err} and
 * otherwise ignored.
 */
@FunctionalInterface
public interface PanicHook {
    /**
     * Handles the panic of {@code thread}.
     *
     * @param thread the thread that panicked (the caller)
     * @param failure what escaped its body; destructor failures are attached as suppressed
     */
    void onPanic(Thread thread, Throwable failure);
}
