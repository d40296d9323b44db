package dev.braid.channel;

/**
 * A FIFO of {@link Entry}s with O(1) removal. Not thread-safe: used only under the owning channel's
 * lock.
 */
final class WaitList {
    private Entry head;
    private Entry tail;
    private int size;

    boolean isEmpty() {
        return head == null;
    }

    Entry first() {
        return head;
    }

    /** The number of queued entries, live or not yet unlinked. */
    int size() {
        return size;
    }

    void append(Entry e) {
        e.prev = tail;
        e.next = null;
        if (tail == null) {
            head = e;
        } else {
            tail.next = e;
        }
        tail = e;
        e.queued = true;
        size++;
    }

    /** Unlinks {@code e} if it is still queued. */
    void remove(Entry e) {
        if (!e.queued) {
            return;
        }
        if (e.prev == null) {
            head = e.next;
        } else {
            e.prev.next = e.next;
        }
        if (e.next == null) {
            tail = e.prev;
        } else {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        e.queued = false;
        size--;
    }

    /**
     * Takes every entry out and returns them as a chain linked by {@code next} (each marked
     * unqueued, so that a concurrent unregister leaves them alone).
     */
    Entry detachAll() {
        Entry chain = head;
        for (Entry e = head; e != null; e = e.next) {
            e.queued = false;
            e.prev = null;
        }
        head = null;
        tail = null;
        size = 0;
        return chain;
    }

    /**
     * Takes every entry whose waiter is not {@code keep} out, as {@link #detachAll()} does, and
     * returns them as a chain linked by {@code next} (null if none); the entries of {@code keep}
     * stay queued in their order.
     */
    Entry detachAllBut(Waiter keep) {
        Entry chain = null;
        Entry last = null;
        for (Entry e = head; e != null; ) {
            Entry next = e.next;
            if (e.waiter != keep) {
                remove(e);
                if (last == null) {
                    chain = e;
                } else {
                    last.next = e;
                }
                last = e;
            }
            e = next;
        }
        return chain;
    }

    /** The number of entries whose waiter is still waiting. */
    int countWaiting() {
        int n = 0;
        for (Entry e = head; e != null; e = e.next) {
            if (e.waiter.isWaiting()) {
                n++;
            }
        }
        return n;
    }
}
