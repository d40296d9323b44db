package dev.braid.testkit.internal;

import java.util.ArrayList;
import java.util.List;

/** One atomic cell's store history in modification order, numbered by first use in a run. */
final class Location {
    final int id;
    final List<Store> mo = new ArrayList<>(4);

    Location(int id, Object initial) {
        this.id = id;
        Store init = new Store(this, initial, -1, false);
        mo.add(init);
    }

    Store last() {
        return mo.get(mo.size() - 1);
    }

    /** Inserts {@code s} at modification-order position {@code position} and renumbers. */
    void insert(int position, Store s) {
        mo.add(position, s);
        for (int i = position; i < mo.size(); i++) {
            mo.get(i).rank = i;
        }
    }
}
