package dev.braid.sync;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A cell written at most once: the first successful {@link #getOrInit} or {@link #set} stores the
 * value, and every later read returns it.
 *
 * <pre>{@code
 * OnceCell<Config> config = OnceCell.named("config");
 * Config c = config.getOrInit(Config::load);   // Config.load runs at most once successfully
 * }</pre>
 *
 * <p><b>Contention.</b> When several threads call {@link #getOrInit} on an empty cell, exactly one
 * runs its initializer; the others wait for it (without bound, ignoring interrupts whose status
 * they keep, like {@link Mutex#lock()}) and then return its value. Inside a {@link CancelScope} a
 * waiter stops waiting when the scope is cancelled or its deadline passes, with {@link
 * CancelledException} (or {@link dev.braid.cancel.DeadlineExceededException}); the initializer and
 * the cell are not affected.
 *
 * <p><b>Failure.</b> If the initializer throws, the cell stays empty and the exception propagates,
 * unchanged, to the caller whose initializer failed. Waiting threads then race again: one of them
 * runs <em>its own</em> initializer. An initializer that returns {@code null} is treated as a
 * failure ({@link NullPointerException}); the cell never holds {@code null}.
 *
 * <p><b>Re-entrance.</b> An initializer that calls {@link #getOrInit} or {@link #set} on the cell
 * it is initializing, on the same thread, gets {@link IllegalStateException} instead of a silent
 * self-deadlock. (Re-entrance through another thread that the initializer waits for is a real
 * deadlock; the testkit reports it with this cell as the resource and the initializer as holder.)
 *
 * <p><b>Happens-before.</b> Everything the successful initializer did happens-before every read
 * that returns the value.
 *
 * @param <T> the value's type
 */
public final class OnceCell<T> {
    /*
     * Implementation notes
     *
     * Algorithm. One state word, `state`, moves along null -> Running -> value, or back
     * Running -> null when the initializer fails. The initializer is chosen by a CAS null ->
     * Running; everyone else who finds a Running state waits on it. This is the "once" of Rust's
     * std::sync::OnceLock / the futex Once, with the waiter queue kept in the Running record, and
     * the same shape as JoinHandle's completion stack.
     *
     * State (`state`, an Object):
     *   null     - empty; the next getOrInit/set tries to install a Running record.
     *   Running  - a thread (Running.owner) runs an initializer; Running.waiters is a Treiber
     *              stack of parked threads, swapped for CLOSED when the run ends either way.
     *   other    - the value (never null, and never a Running, which is private).
     * The read path is one getAcquire and a type test: no allocation, no yield beyond the seam's.
     *
     * Memory ordering. The value is published by a volatile store of `state` after the
     * initializer returns; readers load with getAcquire, so the initializer's writes are visible
     * to anyone who sees the value. Waiters push with CAS and the finisher swaps CLOSED in with
     * getAndSet (volatile), so a waiter either sees CLOSED and does not park, or is in the swapped
     * stack and gets unparked: no lost wake-up. Waiters re-read `state` afterwards.
     *
     * Ambient cancellation. Only a waiter that has to park looks up CancelScope.current(). One
     * that stops on its scope clears its node's thread and unlinks cleared nodes (as JoinHandle
     * and FutureTask do), so waiters that keep timing out during a long initialization do not
     * grow the stack.
     *
     * Liveness. Blocking: waiters depend on the initializer finishing. Failure never strands a
     * waiter (the stack is closed on the failure path too, in a finally). Re-entrance on the
     * owner thread is detected by comparing Running.owner with the caller.
     *
     * Simulation. The initializer's thread reports acquired/released(this) around the run, so a
     * deadlock report names it as the holder of the cell its waiters park on.
     *
     * References. Rust std::sync::OnceLock and once_cell (Aleksey Kladov); Java's double-checked
     * "holder" idiom, which this replaces when the initializer may fail and must be retried.
     */

    private static final VarHandle STATE;
    private static final VarHandle WAITERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(OnceCell.class, "state", Object.class);
            WAITERS = l.findVarHandle(Running.class, "waiters", Waiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Waiter {
        volatile Thread thread; // null once the waiter gave up
        Waiter next;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    /** Marks a Running record whose initializer has finished, either way. */
    private static final Waiter CLOSED = new Waiter(null);

    private static final class Running {
        final Thread owner;

        @SuppressWarnings("unused") // accessed through WAITERS
        volatile Waiter waiters;

        Running(Thread owner) {
            this.owner = owner;
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile Object state;

    private final String name;

    /** An empty cell. */
    public OnceCell() {
        this.name = null;
    }

    private OnceCell(String name) {
        this.name = name;
    }

    /**
     * An empty cell with a name, used in error messages, deadlock reports and {@link #toString()}.
     *
     * @param <T> the type of the value
     * @param name the name, shown in messages, deadlock reports and {@code toString()}
     * @return the new, empty cell
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T> OnceCell<T> named(String name) {
        return new OnceCell<>(Args.notBlank(name, "name"));
    }

    /**
     * The value, or empty if the cell is not initialized yet (never waits).
     *
     * @return the value, or empty if the cell is not initialized yet (never waits)
     */
    public Optional<T> get() {
        Rt.yieldPoint(Op.LOAD, this);
        return Optional.ofNullable(valueOrNull(STATE.getAcquire(this)));
    }

    /**
     * Whether the cell holds a value (a snapshot). A {@code true} answer is an acquire, like a read
     * that returns the value: what the successful initializer did happens-before what the caller
     * does next.
     *
     * @return whether the cell holds a value (a snapshot)
     */
    public boolean isInitialized() {
        if (valueOrNull(STATE.getAcquire(this)) == null) {
            return false;
        }
        Rt.acquireFrom(this); // the testkit: the setter released into the cell, as get() reads
        return true;
    }

    /**
     * Returns the value, running {@code initializer} first if the cell is empty. If another thread
     * is initializing, waits for it.
     *
     * @param initializer computes the value if the cell is empty
     * @return the cell's value
     * @throws NullPointerException if {@code initializer} is null, or returns null (the cell stays
     *     empty)
     * @throws IllegalStateException if called from the cell's own initializer
     * @throws RuntimeException or {@link Error} thrown by the initializer (the cell stays empty)
     * @throws CancelledException if it has to wait inside a {@link CancelScope} whose token is
     *     cancelled, or ({@link dev.braid.cancel.DeadlineExceededException}) whose deadline passes
     */
    public T getOrInit(Supplier<? extends T> initializer) {
        Args.notNull(initializer, "initializer");
        Rt.yieldPoint(Op.LOAD, this);
        T v = valueOrNull(STATE.getAcquire(this));
        return v != null ? v : initSlow(initializer, null).value;
    }

    /**
     * Stores {@code value} if the cell is empty. If another thread is initializing, waits for it
     * and stores {@code value} only if that initialization fails.
     *
     * @param value the value to store (not null)
     * @return whether this call stored {@code value}
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalStateException if called from the cell's own initializer
     * @throws CancelledException as for {@link #getOrInit}, if the ambient scope stops the wait
     */
    public boolean set(T value) {
        Args.notNull(value, "value");
        Rt.yieldPoint(Op.LOAD, this);
        if (valueOrNull(STATE.getAcquire(this)) != null) {
            return false;
        }
        return initSlow(null, value).stored;
    }

    /**
     * Its kind and name without state: {@code OnceCell(name)}, or {@code OnceCell} if unnamed.
     * Error messages, deadlock reports, lock-order reports and JFR events name it this way.
     *
     * @return the label
     */
    public String label() {
        return name == null ? "OnceCell" : "OnceCell(" + name + ")";
    }

    /**
     * The label and a snapshot of the state: {@code OnceCell(config)[empty]}, {@code
     * OnceCell(config)[initializing in "main" (#1)]} or {@code OnceCell(config)[set]} (never the
     * value). Read without synchronization: a hint for logs and debuggers.
     *
     * @return a description of this cell and its state
     */
    @Override
    public String toString() {
        return label() + "[" + state("empty", "initializing", "set") + "]";
    }

    /** The state in the caller's words (a snapshot), naming the initializing thread. */
    String state(String empty, String running, String set) {
        Object s = STATE.getVolatile(this);
        if (s == null) {
            return empty;
        }
        return s instanceof Running r ? running + " in " + Guards.describe(r.owner) : set;
    }

    // ---- internals ----

    private record Outcome<T>(T value, boolean stored) {}

    @SuppressWarnings("unchecked")
    private static <T> T valueOrNull(Object s) {
        return s == null || s instanceof Running ? null : (T) s;
    }

    /** Exactly one of {@code initializer} and {@code given} is non-null. */
    private Outcome<T> initSlow(Supplier<? extends T> initializer, T given) {
        Running mine = null;
        boolean interrupted = false;
        try {
            while (true) {
                Object s = STATE.getAcquire(this);
                if (s instanceof Running r) {
                    if (r.owner == Thread.currentThread()) {
                        throw new IllegalStateException(
                                label()
                                        + ": re-entrant initialization (the initializer called back"
                                        + " into the cell it is initializing)");
                    }
                    interrupted |= awaitRun(r);
                    continue;
                }
                T v = valueOrNull(s);
                if (v != null) {
                    return new Outcome<>(v, false);
                }
                if (mine == null) {
                    mine = new Running(Thread.currentThread());
                }
                Rt.yieldPoint(Op.RMW, this);
                if (STATE.compareAndSet(this, null, mine)) {
                    return new Outcome<>(run(mine, initializer, given), true);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private T run(Running mine, Supplier<? extends T> initializer, T given) {
        Rt.acquired(this);
        Object next = null;
        try {
            T v = initializer != null ? initializer.get() : given;
            if (v == null) {
                throw new NullPointerException(label() + ": the initializer returned null");
            }
            next = v;
            return v;
        } finally {
            // Publish the value (or empty again) before waking anyone; volatile store.
            STATE.setVolatile(this, next);
            Rt.released(this);
            Waiter w = (Waiter) WAITERS.getAndSet(mine, CLOSED);
            for (; w != null; w = w.next) {
                Rt.unpark(w.thread); // null (a waiter that gave up) is ignored
            }
        }
    }

    /**
     * Parks until {@code r}'s run ends; returns whether an interrupt was swallowed meanwhile.
     * Throws (with the interrupt status restored) if the ambient scope stops the wait.
     */
    private boolean awaitRun(Running r) {
        Waiter node = new Waiter(Thread.currentThread());
        while (true) {
            Waiter h = (Waiter) WAITERS.getVolatile(r);
            if (h == CLOSED) {
                return false;
            }
            node.next = h;
            if (WAITERS.compareAndSet(r, h, node)) {
                break;
            }
        }
        // Ambient cancellation (ADR 0006): read only here, on the parking path.
        CancelScope scope = CancelScope.current();
        long since = Rt.nanoTime(); // when the wait began: for the message of a stop
        CancellationRegistration stop =
                scope.isActive() ? scope.wakeOnCancel(Thread.currentThread()) : null;
        Deadline bound = scope.deadline();
        boolean interrupted = false;
        try {
            while (WAITERS.getVolatile(r) != CLOSED) {
                if (stop != null && scope.isCancelled()) {
                    abandon(r, node);
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    scope.checkWaiting("wait for the initializer", this, since);
                }
                if (bound.isNever()) {
                    Rt.park(this);
                } else {
                    Rt.parkUntil(this, bound.nanoTime());
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
        } finally {
            if (stop != null) {
                stop.deregister();
            }
        }
        return interrupted;
    }

    /** Clears {@code node} and unlinks every cleared node still on {@code r}'s stack. */
    private static void abandon(Running r, Waiter node) {
        node.thread = null;
        retry:
        while (true) {
            Waiter pred = null;
            Waiter h = (Waiter) WAITERS.getAcquire(r);
            if (h == CLOSED) {
                return; // the finisher has the stack; it skips cleared nodes
            }
            for (Waiter q = h; q != null; q = q.next) {
                if (q.thread != null) {
                    pred = q;
                } else if (pred != null) {
                    pred.next = q.next;
                    if (pred.thread == null) {
                        continue retry; // pred was abandoned concurrently: start over
                    }
                } else if (!WAITERS.compareAndSet(r, q, q.next)) {
                    continue retry;
                }
            }
            return;
        }
    }
}
