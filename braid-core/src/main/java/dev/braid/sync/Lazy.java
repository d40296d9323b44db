package dev.braid.sync;

import dev.braid.internal.util.Args;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A value computed on first use, at most once successfully, by the supplier given at construction:
 * {@link OnceCell} with its initializer built in (Rust's {@code LazyLock}).
 *
 * <pre>{@code
 * private static final Lazy<Pattern> WORD = Lazy.of(() -> Pattern.compile("\\w+"));
 * ... WORD.get().matcher(s) ...
 * }</pre>
 *
 * <p>Contention, failure, re-entrance and happens-before are those of {@link OnceCell#getOrInit}:
 * concurrent first callers wait for one computation; if the supplier throws, {@link #get()}
 * rethrows it, the value stays uncomputed and the next {@code get()} tries again (unlike Rust's
 * {@code LazyLock}, which poisons); a supplier that calls back into its own {@code Lazy} gets
 * {@link IllegalStateException}. After success the supplier is dropped so that what it captured can
 * be collected.
 *
 * @param <T> the value's type
 */
public final class Lazy<T> implements Supplier<T> {
    private final OnceCell<T> cell;
    private final String name;
    private final Supplier<T> compute = this::compute;
    private Supplier<? extends T> supplier; // read and cleared only by the cell's initializer

    private Lazy(String name, OnceCell<T> cell, Supplier<? extends T> supplier) {
        this.name = name;
        this.cell = cell;
        this.supplier = supplier;
    }

    /**
     * A lazy value computed by {@code supplier}.
     *
     * @param <T> the type of the value
     * @param supplier computes the value on first use
     * @return the new lazy value
     * @throws NullPointerException if {@code supplier} is null
     */
    public static <T> Lazy<T> of(Supplier<? extends T> supplier) {
        Args.notNull(supplier, "supplier");
        return new Lazy<>(null, new OnceCell<>(), supplier);
    }

    /**
     * A lazy value with a name, used in error messages, deadlock reports and {@link #toString()}.
     *
     * @param <T> the type of the value
     * @param name the name, shown in messages, deadlock reports and {@code toString()}
     * @param supplier computes the value on first use
     * @return the new lazy value
     * @throws NullPointerException if {@code name} or {@code supplier} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T> Lazy<T> named(String name, Supplier<? extends T> supplier) {
        Args.notNull(supplier, "supplier");
        Args.notBlank(name, "name");
        return new Lazy<>(name, OnceCell.named(name), supplier);
    }

    /**
     * The value, computing it first if needed.
     *
     * @throws NullPointerException if the supplier returns null (nothing is stored)
     * @throws IllegalStateException if called from this value's own supplier
     * @throws RuntimeException or {@link Error} thrown by the supplier (nothing is stored)
     */
    @Override
    public T get() {
        return cell.getOrInit(compute);
    }

    /**
     * The value if it was computed already; never computes.
     *
     * @return the value if it was computed already; never computes
     */
    public Optional<T> getIfInitialized() {
        return cell.get();
    }

    /**
     * Whether the value was computed already (a snapshot).
     *
     * @return whether the value was computed already (a snapshot)
     */
    public boolean isInitialized() {
        return cell.isInitialized();
    }

    /**
     * Its kind and name without state: {@code Lazy(name)}, or {@code Lazy} if unnamed. Error
     * messages, deadlock reports, lock-order reports and JFR events name it this way.
     *
     * @return the label
     */
    public String label() {
        return name == null ? "Lazy" : "Lazy(" + name + ")";
    }

    /**
     * The label and a snapshot of the state: {@code Lazy(pattern)[not computed]}, {@code
     * Lazy(pattern)[computing in "main" (#1)]} or {@code Lazy(pattern)[computed]} (never the
     * value). Read without synchronization: a hint for logs and debuggers.
     *
     * @return a description of this value and its state
     */
    @Override
    public String toString() {
        return label() + "[" + cell.state("not computed", "computing", "computed") + "]";
    }

    private T compute() {
        T v = supplier.get();
        if (v != null) {
            supplier = null; // published with the value by the cell's volatile store
        }
        return v;
    }
}
