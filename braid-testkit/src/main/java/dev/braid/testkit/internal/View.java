package dev.braid.testkit.internal;

import java.util.Arrays;

/**
 * What a thread (or a message) knows: a vector clock over task ids, for happens-before, and per
 * memory location the newest store in modification order that it must not read before (its
 * coherence floor). Mutable; {@link #copy} makes the snapshots that messages carry.
 */
final class View {
    int[] clock;
    Store[] floor;

    View() {
        this(new int[4], new Store[4]);
    }

    private View(int[] clock, Store[] floor) {
        this.clock = clock;
        this.floor = floor;
    }

    View copy() {
        return new View(clock.clone(), floor.clone());
    }

    /**
     * Makes this view equal to {@code other} in place, reusing its arrays where they are large
     * enough (a lock's release view is overwritten at every unlock, so it need not be a new
     * object).
     */
    void assign(View other) {
        clock = fit(clock, other.clock);
        floor = fit(floor, other.floor);
    }

    private static int[] fit(int[] mine, int[] theirs) {
        if (mine.length < theirs.length) {
            return theirs.clone();
        }
        System.arraycopy(theirs, 0, mine, 0, theirs.length);
        Arrays.fill(mine, theirs.length, mine.length, 0);
        return mine;
    }

    private static Store[] fit(Store[] mine, Store[] theirs) {
        if (mine.length < theirs.length) {
            return theirs.clone();
        }
        System.arraycopy(theirs, 0, mine, 0, theirs.length);
        Arrays.fill(mine, theirs.length, mine.length, null);
        return mine;
    }

    int clock(int task) {
        return task < clock.length ? clock[task] : 0;
    }

    /** Starts the next epoch of {@code task}: later events are not covered by earlier snapshots. */
    void tick(int task) {
        if (task >= clock.length) {
            clock = Arrays.copyOf(clock, Math.max(task + 1, clock.length * 2));
        }
        clock[task]++;
    }

    Store floor(Location loc) {
        return loc.id < floor.length ? floor[loc.id] : null;
    }

    /** Raises the floor of {@code s}'s location to {@code s} if {@code s} is newer. */
    void see(Store s) {
        int id = s.loc.id;
        if (id >= floor.length) {
            floor = Arrays.copyOf(floor, Math.max(id + 1, floor.length * 2));
        }
        Store f = floor[id];
        if (f == null || s.rank > f.rank) {
            floor[id] = s;
        }
    }

    /** Joins the coherence floors only (what the global SC view exchanges). */
    void joinFloors(View other) {
        if (other == null) {
            return;
        }
        for (Store s : other.floor) {
            if (s != null) {
                see(s);
            }
        }
    }

    /** Joins everything: a synchronization edge from {@code other}'s owner to this one. */
    void join(View other) {
        if (other == null) {
            return;
        }
        joinFloors(other);
        joinClock(other);
    }

    /**
     * Joins the clocks only: happens-before for the race check, without the coherence floors that
     * decide which stores a later load may read (ADR 0152).
     */
    void joinClock(View other) {
        if (other.clock.length > clock.length) {
            clock = Arrays.copyOf(clock, other.clock.length);
        }
        for (int i = 0; i < other.clock.length; i++) {
            clock[i] = Math.max(clock[i], other.clock[i]);
        }
    }
}
