package dev.braid.channel;

import java.util.Optional;

/**
 * A pending non-blocking send, from {@link Sender#registerSend}: the element is on offer in the
 * channel like a blocked sender's, without a blocked thread. A receiver (or room in the buffer)
 * takes it, or the close rejects it; either way the callback runs once and {@link #result()} says
 * which. {@link #cancel()} withdraws an offer that is still pending, and the element stays the
 * caller's. An element is never both withdrawn and delivered.
 */
public final class SendRegistration implements AutoCloseable {
    private final ChannelCore<?> core;
    private final Entry entry;
    private final SendResult immediate;

    SendRegistration(ChannelCore<?> core, Entry entry, SendResult immediate) {
        this.core = core;
        this.entry = entry;
        this.immediate = immediate;
    }

    /**
     * Whether the send has completed (sent or closed). A send that completed at registration never
     * calls its callback. A {@code true} answer is an acquire: what the receiving (or closing)
     * thread did before it completed the send happens-before what the caller does next.
     *
     * @return whether {@link #result()} is available
     */
    public boolean isDone() {
        return immediate != null || entry.waiter.observedSelected();
    }

    /**
     * The outcome of a completed send: {@link SendResult.Sent} or {@link SendResult.Closed}.
     *
     * @return the outcome
     * @throws IllegalStateException if the send is still pending (wait for the callback, or {@link
     *     #cancel()} it)
     */
    public SendResult result() {
        if (immediate != null) {
            return immediate;
        }
        if (entry.waiter.state() == Waiter.CLAIMING) {
            entry.waiter.awaitSelected(); // a receiver is completing it right now
        }
        if (entry.waiter.state() != Waiter.SELECTED) {
            throw new IllegalStateException(
                    (entry.waiter.state() == Waiter.ABORTED ? "cancelled" : "still pending")
                            + ": wait for the callback before asking for the result, or cancel()");
        }
        return entry.waiter.item == ChannelCore.SENT
                ? SendResult.Sent.INSTANCE
                : new SendResult.Closed(Optional.ofNullable(core.cause()));
    }

    /**
     * Withdraws the offer if it is still pending.
     *
     * @return true if this call withdrew it (the element was not sent and the callback will never
     *     run); false if the send had already completed or been withdrawn
     */
    public boolean cancel() {
        if (entry == null) {
            return false;
        }
        boolean withdrawn = entry.waiter.tryAbort();
        core.unregister(entry, true);
        return withdrawn;
    }

    /** Same as {@link #cancel()}. */
    @Override
    public void close() {
        cancel();
    }

    @Override
    public String toString() {
        return "SendRegistration[" + core.label() + (isDone() ? ", done]" : ", pending]");
    }
}
