package dev.braid.sync;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import dev.braid.sync.BarrierWait.Broken;
import dev.braid.sync.BarrierWait.BrokenReason;
import dev.braid.sync.BarrierWait.Passed;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;

/**
 * A cyclic barrier: {@code parties} threads each call {@link #await()}, and all of them return once
 * the last one arrives. Then the barrier starts a new <em>generation</em> and can be used again.
 *
 * <pre>{@code
 * Barrier step = Barrier.named("step", workers);
 * // in each worker:
 * compute(part);
 * if (step.await() instanceof BarrierWait.Broken b) {
 *     return b.reason();                 // give up: another worker failed (b says how)
 * }
 * }</pre>
 *
 * <p><b>Breaking.</b> A generation breaks, instead of waiting forever, when a party's timed wait
 * expires, a waiting party is interrupted, a party reports failure with {@link #breakWith}, the
 * barrier action throws, or {@link #reset()} is called with parties waiting. Every party of a
 * broken generation — those waiting and those arriving later — gets {@link BarrierWait.Broken} with
 * the reason, until {@link #reset()} starts a fresh generation. Outcomes are typed results, not
 * exceptions (unlike {@code CyclicBarrier}'s {@code BrokenBarrierException}), except for an
 * interrupt, which throws {@link InterruptedException} to the interrupted party (ADR 0002).
 *
 * <p><b>Ambient cancellation.</b> A party waiting inside a {@link dev.braid.cancel.CancelScope}
 * stops when the scope's token is cancelled or its deadline passes: it breaks the generation with
 * {@link BrokenReason#CANCELLED} for the others and throws {@link
 * dev.braid.cancel.CancelledException} (or {@link dev.braid.cancel.DeadlineExceededException})
 * itself.
 *
 * <p><b>Action.</b> An optional action runs once per generation, on the last party to arrive (the
 * leader), before anyone is released. If it throws, the generation breaks with {@link
 * BrokenReason#ACTION_FAILED} and the exception propagates to the leader.
 *
 * <p><b>Happens-before.</b> Everything each party did before {@code await()} happens-before the
 * action and everything every party does after its {@code await()} returns {@link
 * BarrierWait.Passed}.
 */
public final class Barrier {
    /*
     * Implementation notes
     *
     * Algorithm. `current` points to the open Generation. Arriving is a CAS on its `arrived`
     * count; the party that makes it `parties` is the leader: it runs the action, then CASes the
     * generation's `outcome` null -> TRIPPED, installs the next Generation and wakes the waiters.
     * Breaking is the same CAS null -> Broken: whichever of tripping and breaking wins decides
     * the generation's fate, so a timeout that races with the last arrival yields either
     * "everyone passed" or "everyone broken", never a mix. Waiters sit on a Treiber stack in the
     * generation, swapped for CLOSED by whoever set the outcome (as in OnceCell / JoinHandle).
     *
     * State. Generation: id; arrived (CAS); outcome (null = open, TRIPPED, or a Broken record;
     * set once by CAS); waiters (stack, or CLOSED). A tripped generation is replaced right away;
     * a broken one stays current until reset(). A party that sees a generation full or TRIPPED
     * but not yet replaced spins through the seam for the leader to install the next one (a few
     * instructions, or the barrier action).
     *
     * Memory ordering. Arrival is a volatile CAS after the party's work; the leader reads
     * `arrived` == parties with that CAS, so all parties' work happens-before the action; the
     * outcome is published by a volatile CAS that waiters read before returning.
     *
     * Liveness. Blocking by design. Every exit path that abandons a wait (timeout, interrupt)
     * first tries to break the generation, so no party is left waiting for one that left.
     *
     * References. java.util.concurrent.CyclicBarrier's generation/broken design (D. Lea); Rust
     * std::sync::Barrier (leader flag). Unlike CyclicBarrier this takes no lock.
     */

