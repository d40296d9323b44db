package dev.braid.thread;

import dev.braid.internal.util.Args;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A thread-local variable with a lazy initializer and an optional destructor.
 *
 * <p>Each thread sees its own value, created by the initializer on the first {@link #get()}. When a
 * thread spawned by braid exits — normally or by a panic — the destructor runs on that thread for
 * every key it initialized, most recently initialized first, before its {@link JoinHandle}
 * completes. A destructor that throws does not stop the others: the failure becomes the thread's
 * panic (or is attached as suppressed to the panic it already had), so it is reported and rethrown
 * by {@code join()}, never lost. On threads not spawned by braid (for example {@code main})
 * destructors do not run, as in Rust; {@link #remove()} runs the destructor explicitly on any
 * thread.
 *
 * <p>Values may be {@code null}; the destructor is not called for a {@code null} value.
 *
 * @param <T> the value type
 */
public final class ThreadLocalKey<T> {
    private final String name;
    private final Supplier<? extends T> initializer;
    private final Consumer<? super T> destructor;
    private final ThreadLocal<Slot<T>> local = new ThreadLocal<>();

    private ThreadLocalKey(
            String name, Supplier<? extends T> initializer, Consumer<? super T> destructor) {
        this.name = name;
        this.initializer = initializer;
        this.destructor = destructor;
    }

    /**
     * A key whose per-thread value comes from {@code initializer}, with no destructor.
     *
     * @param <T> the type of the per-thread value
     * @param name the key's name, used in error messages
     * @param initializer computes a thread's first value
     * @return the new key
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T> ThreadLocalKey<T> of(String name, Supplier<? extends T> initializer) {
        return new ThreadLocalKey<>(
                Args.notBlank(name, "name"), Args.notNull(initializer, "initializer"), null);
    }

    /**
     * A key whose per-thread value comes from {@code initializer} and is passed to {@code
     * destructor} when a braid-spawned thread exits.
     *
     * @param <T> the type of the per-thread value
     * @param name the key's name, used in error messages
     * @param initializer computes a thread's first value
     * @param destructor receives a thread's value when the thread exits
     * @return the new key
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T> ThreadLocalKey<T> withDestructor(
            String name, Supplier<? extends T> initializer, Consumer<? super T> destructor) {
        return new ThreadLocalKey<>(
                Args.notBlank(name, "name"),
                Args.notNull(initializer, "initializer"),
                Args.notNull(destructor, "destructor"));
    }

    /**
     * The key's name, used in error messages.
     *
     * @return the key's name, used in error messages
     */
    public String name() {
        return name;
    }

    /**
     * The calling thread's value, initialized on first use.
     *
     * @return the calling thread's value
     * @throws IllegalStateException if called from this key's own initializer (re-entrant
     *     initialization), or while the thread's destructors have finished running
     */
    public T get() {
        Slot<T> slot = local.get();
        if (slot == null) {
            slot = new Slot<>(this);
            local.set(slot);
            slot.initialize();
        } else if (slot.initializing) {
            throw new IllegalStateException(
                    "thread-local '" + name + "' read from its own initializer");
        }
        return slot.value;
    }

    /**
     * Replaces the calling thread's value. The previous value, if this thread had initialized one,
     * is passed to the destructor first.
     *
     * @param value the calling thread's new value
     */
    public void set(T value) {
        Slot<T> slot = local.get();
        if (slot == null) {
            slot = new Slot<>(this);
            local.set(slot);
            slot.register();
        } else {
            slot.destroyValue();
        }
        slot.value = value;
        slot.present = true;
    }

    /**
     * Whether the calling thread has a value for this key.
     *
     * @return whether the calling thread has a value for this key
     */
    public boolean isInitialized() {
        Slot<T> slot = local.get();
        return slot != null && slot.present && !slot.initializing;
    }

    /**
     * Removes the calling thread's value, running the destructor on it; a later {@link #get()}
     * initializes afresh.
     */
    public void remove() {
        Slot<T> slot = local.get();
        if (slot != null) {
            local.remove();
            slot.destroyValue();
        }
    }

    @Override
    public String toString() {
        return "ThreadLocalKey[" + name + "]";
    }

    /** One thread's value for one key. */
    static final class Slot<T> {
        private final ThreadLocalKey<T> key;
        T value;
        boolean present;
        boolean initializing;

        Slot(ThreadLocalKey<T> key) {
            this.key = key;
        }

        void initialize() {
            initializing = true;
            try {
                value = key.initializer.get();
            } catch (RuntimeException | Error e) {
                key.local.remove();
                throw e;
            } finally {
                initializing = false;
            }
            present = true;
            register();
        }

        void register() {
            ThreadContext ctx = ThreadContext.CURRENT.get();
            if (ctx != null && !ctx.exiting() && key.destructor != null) {
                ctx.register(this);
            }
        }

        /** Destroys the value if present; for explicit remove/replace, failures propagate. */
        void destroyValue() {
            if (present) {
                present = false;
                T v = value;
                value = null;
                if (v != null && key.destructor != null) {
                    key.destructor.accept(v);
                }
            }
        }

        /** Destroys the value at thread exit; returns the failure instead of throwing it. */
        Throwable destroy() {
            try {
                key.local.remove();
                destroyValue();
                return null;
            } catch (Throwable t) {
                return new IllegalStateException(
                        "destructor of thread-local '" + key.name + "' threw", t);
            }
        }
    }
}
