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
     * Still waiting, and the owner has announced that it parks (ADR 0090): whoever claims the word
     * from this state must unpark the owner; a claim from {@link #WAITING} finds the owner still
     * spinning, and it sees {@link #SELECTED} without an unpark.
     */
    static final int PARKED = 4;

    /**
     * Pre-park spinning of a blocking operation: this many {@link Rt#spinWait()}s, then {@link
     * #PARK_YIELDS} {@link Rt#yieldNow()}s, each followed by a retry (as sync's Waiter does). A
     * partner on another core answers within a microsecond, where a park and unpark cost several.
     * {@code -Dbraid.channel.spins=N} sets it (ADR 0083), for an A/B in one benchmark run.
     */
    static final int PARK_SPINS = Math.max(0, Integer.getInteger("braid.channel.spins", 32));

    static final int PARK_YIELDS = 8;

    /**
     * The long pre-park spin of a channel wait (ADR 0091), used while recent waits on the channel
     * ended during such a spin, and as a probe on one wait in {@link #PROBE_EVERY} otherwise: about
     * 5 µs of {@code Thread.onSpinWait()} on the 2-vCPU benchmark machine, where {@link
     * #PARK_SPINS} (~0.6 µs) is shorter than a partner's round trip. {@code
     * -Dbraid.channel.longSpins=N}; a value not above {@link #PARK_SPINS} turns the adaptation off.
     */
    static final int LONG_SPINS = Math.max(0, Integer.getInteger("braid.channel.longSpins", 256));

    /** While long spins do not pay, one wait in this many still tries one (a power of two). */
    static final int PROBE_EVERY = 16;

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

    /**
     * Whether a queued wait on a channel whose hint is {@code spinLong} should spin {@link
     * #LONG_SPINS} times (ADR 0091): always while the hint says long spins pay, else on one wait in
     * {@link #PROBE_EVERY} (drawn through the seam), never when the adaptation is off. Only asked
     * for a thread whose {@link #spinBudget()} includes spins (so never under the testkit).
     */
    static boolean spinLongNow(boolean spinLong) {
        if (LONG_SPINS <= PARK_SPINS) {
            return false;
        }
        return spinLong || (Rt.nextLong() & (PROBE_EVERY - 1)) == 0;
    }

    /**
     * Whether a wait whose channel saw its recent claimed waiters idle ({@code partnerIdle}:
     * already yielding or parked when claimed) skips its spins and starts with the yields (ADR
     * 0113): the partners that answer this channel's waits were not running, so a spin would only
     * hold the processor they may need. One wait in {@link #PROBE_EVERY} (drawn through the seam)
     * spins anyway, and long ({@link #LONG_SPINS}: a partner on another processor meets it within
     * its round trip), so that the hint clears once partners run again; {@code
     * -Dbraid.channel.partnerHint=false} turns the rule off. Only asked for a thread whose {@link
     * #spinBudget()} includes spins.
     */
    static boolean skipSpins(boolean partnerIdle) {
        return PARTNER_HINT && partnerIdle && (Rt.nextLong() & (PROBE_EVERY - 1)) != 0;
    }

    static final boolean PARTNER_HINT =
            Boolean.parseBoolean(System.getProperty("braid.channel.partnerHint", "true"));

    /**
     * Whether a virtual thread's wait follows the partner hint too (ADR 0122): while the last
     * claims on the channel found their virtual owners already parked (their yields were not
     * answered), a virtual thread's wait and its fast-path retries skip their yields and park at
     * once, but for one wait in {@link #PROBE_EVERY}, which yields as before. {@code
     * -Dbraid.channel.virtualHint=false} restores the yields on every wait, for an A/B in one
     * benchmark run.
     */
    static final boolean VIRTUAL_HINT =
            Boolean.parseBoolean(System.getProperty("braid.channel.virtualHint", "true"));

    /**
     * Whether a wait of a virtual thread on a channel whose hint is {@code partnerIdle} skips its
     * yields (ADR 0122): as {@link #skipSpins} (one wait in {@link #PROBE_EVERY} still yields,
     * drawn through the seam), under {@link #VIRTUAL_HINT}. Only asked for a thread whose {@link
     * #spinBudget()} is not zero (so never under the testkit).
     */
    static boolean skipYields(boolean partnerIdle) {
        return VIRTUAL_HINT && partnerIdle && (Rt.nextLong() & (PROBE_EVERY - 1)) != 0;
    }

    /**
     * From how many retries left an owner whose claim finds it counts as idle for the partner hint
     * (it sets {@link #yielding}): from its first yield for a thread that spins first (its spins
     * were over, ADR 0113); for one that only yields (a virtual thread, ADR 0122, under {@link
     * #VIRTUAL_HINT}) from its second, so that a yield answered at once (a partner running on the
     * other carrier) keeps the yields, and later answers, each bought with several yields, do not.
     */
    static int idleAt(boolean yieldsOnly) {
        return yieldsOnly && VIRTUAL_HINT ? PARK_YIELDS - 1 : PARK_YIELDS;
    }

    /**
     * Whether a blocking operation's budget is one for the whole operation (ADR 0156): a virtual
     * thread whose lock-free retries ({@link ChannelCore#fastBudget()}) already yielded {@link
     * #PARK_YIELDS} times unanswered parks at once in its queued wait, instead of yielding as many
     * times again. {@code -Dbraid.channel.oneBudget=false} restores the second round of yields, for
     * an A/B in one benchmark run.
     */
    static final boolean ONE_BUDGET =
            Boolean.parseBoolean(System.getProperty("braid.channel.oneBudget", "true"));

    /**
     * Whether lock-free retries that ran out after a budget of {@code budget} retries spent the
     * current virtual thread's yields (ADR 0156): its queued wait then starts as an idle owner and
     * parks at once. Never under the testkit (its budget is 0) nor for a thread that spins.
     */
    static boolean yieldsSpent(int budget) {
        return ONE_BUDGET
                && budget > 0
                && budget <= PARK_YIELDS
                && Thread.currentThread().isVirtual();
    }

    /** One pre-park pause, with {@code left} more retries to go: spins first, then yields. */
    static void backOff(int left) {
        if (left <= PARK_YIELDS) {
            Rt.yieldNow();
        } else {
            Rt.spinWait();
        }
    }

    /**
     * Whether an owner announces its park and a claimer unparks only an announced owner (ADR 0090);
     * {@code -Dbraid.channel.parkAnnounce=false} restores the unconditional unpark, for an A/B in
     * one benchmark run.
     */
    static final boolean ANNOUNCE =
            Boolean.parseBoolean(System.getProperty("braid.channel.parkAnnounce", "true"));

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

    /**
     * The received element, or {@link ChannelCore#SENT} / {@link ChannelCore#CLOSED}; before that,
     * for a sender waiting in a rendezvous {@link HandOffSlot}, the element it offers (ADR 0123).
     */
    Object item;

    /**
     * Whether the claim found the owner parked ({@link #PARKED}): written by the claimer right
     * after its winning CAS, read by the same claimer in {@link #wake()}.
     */
    private boolean unparkOwner;

    /**
     * Set by the owner once its pre-park budget reaches the yields (it stopped spinning); read by
     * the claimer after its winning claim, for the channel's partner hint (ADR 0113). A plain, racy
     * hint: nothing but a spin length depends on it.
     */
    boolean yielding;

    /**
     * Set by the owner when it skipped its spins on the partner hint (ADR 0113): a claimer then
     * learns nothing from finding it idle and leaves the hint as it is.
     */
    boolean skippedSpins;

    Waiter(Thread thread, ChannelWaker waker) {
        this.thread = thread;
        this.waker = waker;
    }

    int state() {
        return (int) STATE.getAcquire(this); // acquire: pairs with complete()'s release
    }

    /** Whether a counterpart could still claim this waiter. */
    boolean isWaiting() {
        int s = (int) STATE.getVolatile(this);
        return s == WAITING || s == PARKED;
    }

    /**
     * Wins the word for a counterpart, from {@link #WAITING} or {@link #PARKED}; remembers which,
     * so that {@link #wake()} unparks only an owner that announced its park.
     */
    boolean tryClaim() {
        int s = (int) STATE.compareAndExchange(this, WAITING, CLAIMING);
        if (s == WAITING) {
            return true;
        }
        if (s == PARKED && STATE.compareAndSet(this, PARKED, CLAIMING)) {
            unparkOwner = true; // only the owner leaves PARKED otherwise, and only by aborting
            return true;
        }
        return false;
    }

    /**
     * The owner, about to park: moves {@link #WAITING} to {@link #PARKED} and returns true, or
     * returns false if a counterpart has claimed the word (then the owner must not park: nobody
     * would unpark it, and the outcome is a few stores away). Already {@link #PARKED} (a park that
     * returned early): true. The CAS on the one word orders the announcement against every claim: a
     * claimer either finds PARKED and unparks, or claimed first and this CAS fails.
     */
    boolean announcePark() {
        if (!ANNOUNCE) {
            return true; // the claimer unparks unconditionally
        }
        int s = (int) STATE.compareAndExchange(this, WAITING, PARKED);
        return s == WAITING || s == PARKED;
    }

    /**
     * Whether the owner had stopped spinning when the winning claim found it: yielding, or parked
     * (asked by that claimer only).
     */
    boolean claimFoundOwnerIdle() {
        return unparkOwner || yielding;
    }

    /** Whether the winning claim found the owner parked (tests; see {@link #tryClaim()}). */
    boolean claimFoundOwnerParked() {
        return unparkOwner;
    }

    void complete(int clause, Object outcome) {
        chosen = clause;
        item = outcome;
        Rt.releaseTo(this); // the testkit: a registration's isReady()/isDone() acquires from here
        STATE.setRelease(this, SELECTED); // release: publishes chosen and item
    }

    /**
     * Whether the waiter was selected; a true answer is an acquire of what the selecting thread did
     * before {@link #complete}, also under the testkit (registrations poll this).
     */
    boolean observedSelected() {
        if (state() != SELECTED) {
            return false;
        }
        Rt.acquireFrom(this); // the testkit: complete() released into this waiter
        return true;
    }

    /** The owner gives up, from {@link #WAITING} or {@link #PARKED}. */
    boolean tryAbort() {
        int s = (int) STATE.compareAndExchange(this, WAITING, ABORTED);
        return s == WAITING || (s == PARKED && STATE.compareAndSet(this, PARKED, ABORTED));
    }

    /** After a lost {@link #tryAbort()}: waits out the claimer's few stores. */
    void awaitSelected() {
        while (state() != SELECTED) {
            Rt.spinWait();
        }
    }

    /**
     * Wakes the owner after a claim and {@link #complete}: unparks its thread if the claim found it
     * parked (an owner still spinning sees {@link #SELECTED} by itself, ADR 0090), or runs its
     * callback (never under a channel lock). The testkit's hand-off edge is recorded either way.
     */
    void wake() {
        if (thread != null) {
            Rt.handOff(thread);
            if (unparkOwner || !ANNOUNCE) {
                Rt.unpark(thread);
            }
        } else {
            try {
                waker.wake();
            } catch (RuntimeException e) {
                reportCallbackFailure(e); // the caller's operation is done: do not undo it
            }
        }
    }

    /**
     * Hands what a user callback (a registration's waker, the undelivered-element hook) threw to
     * the calling thread's uncaught-exception handler (ADR 0105). The thread that ran it is a
     * bystander whose operation already took effect: throwing there made a receive that took an
     * element throw (the element was lost) and an accepted send look refused (sent twice).
     */
    static void reportCallbackFailure(RuntimeException e) {
        Thread me = Thread.currentThread();
        me.getUncaughtExceptionHandler().uncaughtException(me, e);
    }
}
