package dev.braid.sync;

/**
 * A FIFO of {@link Waiter}s. Not thread-safe: every method is called while holding the owning
 * primitive's queue-lock bit, which also publishes the links to the next holder of that bit.
 * Removal of a cancelled waiter is a linear scan; queues are short, and cancellation is rare.
 */
final class WaitQueue {
    private Waiter head;
    private Waiter tail;

    boolean isEmpty() {
        return head == null;
    }

    Waiter peek() {
        return head;
    }

    void append(Waiter w) {
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
    }

    /** Puts a waiter that was woken but lost the race back at the front: it keeps its turn. */
    void pushFront(Waiter w) {
        w.next = head;
        head = w;
        if (tail == null) {
            tail = w;
        }
    }

    Waiter poll() {
        Waiter w = head;
        if (w != null) {
            head = w.next;
            if (head == null) {
                tail = null;
            }
            w.next = null;
        }
        return w;
    }

    /** Removes {@code w} if queued; returns whether it was. */
    boolean remove(Waiter w) {
        Waiter prev = null;
        for (Waiter p = head; p != null; prev = p, p = p.next) {
            if (p == w) {
                if (prev == null) {
                    head = p.next;
                } else {
                    prev.next = p.next;
                }
                if (tail == p) {
                    tail = prev;
                }
                p.next = null;
                return true;
            }
        }
        return false;
    }

    /** Removes every non-exclusive waiter, in order, and returns them as a chain (via next). */
    Waiter removeAllShared() {
        Waiter firstOut = null;
        Waiter lastOut = null;
        Waiter prev = null;
        Waiter p = head;
        while (p != null) {
            Waiter n = p.next;
            if (!p.exclusive) {
                if (prev == null) {
                    head = n;
                } else {
                    prev.next = n;
                }
                if (tail == p) {
                    tail = prev;
                }
                p.next = null;
                if (lastOut == null) {
                    firstOut = p;
                } else {
                    lastOut.next = p;
                }
                lastOut = p;
            } else {
                prev = p;
            }
            p = n;
        }
        return firstOut;
    }

    /** The number of non-exclusive waiters. */
    int countShared() {
        int n = 0;
        for (Waiter p = head; p != null; p = p.next) {
            if (!p.exclusive) {
                n++;
            }
        }
        return n;
    }

    boolean hasShared() {
        for (Waiter p = head; p != null; p = p.next) {
            if (!p.exclusive) {
                return true;
            }
        }
        return false;
    }
}
