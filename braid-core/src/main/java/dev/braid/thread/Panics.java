package dev.braid.thread;

import dev.braid.internal.util.Args;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process-wide panic hook of braid threads.
 *
 * <p>The default hook prints as the JDK's uncaught-exception handler does: {@code Exception in
 * thread "name" } followed by the stack trace, on {@code System.err}. Threads that were not spawned
 * by braid keep the JDK's own handling.
 */
public final class Panics {
    private static final PanicHook DEFAULT =
            (thread, failure) -> {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                failure.printStackTrace(System.err);
            };

    private static final AtomicReference<PanicHook> HOOK = new AtomicReference<>(DEFAULT);

    private Panics() {}

    /**
     * The default hook, which prints like the JDK's uncaught-exception handler.
     *
     * @return the default hook, which prints like the JDK's uncaught-exception handler
     */
    public static PanicHook defaultHook() {
        return DEFAULT;
    }

    /**
     * The hook in force.
     *
     * @return the hook in force
     */
    public static PanicHook hook() {
        return HOOK.get();
    }

    /**
     * Replaces the hook and returns the previous one.
     *
     * @param hook the new hook
     * @return the previous one
     * @throws NullPointerException if {@code hook} is null
     */
    public static PanicHook setHook(PanicHook hook) {
        Args.notNull(hook, "hook");
        return HOOK.getAndSet(hook);
    }

    /**
     * Restores the default hook and returns the previous one.
     *
     * @return the previous one
     */
    public static PanicHook resetHook() {
        return HOOK.getAndSet(DEFAULT);
    }

    static void report(Thread thread, Throwable failure) {
        try {
            HOOK.get().onPanic(thread, failure);
        } catch (Throwable hookFailure) {
            System.err.println(
                    "braid: the panic hook threw while reporting a panic of thread \""
                            + thread.getName()
                            + "\":");
            hookFailure.printStackTrace(System.err);
        }
    }
}