    private static final VarHandle CURRENT;
    private static final VarHandle ARRIVED;
    private static final VarHandle OUTCOME;
    private static final VarHandle WAITERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CURRENT = l.findVarHandle(Barrier.class, "current", Generation.class);
            ARRIVED = l.findVarHandle(Generation.class, "arrived", int.class);
            OUTCOME = l.findVarHandle(Generation.class, "outcome", Object.class);
            WAITERS = l.findVarHandle(Generation.class, "waiters", Waiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final Object TRIPPED = new Object();

    private static final class Waiter {
        final Thread thread;
        Waiter next;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    private static final Waiter CLOSED = new Waiter(null);

    private static final class Generation {
        final long id;

        @SuppressWarnings("unused") // accessed through ARRIVED
        volatile int arrived;

        @SuppressWarnings("unused") // accessed through OUTCOME
        volatile Object outcome;

        @SuppressWarnings("unused") // accessed through WAITERS
        volatile Waiter waiters;

        Generation(long id) {
            this.id = id;
        }
    }

    private final int parties;
    private final Runnable action;
    private final String name;

    @SuppressWarnings("unused") // accessed through CURRENT
    private volatile Generation current = new Generation(0);

    private Barrier(String name, int parties, Runnable action) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be >= 1, was " + parties);
        }
        this.name = name;
        this.parties = parties;
        this.action = action;
    }

    /**
     * A barrier for {@code parties} parties.
     *
     * @param parties the number of parties that must arrive to pass
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties) {
        this(null, parties, null);
    }

    /**
     * A barrier with a name (used in deadlock reports and {@link #toString()}).
     *
     * @param name the name, shown in messages, deadlock reports and {@code toString()}
     * @param parties the number of parties that must arrive to pass
     * @return the new barrier
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code parties} less than 1
     */
    public static Barrier named(String name, int parties) {
        return new Barrier(Args.notBlank(name, "name"), parties, null);
    }

    /**
     * A named barrier whose {@code action} runs on the leader each time all parties arrive.
     *
     * @param name the name, shown in messages, deadlock reports and {@code toString()}
     * @param parties the number of parties that must arrive to pass
     * @param action runs on the leader each time all parties arrive, before they are released
     * @return the new barrier
     * @throws NullPointerException if {@code name} or {@code action} is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code parties} less than 1
     */
    public static Barrier withAction(String name, int parties, Runnable action) {
        return new Barrier(Args.notBlank(name, "name"), parties, Args.notNull(action, "action"));
    }

    /**
     * Arrives and waits, without bound, for the other parties.
     *
     * @return {@link BarrierWait.Passed} or {@link BarrierWait.Broken}
     * @throws InterruptedException if interrupted while waiting; the generation is then broken for
     *     the others ({@link BrokenReason#INTERRUPTED}), unless it was already passed or broken
     */
    public BarrierWait await() throws InterruptedException {
        return arrive(null);
    }

    /**
     * Arrives and waits at most {@code timeout}.
     *
     * @param timeout how long to wait at most
     * @return {@link BarrierWait.Passed}, {@link BarrierWait.TimedOut} or {@link
     *     BarrierWait.Broken}
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException as for {@link #await()}
     */
    public BarrierWait await(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        return arrive(Deadline.after(timeout));
    }

    /**
     * Arrives and waits until {@code deadline} at most.
     *
     * @param deadline the latest time to wait until
     * @return {@link BarrierWait.Passed}, {@link BarrierWait.TimedOut} or {@link
     *     BarrierWait.Broken}
     * @throws NullPointerException if {@code deadline} is null
     * @throws InterruptedException as for {@link #await()}
     */
    public BarrierWait await(Deadline deadline) throws InterruptedException {
        Args.notNull(deadline, "deadline");
        return arrive(deadline);
    }

