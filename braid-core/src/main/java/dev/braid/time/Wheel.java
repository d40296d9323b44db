package dev.braid.time;

import java.util.function.Consumer;

/**
 * The hierarchical timing wheel itself: six levels of 64 slots over abstract ticks. Not
 * thread-safe; {@link TimerWheel} owns one and calls it under its lock.
 */
final class Wheel {
    /*
     * Implementation notes
     *
     * Algorithm. Varghese and Lauck's hierarchical timing wheel (scheme 7) with tokio's encoding:
     * LEVELS levels of SLOTS = 64 slots; a slot of level L spans 64^L ticks, a whole level 64^(L+1).
     * `elapsed` is the tick up to which time has been processed. An entry due at tick `when` goes
     * to the level of the highest 6-bit group in which `when` and `elapsed` differ, at the slot
     * given by that group of `when`. Insert and remove are O(1) (intrusive doubly-linked slot
     * lists, a 64-bit occupancy mask per level). To advance, find the first occupied slot at or
     * after the current position, lowest level first (a level's next slot always starts after
     * every slot of the levels below it); jump `elapsed` to that slot's start; take its list; fire
     * every entry with when <= elapsed and re-insert the rest, which then land on lower levels
     * ("cascading"). An entry is cascaded at most LEVELS - 1 times.
     *
     * State. heads[level * 64 + slot] is the first entry of a slot; occupied[level] has bit `slot`
     * set iff that list is non-empty. An entry's `slot` is its heads index while linked,
     * STAGED + i while at staged[i], -1 otherwise; `size` counts linked and staged entries. Entries farther away than the top level reaches (64^6 ticks,
     * 2.2 years at 1 ms) are parked in the top level's last slot of the current range and simply
     * re-inserted when it comes around.
     *
     * Staging (ADR 0067). insert() does not link an entry at once: it appends it to `staged`, a
     * small array (STAGE entries), and remove() of a staged entry swaps the last staged entry into
     * its place. advance(), nextExpiration() and drain() first link every staged entry, and so
     * does an insert that finds the array full. Since `elapsed` moves only in advance(), an entry
     * linked there lands exactly where it would have landed at insert time: staging changes no
     * firing tick. Why: most timers are cancelled before they come due (timeouts), and a staged
     * entry that is cancelled never touches `heads`. Storing a new (young) entry into `heads`, an
     * old array, costs G1's post-write barrier a StoreLoad fence on x86 (JDK 25); storing it into
     * a young array does not (the card is young). `staged` is replaced by a new array every
     * REFRESH stagings so that it stays young (one 80-byte allocation per 64 inserts, under the
     * wheel's lock, amortized O(1)). A timer that stays pending pays a staging store more and is
     * linked at the next advance or full array (up to STAGE links then: still O(1)).
     *
     * Liveness/timing. An entry fires when the wheel is advanced to a tick >= when, never before;
     * the caller turns a deadline into `when` by rounding up, so firing is never early and at most
     * one tick late if advance() is called on time (nextExpiration() says when that is).
     *
     * Tradeoffs. Cascading costs a re-insert per level crossed, instead of Netty's per-tick scan of
     * a single hashed wheel with "rounds"; in exchange the driver sleeps until the next occupied
     * slot instead of waking every tick, and removal is eager: a cancelled entry is unlinked at
     * once, so the wheel never retains cancelled tasks (netty#2541).
     *
     * References. G. Varghese, T. Lauck, "Hashed and Hierarchical Timing Wheels" (SOSP 1987);
     * C. Lerche, "Timers" (tokio blog, 2018) and tokio's time/wheel design; Kafka's "Purgatory
     * Redesign" (hierarchical wheels with a delay queue of buckets).
     */

    static final int BITS = 6;
    static final int SLOTS = 1 << BITS;
    static final int LEVELS = 6;

    /** Entries staged at most before the next insert links them all (see "Staging"). */
    static final int STAGE = 16;

    /** An entry's {@code slot} at or above this is staged, at index {@code slot - STAGED}. */
    static final int STAGED = LEVELS * SLOTS;

    /** Stagings after which the staging array is replaced by a fresh (young) one. */
    static final int REFRESH = 64;

    /** Largest offset from the start of the current top-level range: 64^6 - 1 ticks. */
    private static final long MAX_SPAN = (1L << (BITS * LEVELS)) - 1;

    private final TimerEntry[] heads = new TimerEntry[LEVELS * SLOTS];
    private final long[] occupied = new long[LEVELS];
    private long elapsed;
    private int size; // linked and staged

    private TimerEntry[] staged = new TimerEntry[STAGE]; // [0, stagedCount) are staged entries
    private int stagedCount;
    private int stagings; // since `staged` was allocated

    Wheel(long startTick) {
        this.elapsed = startTick;
    }

    long elapsed() {
        return elapsed;
    }

    int size() {
        return size;
    }

