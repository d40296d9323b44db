package dev.braid.channel;

import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One blocked operation, select or waker registration: the "select word" that exactly one party
 * claims. A counterpart (a sender handing over an element, a receiver taking one, a closer) first
 * wins {@link #tryClaim()}, then {@link #complete completes} the waiter with the clause it chose
 * and the element or outcome; the owner gives up by winning {@link #tryAbort()} instead. Whoever
 * loses the race for the word leaves no trace: a claimer that loses skips (and unlinks) the entry,
 * an owner that loses waits for the winner's {@link #complete} and takes its outcome.
 *
 * <p>A waiter is either a parked thread ({@link #thread} non-null) or a wake callback ({@link
 * #waker} non-null), so blocking and non-blocking users share the same queues.
 */
final class Waiter {
    /** Nobody has decided this waiter's fate. */
    static final int WAITING = 0;

    /** A counterpart won the word and is writing the outcome (a few plain stores, no seam call). */
    static final int CLAIMING = 1;

    /** The outcome ({@link #chosen}, {@link #item}) is written and published. */
    static final int SELECTED = 2;

    /** The owner gave up (timeout, interrupt, cancelled scope, unregister, or select retry). */
    static final int ABORTED = 3;

    /**
     * Pre-park spinning of a blocking operation: this many {@link Rt#spinWait()}s, then {@link
     * #PARK_YIELDS} {@link Rt#yieldNow()}s, each followed by a retry (as sync's Waiter does). A
     * partner on another core answers within a microsecond, where a park and unpark cost several.
     */
    static final int PARK_SPINS = 32;

    static final int PARK_YIELDS = 8;

    /**
     * The pre-park budget: {@link #PARK_SPINS} + {@link #PARK_YIELDS} retries, none under the
     * testkit (where a retry would only lengthen every schedule).
     */
    static int spinBudget() {
        return Rt.sim() == null ? PARK_SPINS + PARK_YIELDS : 0;
    }

    /** One pre-park pause, with {@code left} more retries to go: spins first, then yields. */
    static void backOff(int left) {
        if (left <= PARK_YIELDS) {
            Rt.yieldNow();
        } else {
            Rt.spinWait();
        }
    }

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    final Thread thread;
    final ChannelWaker waker;

    /** The clause (entry index) that fired; written before the release store of SELECTED. */
    int chosen;

    /** The received element, or {@link ChannelCore#SENT} / {@link ChannelCore#CLOSED}. */
    Object item;

    Waiter(Thread thread, ChannelWaker waker) {
        this.thread = thread;
        this.waker = waker;
    }

    int state() {
        return (int) STATE.getAcquire(this); // acquire: pairs with complete()'s release
    }

    /** Whether a counterpart could still claim this waiter. */
    boolean isWaiting() {
        return (int) STATE.getVolatile(this) == WAITING;
    }

    boolean tryClaim() {
        return STATE.compareAndSet(this, WAITING, CLAIMING);
    }

    void complete(int clause, Object outcome) {
        chosen = clause;
        item = outcome;
        STATE.setRelease(this, SELECTED); // release: publishes chosen and item
    }

    boolean tryAbort() {
        return STATE.compareAndSet(this, WAITING, ABORTED);
    }

    /** After a lost {@link #tryAbort()}: waits out the claimer's few stores. */
    void awaitSelected() {
        while (state() != SELECTED) {
            Rt.spinWait();
        }
    }

    /** Wakes the owner: unparks its thread or runs its callback (never under a channel lock). */
    void wake() {
        if (thread != null) {
            Rt.handOff(thread);
            Rt.unpark(thread);
        } else {
            waker.wake();
        }
    }
}
