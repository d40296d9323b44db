package dev.braid.thread;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-thread state of a braid-spawned thread: the thread-local slots whose destructors must run
 * when the thread exits. Lives only on its own thread; no synchronization needed.
 */
final class ThreadContext {
    /** Bound while a braid-spawned thread's body and destructors run; absent on other threads. */
    static final ThreadLocal<ThreadContext> CURRENT = new ThreadLocal<>();

    /** Upper bound on destructor passes, for destructors that keep initializing other keys. */
    private static final int MAX_PASSES = 8;

    private List<ThreadLocalKey.Slot<?>> slots = new ArrayList<>();
    private boolean exiting;

    void register(ThreadLocalKey.Slot<?> slot) {
        slots.add(slot);
    }

    boolean exiting() {
        return exiting;
    }

    /**
     * Runs the destructors of every initialized slot, most recently initialized first. Destructors
     * may touch other keys, which can register new slots; those run in a further pass. Returns the
     * first failure with later ones suppressed, or null.
     */
    Throwable runDestructors() {
        Throwable first = null;
        for (int pass = 0; pass < MAX_PASSES && !slots.isEmpty(); pass++) {
            List<ThreadLocalKey.Slot<?>> batch = slots;
            slots = new ArrayList<>();
            for (int i = batch.size() - 1; i >= 0; i--) {
                Throwable t = batch.get(i).destroy();
                if (t != null) {
                    if (first == null) {
                        first = t;
                    } else {
                        first.addSuppressed(t);
                    }
                }
            }
        }
        exiting = true;
        return first;
    }
}
