package dev.braid.channel;

/**
 * A receiver's registered interest in a channel, from {@link Receiver#registerRecv}: a readiness
 * notification that never takes an element. Its callback runs at most once, when an element, a
 * waiting sender or the close arrives; the registrant then calls {@code tryRecv()} again (which may
 * find the element already taken by another receiver: then it registers again).
 */
public final class RecvRegistration implements AutoCloseable {
    private final ChannelCore<?> core;
    private final Entry entry;

    RecvRegistration(ChannelCore<?> core, Entry entry) {
        this.core = core;
        this.entry = entry;
    }

    /**
     * Whether a receive may succeed now: true if the channel was already ready when registering
     * (the callback is then never called) or the channel has signalled the registration. The
     * signalling thread turns this true first and then runs the callback (so a callback that looks
     * here sees true): for a moment the callback may still be running, or about to run, on that
     * thread while this already says true. It runs exactly once either way. A {@code true} answer
     * is an acquire: what the signalling thread did before it signalled happens-before what the
     * caller does next.
     *
     * @return whether to try again
     */
    public boolean isReady() {
        return entry == null || entry.waiter.observedSelected();
    }

    /**
     * Withdraws the registration.
     *
     * @return true if this call withdrew it (the callback will never run); false if it was already
     *     ready or withdrawn
     */
    public boolean unregister() {
        if (entry == null) {
            return false;
        }
        boolean withdrawn = entry.waiter.tryAbort();
        core.unregisterReader(entry);
        return withdrawn;
    }

    /** Same as {@link #unregister()}. */
    @Override
    public void close() {
        unregister();
    }

    @Override
    public String toString() {
        return "RecvRegistration[" + core.label() + (isReady() ? ", ready]" : ", waiting]");
    }
}
