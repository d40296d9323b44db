package dev.braid.rc;

import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.util.Optional;

/**
 * One share of a resource shared between threads; the resource is closed when the last share is
 * released (Rust's {@code Arc}, for {@link AutoCloseable}s).
 *
 * <pre>{@code
 * try (Arc<Connection> conn = Arc.of(pool.open())) {
 *     Arc<Connection> forWorker = conn.share();        // one more share
 *     Threads.spawn(() -> { try (forWorker) { use(forWorker.get()); } });
 *     use(conn.get());
 * }                                                    // whichever release is last closes it
 * }</pre>
 *
 * <p><b>Contract.</b> Every {@code Arc} object is one share and must be released exactly once
 * ({@link #release()} or {@link #close()}). The resource's {@code close()} runs exactly once, on
 * the thread that releases the last share, also when shares are released concurrently. A released
 * share refuses every use ({@link #get}, {@link #share}, {@link #downgrade}, a second release) with
 * {@link IllegalStateException}. Any thread may use or release any share; the resource itself must
 * be safe to use from the threads that use it.
 *
 * <p><b>Happens-before.</b> Everything done through a share before its release happens-before the
 * resource's {@code close()}.
 *
 * <p><b>Leaks.</b> A share that becomes unreachable without being released is reported by the
 * {@link LeakDetector} (depending on its level) with the stack where the share was created.
 *
 * @param <T> the resource's type
 */
public final class Arc<T extends AutoCloseable> implements AutoCloseable {
    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(Arc.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ArcCore<T> core;
    private final LeakDetector.Tracker tracker; // null unless sampled

    @SuppressWarnings("unused") // accessed through RELEASED
    private volatile boolean released;

    private Arc(ArcCore<T> core) {
        this.core = core;
        this.tracker = LeakDetector.track(this, core.type);
    }

    /**
     * The first share of {@code resource}.
     *
     * @param <T> the type of the resource
     * @param resource the resource to share; closed when the last share is released
     * @return the first share
     * @throws NullPointerException if {@code resource} is null
     */
    public static <T extends AutoCloseable> Arc<T> of(T resource) {
        Args.notNull(resource, "resource");
        return new Arc<>(new ArcCore<>(resource));
    }

    /**
     * The resource.
     *
     * @return the resource
     * @throws IllegalStateException if this share was released
     */
    public T get() {
        check("get");
        T r = core.resource();
        Reference.reachabilityFence(this);
        return r;
    }

    /**
     * A new share of the same resource (Rust's {@code Arc::clone}); it must be released too.
     *
     * @return a new share
     * @throws IllegalStateException if this share was released
     */
    public Arc<T> share() {
        check("share");
        if (!core.retain()) {
            throw new IllegalStateException(core + " shared after its resource was closed");
        }
        Reference.reachabilityFence(this);
        return new Arc<>(core);
    }

    /**
     * A weak handle: it does not keep the resource open, and {@linkplain Weak#upgrade upgrades} to
     * a new share while some share is unreleased.
     *
     * @return a weak handle to the resource
     * @throws IllegalStateException if this share was released
     */
    public Weak<Arc<T>> downgrade() {
        check("downgrade");
        ArcCore<T> c = core;
        return new Weak<>(
                new Weak.Source<>() {
                    @Override
                    public Optional<Arc<T>> upgrade() {
                        return c.retain() ? Optional.of(new Arc<>(c)) : Optional.empty();
                    }

                    @Override
                    public int strongCount() {
                        return c.strong();
                    }

                    @Override
                    public String toString() {
                        return c.toString();
                    }
                });
    }

    /**
     * Releases this share; the last release closes the resource.
     *
     * @return {@link Release#CLOSED} if this closed the resource, {@link Release#SHARED} otherwise
     * @throws IllegalStateException if this share was already released (nothing changes)
     * @throws CloseFailedException if the resource's {@code close()} threw a checked exception
     */
    public Release release() {
        if (!RELEASED.compareAndSet(this, false, true)) {
            throw new IllegalStateException(core + " share released twice");
        }
        Rt.releaseTo(this); // the testkit: isReleased() that answers true acquires from here
        if (tracker != null) {
            tracker.released();
        }
        return core.release();
    }

    /** Same as {@link #release()}, for try-with-resources. */
    @Override
    public void close() {
        release();
    }

    /**
     * Whether this share was released. A {@code true} answer is an acquire: what the releasing
     * thread did before {@link #release()} happens-before what the caller does next.
     *
     * @return whether this share was released
     */
    public boolean isReleased() {
        if (!released) {
            return false;
        }
        Rt.acquireFrom(this); // the testkit: release() released into this share
        return true;
    }

    /**
     * Unreleased shares of the resource right now (a snapshot); 0 once it is closed.
     *
     * @return unreleased shares of the resource right now (a snapshot); 0 once it is closed
     */
    public int strongCount() {
        return core.strong();
    }

    @Override
    public String toString() {
        return released ? core + "[released]" : core.toString();
    }

    private void check(String what) {
        if (released) {
            throw new IllegalStateException(core + ": " + what + "() after release");
        }
    }
}
