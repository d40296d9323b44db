package dev.braid.channel;

/**
 * A waiter's place in one channel's queue: one per blocked operation, one per clause of a blocked
 * select. All fields but {@link #waiter}, {@link #clause} and {@link #item} are guarded by the
 * channel's lock.
 */
final class Entry {
    final Waiter waiter;
    final int clause;

    /** For a send entry: the element offered. For a receive entry: null. */
    final Object item;

    Entry prev;
    Entry next;
    boolean queued;

    Entry(Waiter waiter, int clause, Object item) {
        this.waiter = waiter;
        this.clause = clause;
        this.item = item;
    }
}
