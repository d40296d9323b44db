package dev.braid.internal.util;

import java.util.function.Supplier;

/**
 * Which async task's poll the calling thread is inside, for code outside {@code dev.braid.async}
 * that must not block there: a channel's blocking send, receive or select inside a poll would hold
 * the executor thread that polls the task (on a one-thread executor for ever, when the other end is
 * a task of it; probe17). The async package installs the function when its {@code Context} class
 * initialises; every poll runs with a {@code Context}, so a thread inside a poll finds it
 * installed, and before that nobody is inside one.
 */
public final class InsidePoll {
    private static volatile Supplier<String> polling;

    private InsidePoll() {}

    /** Installs the async package's function; called once, from {@code Context}'s initialiser. */
    public static void install(Supplier<String> function) {
        if (polling != null) {
            throw new IllegalStateException("InsidePoll is installed once, by Context");
        }
        polling = Args.notNull(function, "function");
    }

    /**
     * The task whose poll the calling thread is inside (as a report names it), or null outside any
     * poll. A thread-local read: ask it only on a path that is about to wait.
     */
    public static String task() {
        Supplier<String> f = polling;
        return f == null ? null : f.get();
    }
}