    /**
     * Adds {@code e} (staged; linked into its slot at the latest by the next {@link #advance}); its
     * {@code when} is raised to elapsed + 1 if it is not in the future. O(1): at most {@link
     * #STAGE} links when the staging area is full.
     */
    void insert(TimerEntry e) {
        if (e.when <= elapsed) {
            e.when = elapsed + 1;
        }
        if (stagedCount == STAGE) {
            linkStaged();
        }
        if (++stagings >= REFRESH) {
            refreshStaging();
        }
        staged[stagedCount] = e; // a young entry into a young array: no G1 card fence
        e.slot = STAGED + stagedCount++;
        size++;
    }

    /** Removes a pending entry (staged or linked) in O(1). */
    void remove(TimerEntry e) {
        int i = e.slot - STAGED;
        if (i >= 0) {
            TimerEntry last = staged[--stagedCount];
            staged[i] = last; // the last staged entry takes the removed one's place
            last.slot = STAGED + i;
            staged[stagedCount] = null;
            e.slot = -1;
        } else {
            unlink(e);
        }
        size--;
    }

    /**
     * The tick at which {@link #advance} next has work (a slot to fire or cascade), or -1 if the
     * wheel is empty.
     */
    long nextExpiration() {
        linkStaged();
        for (int level = 0; level < LEVELS; level++) {
            long occ = occupied[level];
            if (occ != 0) {
                return slotStart(level, occ);
            }
        }
        return -1;
    }

    /** Processes time up to {@code now}: unlinks every entry due by then and passes it on. */
    void advance(long now, Consumer<TimerEntry> due) {
        linkStaged(); // elapsed has not moved since they were staged: as if linked then
        while (true) {
            int level = 0;
            while (level < LEVELS && occupied[level] == 0) {
                level++;
            }
            if (level == LEVELS) {
                break;
            }
            long start = slotStart(level, occupied[level]);
            if (start > now) {
                break;
            }
            elapsed = start;
            int index = level * SLOTS + (int) ((start >>> (level * BITS)) & (SLOTS - 1));
            TimerEntry e = heads[index];
            heads[index] = null;
            occupied[level] &= ~(1L << (index & (SLOTS - 1)));
            while (e != null) {
                TimerEntry next = e.next;
                e.prev = null;
                e.next = null;
                e.slot = -1;
                if (e.when <= elapsed) {
                    size--;
                    due.accept(e);
                } else {
                    link(e); // cascade to a lower level
                }
                e = next;
            }
        }
        if (now > elapsed) {
            elapsed = now; // no slot starts in (elapsed, now]: every entry stays valid
        }
    }

    /** Unlinks every entry (in no particular order) and passes it on; O(slots + entries). */
    void drain(Consumer<TimerEntry> each) {
        linkStaged();
        for (int i = 0; i < heads.length; i++) {
            TimerEntry e = heads[i];
            heads[i] = null;
            while (e != null) {
                TimerEntry next = e.next;
                e.prev = null;
                e.next = null;
                e.slot = -1;
                size--;
                each.accept(e);
                e = next;
            }
        }
        java.util.Arrays.fill(occupied, 0L);
    }

    /** Links every staged entry into its slot, oldest first. */
    private void linkStaged() {
        TimerEntry[] st = staged;
        for (int i = 0; i < stagedCount; i++) {
            TimerEntry e = st[i];
            st[i] = null;
            link(e);
        }
        stagedCount = 0;
    }

    /**
     * Moves the staged entries into a new array: a recently allocated array is in a young region,
     * where G1 stores a young entry without the post-write barrier's fence (see "Staging").
     */
    private void refreshStaging() {
        TimerEntry[] fresh = new TimerEntry[STAGE];
        System.arraycopy(staged, 0, fresh, 0, stagedCount);
        staged = fresh;
        stagings = 0;
    }

    private long slotStart(int level, long occ) {
        int shift = level * BITS;
        int now = (int) ((elapsed >>> shift) & (SLOTS - 1));
        int slot = (Long.numberOfTrailingZeros(Long.rotateRight(occ, now)) + now) & (SLOTS - 1);
        long levelRange = 1L << (shift + BITS);
        long start = (elapsed & -levelRange) + ((long) slot << shift);
        return start < elapsed ? start + levelRange : start;
    }

    private void link(TimerEntry e) {
        long when = Math.min(e.when, elapsed | MAX_SPAN);
        if (when == elapsed) {
            when = elapsed + 1; // elapsed ends a top-level range: park at the next one's start
        }
        long masked = (elapsed ^ when) | (SLOTS - 1);
        int level = Math.min((63 - Long.numberOfLeadingZeros(masked)) / BITS, LEVELS - 1);
        int slot = (int) ((when >>> (level * BITS)) & (SLOTS - 1));
        int index = level * SLOTS + slot;
        TimerEntry head = heads[index];
        e.prev = null;
        e.next = head;
        if (head != null) {
            head.prev = e;
        }
        heads[index] = e;
        e.slot = index;
        occupied[level] |= 1L << slot;
    }

    private void unlink(TimerEntry e) {
        int index = e.slot;
        if (e.prev != null) {
            e.prev.next = e.next;
        } else {
            heads[index] = e.next;
        }
        if (e.next != null) {
            e.next.prev = e.prev;
        }
        if (heads[index] == null) {
            occupied[index / SLOTS] &= ~(1L << (index & (SLOTS - 1)));
        }
        e.prev = null;
        e.next = null;
        e.slot = -1;
    }
}