    /**
     * Breaks the current generation because a party failed: waiting and arriving parties get {@link
     * BarrierWait.Broken} with {@link BrokenReason#PARTY_FAILED} and {@code cause}.
     *
     * @param cause the failure that breaks the generation
     * @return whether this call broke it (false if it was broken already)
     * @throws NullPointerException if {@code cause} is null
     */
    public boolean breakWith(Throwable cause) {
        Args.notNull(cause, "cause");
        Rt.yieldPoint(Op.OTHER, this);
        while (true) {
            Generation g = open();
            if (g.outcome != null) {
                return false;
            }
            if (finish(g, new Broken(g.id, BrokenReason.PARTY_FAILED, Optional.of(cause)))) {
                return true;
            }
        }
    }

    /**
     * Starts a fresh generation. Parties waiting in the current one get {@link BarrierWait.Broken}
     * with {@link BrokenReason#RESET}.
     */
    public void reset() {
        Rt.yieldPoint(Op.OTHER, this);
        while (true) {
            Generation g = open();
            if (g.outcome == null) {
                finish(g, new Broken(g.id, BrokenReason.RESET, Optional.empty()));
            }
            if (g.outcome == TRIPPED) {
                continue; // passed meanwhile: reset the generation after it
            }
            // If this fails, a concurrent reset already installed a fresh generation.
            Generation next = new Generation(g.id + 1);
            Rt.releaseTo(next); // as lead() does
            CURRENT.compareAndSet(this, g, next);
            return;
        }
    }

    /**
     * Whether the current generation is broken. A {@code true} answer is an acquire: what the
     * breaking party did before it broke the generation happens-before what the caller does next.
     *
     * @return whether the current generation is broken
     */
    public boolean isBroken() {
        if (!(current.outcome instanceof Broken b)) {
            return false;
        }
        Rt.acquireFrom(b); // the testkit: finish() released into the outcome it installed
        return true;
    }

    /**
     * The number of parties.
     *
     * @return the number of parties
     */
    public int parties() {
        return parties;
    }

    /**
     * Parties that arrived in the current generation (a snapshot).
     *
     * @return parties that arrived in the current generation (a snapshot)
     */
    public int arrived() {
        return Math.min(parties, current.arrived);
    }

    /**
     * The current generation's number, starting at 0; passing or resetting adds one. The read is an
     * acquire: what every party of the generations before did before arriving (or the resetting
     * thread before its reset) happens-before what the caller does next.
     *
     * @return the current generation's number, starting at 0; passing or resetting adds one
     */
    public long generation() {
        Generation g = current;
        Rt.acquireFrom(g); // the testkit: its installer released into it (lead(), reset())
        return g.id;
    }

    /**
     * Its kind and name without state: {@code Barrier(name)}, or {@code Barrier} if unnamed. Error
     * messages, deadlock reports, lock-order reports and JFR events name it this way.
     *
     * @return the label
     */
    public String label() {
        return name == null ? "Barrier" : "Barrier(" + name + ")";
    }

    /**
     * The label and a snapshot of the state: for example {@code Barrier(phase)[2 of 3 arrived,
     * generation 5]} or {@code Barrier(phase)[broken, generation 5]}. Read without synchronization:
     * a hint for logs and debuggers.
     *
     * @return a description of this barrier and its state
     */
    @Override
    public String toString() {
        Generation g = current;
        String state =
                g.outcome instanceof Broken
                        ? "broken"
                        : (int) ARRIVED.getVolatile(g) + " of " + parties + " arrived";
        return label() + "[" + state + ", generation " + g.id + "]";
    }

    // ---- internals ----

    /** The current generation, once a tripped one has been replaced. */
    private Generation open() {
        while (true) {
            Generation g = current;
            if (g.outcome != TRIPPED) {
                return g;
            }
            Rt.spinWait(); // the leader is installing the next generation
        }
    }

