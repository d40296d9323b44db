package dev.braid.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One channel configuration of the contract suite: every flavor, the capacities {0, 1, 2, 16, 1024,
 * unbounded} and every overflow policy, plus conflated. Each channel it makes records the elements
 * its undelivered-element hook saw.
 */
record Flavor(String label, int capacity, Overflow overflow, boolean conflated) {
    static final int UNBOUNDED = Integer.MAX_VALUE;

    static List<Flavor> all() {
        List<Flavor> out = new ArrayList<>();
        out.add(new Flavor("rendezvous", 0, Overflow.BLOCK, false));
        for (int cap : new int[] {1, 2, 16, 1024}) {
            for (Overflow o : Overflow.values()) {
                out.add(new Flavor("bounded(" + cap + ", " + o + ")", cap, o, false));
            }
        }
        out.add(new Flavor("unbounded", UNBOUNDED, Overflow.BLOCK, false));
        out.add(new Flavor("conflated", 1, Overflow.DROP_OLDEST, true));
        return out;
    }

    /** Flavors whose sends can wait (finite capacity, BLOCK). */
    boolean canBeFull() {
        return capacity != UNBOUNDED && overflow == Overflow.BLOCK;
    }

    boolean drops() {
        return overflow != Overflow.BLOCK;
    }

    /** How many elements a test can buffer without a receiver. */
    int room() {
        return capacity == UNBOUNDED ? 3000 : capacity;
    }

    /** A channel plus what its hook saw. */
    record Made<T>(Channel<T> ch, Queue<T> undelivered) {}

    <T> Made<T> make() {
        Queue<T> undelivered = new ConcurrentLinkedQueue<>();
        Channel.Builder<T> b = Channel.<T>builder().name(label).onUndelivered(undelivered::add);
        if (conflated) {
            b.conflated();
        } else if (capacity == UNBOUNDED) {
            b.unbounded();
        } else {
            b.bounded(capacity, overflow);
        }
        return new Made<>(b.build(), undelivered);
    }

    @Override
    public String toString() {
        return label;
    }
}
