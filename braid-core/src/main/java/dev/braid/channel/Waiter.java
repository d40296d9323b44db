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
     * {@code -Dbraid.channel.spins=N} sets it (ADR 0083), for an A/B in one benchmark run.
     */
    static final int PARK_SPINS = Math.max(0, Integer.getInteger("braid.channel.spins", 32));

    static final int PARK_YIELDS = 8;

    /**
     * Whether spinning can help at all: with one processor the partner cannot run while this thread
     * spins, so the budget is then the yields alone (ADR 0083).
     */
    static final boolean MULTI_CORE = Runtime.getRuntime().availableProcessors() > 1;

    /**
     * Whether a virtual thread spins too; by default it only yields (ADR 0083): a spinning virtual
     * thread holds its carrier, which the partner it waits for may need, where a yield hands the
     * carrier over. {@code -Dbraid.channel.virtualSpins=true} restores the spins.
     */
    static final boolean VIRTUAL_SPINS =
            Boolean.parseBoolean(System.getProperty("braid.channel.virtualSpins", "false"));

    /**
     * The pre-park budget: {@link #PARK_SPINS} + {@link #PARK_YIELDS} retries; only the yields on
     * one processor and on a virtual thread (unless {@link #VIRTUAL_SPINS}); none under the testkit
     * (where a retry would only lengthen every schedule).
     */
    static int spinBudget() {
        if (Rt.sim() != null) {
            return 0;
        }
        boolean spin = MULTI_CORE && (VIRTUAL_SPINS || !Thread.currentThread().isVirtual());
        return spin ? PARK_SPINS + PARK_YIELDS : PARK_YIELDS;
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