    private BarrierWait arrive(Deadline deadline) throws InterruptedException {
        Rt.yieldPoint(Op.OTHER, this);
        while (true) {
            Generation g = open();
            if (g.outcome instanceof Broken b) {
                return b;
            }
            if (Thread.interrupted()) {
                finish(g, new Broken(g.id, BrokenReason.INTERRUPTED, Optional.empty()));
                throw new InterruptedException();
            }
            int a = g.arrived;
            if (a >= parties) {
                Rt.spinWait(); // full: the leader is about to trip it
                continue;
            }
            if (!ARRIVED.compareAndSet(g, a, a + 1)) {
                continue;
            }
            return a + 1 == parties ? lead(g) : waitFor(g, deadline);
        }
    }

    private BarrierWait lead(Generation g) {
        if (action != null) {
            try {
                action.run();
            } catch (Throwable t) {
                finish(g, new Broken(g.id, BrokenReason.ACTION_FAILED, Optional.of(t)));
                throw t;
            }
        }
        if (!OUTCOME.compareAndSet(g, null, TRIPPED)) {
            return (BarrierWait) g.outcome; // broken first (timeout, interrupt, breakWith, reset)
        }
        Generation next = new Generation(g.id + 1);
        Rt.releaseTo(next); // the testkit: generation() that reads it acquires every arrival
        CURRENT.setVolatile(this, next);
        wakeAll(g);
        return new Passed(g.id, true);
    }

    private BarrierWait waitFor(Generation g, Deadline deadline) throws InterruptedException {
        Waiter node = new Waiter(Thread.currentThread());
        while (true) {
            Waiter h = (Waiter) WAITERS.getVolatile(g);
            if (h == CLOSED) {
                break;
            }
            node.next = h;
            if (WAITERS.compareAndSet(g, h, node)) {
                break;
            }
        }
        // Ambient cancellation (ADR 0010/0006): read only here, on the parking path. A party that
        // leaves because its scope stopped breaks the barrier, as an interrupted party does.
        CancelScope scope = CancelScope.current();
        long since = Rt.nanoTime(); // when the wait began: for the message of a stop
        CancellationRegistration stop = scope.isActive() ? scope.wakeOnCancel(node.thread) : null;
        Deadline bound =
                stop == null
                        ? deadline
                        : scope.deadline().min(deadline == null ? Deadline.never() : deadline);
        try {
            while (g.outcome == null) {
                if (bound == null || bound.isNever()) {
                    Rt.park(this);
                } else {
                    Rt.parkUntil(this, bound.nanoTime());
                }
                if (g.outcome != null) {
                    break;
                }
                if (Thread.interrupted()) {
                    if (finish(g, new Broken(g.id, BrokenReason.INTERRUPTED, Optional.empty()))) {
                        throw new InterruptedException();
                    }
                    Thread.currentThread().interrupt(); // decided meanwhile: keep the status
                    break;
                }
                if (stop != null && scope.isCancelled()) {
                    if (finish(g, new Broken(g.id, BrokenReason.CANCELLED, Optional.empty()))) {
                        scope.checkWaiting("await", this, since); // throws
                    }
                    break;
                }
                if (deadline != null && deadline.isExpired()) {
                    if (finish(g, new Broken(g.id, BrokenReason.TIMED_OUT, Optional.empty()))) {
                        return new BarrierWait.TimedOut(g.id);
                    }
                    break;
                }
            }
        } finally {
            if (stop != null) {
                stop.deregister();
            }
        }
        Object o = g.outcome;
        return o == TRIPPED ? new Passed(g.id, false) : (BarrierWait) o;
    }

    /** Sets {@code g}'s outcome if still open, waking its waiters; whether this call set it. */
    private boolean finish(Generation g, Broken broken) {
        if (!OUTCOME.compareAndSet(g, null, broken)) {
            return false;
        }
        Rt.releaseTo(broken); // the testkit: isBroken() that reads it acquires the breaker's writes
        wakeAll(g);
        return true;
    }

    private static void wakeAll(Generation g) {
        Waiter w = (Waiter) WAITERS.getAndSet(g, CLOSED);
        for (; w != null; w = w.next) {
            Rt.unpark(w.thread);
        }
    }
}
