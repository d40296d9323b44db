package dev.braid.rc;

import dev.braid.internal.util.Args;
import java.util.Optional;

/**
 * One share of a resource confined to the thread that created it; the resource is closed when the
 * last share is released (Rust's {@code Rc}, whose {@code !Send} is checked here at run time).
 *
 * <p>The same contract as {@link Arc} — each share released exactly once, the last release closes,
 * a released share refuses every use — with plain (non-atomic) counting, and one more rule: every
 * method of an {@code Rc}, of its shares and of its {@link Weak} handles throws {@link
 * WrongThreadException} when called from any thread but the {@linkplain #owner() owner}, and
 * changes nothing. {@code Rc} shares are not tracked by the {@link LeakDetector}.
 *
 * @param <T> the resource's type
 */
public final class Rc<T extends AutoCloseable> implements AutoCloseable {
    /** Shared by all shares of one resource; touched only by the owner thread. */
    private static final class Core<T extends AutoCloseable> {
        final Thread owner = Thread.currentThread();
        final String type;
        T resource;
        int strong = 1;

        Core(T resource) {
            this.resource = resource;
            this.type = resource.getClass().getName();
        }

        void checkThread() {
            if (Thread.currentThread() != owner) {
                throw new WrongThreadException(
                        this
                                + " is confined to thread '"
                                + owner.getName()
                                + "' but was used from '"
                                + Thread.currentThread().getName()
                                + "'");
            }
        }

        boolean retain() {
            if (strong == 0) {
                return false;
            }
            if (strong == Integer.MAX_VALUE) {
                throw new IllegalStateException(this + ": too many shares");
            }
            strong++;
            return true;
        }

        @Override
        public String toString() {
            return "Rc<" + type + ">";
        }
    }

    private final Core<T> core;
    private boolean released;

    private Rc(Core<T> core) {
        this.core = core;
    }

    /**
     * The first share of {@code resource}, owned by the calling thread.
     *
     * @param <T> the type of the resource
     * @param resource the resource to share; closed when the last share is released
     * @return the first share
     * @throws NullPointerException if {@code resource} is null
     */
    public static <T extends AutoCloseable> Rc<T> of(T resource) {
        Args.notNull(resource, "resource");
        return new Rc<>(new Core<>(resource));
    }

    /**
     * The resource.
     *
     * @return the resource
     * @throws WrongThreadException if called from another thread than the owner
     * @throws IllegalStateException if this share was released
     */
    public T get() {
        check("get");
        return core.resource;
    }

    /**
     * A new share of the same resource; it must be released too.
     *
     * @return a new share
     * @throws WrongThreadException if called from another thread than the owner
     * @throws IllegalStateException if this share was released
     */
    public Rc<T> share() {
        check("share");
        core.retain();
        return new Rc<>(core);
    }

    /**
     * A weak handle, confined to the owner thread like this share.
     *
     * @return a weak handle to the resource
     * @throws WrongThreadException if called from another thread than the owner
     * @throws IllegalStateException if this share was released
     */
    public Weak<Rc<T>> downgrade() {
        check("downgrade");
        Core<T> c = core;
        return new Weak<>(
                new Weak.Source<>() {
                    @Override
                    public Optional<Rc<T>> upgrade() {
                        c.checkThread();
                        return c.retain() ? Optional.of(new Rc<>(c)) : Optional.empty();
                    }

                    @Override
                    public int strongCount() {
                        c.checkThread();
                        return c.strong;
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
     * @throws WrongThreadException if called from another thread than the owner
     * @throws IllegalStateException if this share was already released (nothing changes)
     * @throws CloseFailedException if the resource's {@code close()} threw a checked exception
     */
    public Release release() {
        core.checkThread();
        if (released) {
            throw new IllegalStateException(core + " share released twice");
        }
        released = true;
        if (--core.strong != 0) {
            return Release.SHARED;
        }
        T r = core.resource;
        core.resource = null;
        try {
            r.close();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new CloseFailedException(core.toString(), e);
        }
        return Release.CLOSED;
    }

    /** Same as {@link #release()}, for try-with-resources. */
    @Override
    public void close() {
        release();
    }

    /**
     * Whether this share was released.
     *
     * @return whether this share was released
     * @throws WrongThreadException if called from another thread than the owner
     */
    public boolean isReleased() {
        core.checkThread();
        return released;
    }

    /**
     * Unreleased shares of the resource; 0 once it is closed.
     *
     * @return unreleased shares of the resource; 0 once it is closed
     * @throws WrongThreadException if called from another thread than the owner
     */
    public int strongCount() {
        core.checkThread();
        return core.strong;
    }

    /**
     * The thread this {@code Rc} is confined to (callable from any thread).
     *
     * @return the thread this {@code Rc} is confined to (callable from any thread)
     */
    public Thread owner() {
        return core.owner;
    }

    /** Callable from any thread; names the resource type, never its contents. */
    @Override
    public String toString() {
        return core.toString();
    }

    private void check(String what) {
        core.checkThread();
        if (released) {
            throw new IllegalStateException(core + ": " + what + "() after release");
        }
    }
}
