package dev.braid.rc;

import java.util.Optional;

/**
 * A handle that does not keep a shared resource open: {@link #upgrade()} returns a new share while
 * the resource is still open, and empty once its last share was released (Rust's {@code Weak}).
 * Obtained from {@link Arc#downgrade()} ({@code Weak<Arc<T>>}, usable from any thread) or {@link
 * Rc#downgrade()} ({@code Weak<Rc<T>>}, confined to the {@code Rc}'s thread). A weak handle needs
 * no release.
 *
 * @param <S> the kind of share it upgrades to
 */
public final class Weak<S> {
    /** Where a weak handle gets its shares from. */
    interface Source<S> {
        Optional<S> upgrade();

        int strongCount();
    }

    private final Source<S> source;

    Weak(Source<S> source) {
        this.source = source;
    }

    /**
     * A new share, which the caller must release, or empty if the resource was closed.
     *
     * @return a new share, or empty if the resource was closed
     * @throws WrongThreadException for an {@code Rc}'s weak handle used from another thread
     */
    public Optional<S> upgrade() {
        return source.upgrade();
    }

    /**
     * Unreleased shares right now (a snapshot); 0 once the resource was closed.
     *
     * @return unreleased shares right now (a snapshot); 0 once the resource was closed
     * @throws WrongThreadException for an {@code Rc}'s weak handle used from another thread
     */
    public int strongCount() {
        return source.strongCount();
    }

    @Override
    public String toString() {
        return "Weak[" + source + "]";
    }
}
