package dev.braid.testkit.internal;

import dev.braid.cancel.CancelScope;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.ThreadSpec;
import dev.braid.testkit.Fault;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/** One simulated run: the baton, the tasks, virtual time, and the verdict. */
final class Scheduler {
    /*
     * Implementation notes
     *
     * Algorithm. Every simulated thread is a real virtual thread, but only the one that `current`
     * names may run: the others wait in awaitTurn (LockSupport.park in a loop). At each seam call
     * the baton holder updates its own task (parked, timed, done), collects the runnable tasks in
     * id order, asks the strategy to pick one when there are two or more, records the choice, and
     * hands over by writing `current` and unparking the chosen thread. Ids are given in spawn order;
     * nothing chooses by identity hash or by iterating an identity-keyed collection.
     *
     * Time. `now` starts at EPOCH and moves only when no task is runnable: it jumps to the earliest
     * deadline of a timed park, and every task due by then becomes runnable. The wall clock
     * (Rt.currentTimeMillis) is derived from `now`, starting at WALL_EPOCH_MILLIS. Nothing runnable and no
     * timer pending means the run is over: passed if every task is done, deadlocked otherwise.
     *
     * State. All task fields, `now`, the log and the strategy are touched only by the baton holder.
     * `current` (volatile) is the hand-off: its write by the old holder happens-before the new
     * holder's read, which orders everything the old holder did before everything the new one does.
     * `steps` is volatile so the controller (the thread that started the run) sees progress for the
     * watchdog; `aborted` and `verdict` may be written by the controller too (watchdog).
     *
     * Teardown. conclude() sets the verdict once (CAS), sets `aborted`, and unparks every task. A
     * task that wakes, or makes a seam call, in an aborted run throws SimAbort (a private Error), so
     * its stack unwinds through the code under test; cleanup calls (unlock, unpark, released) are
     * no-ops and never schedule again. Several tasks may unwind at once: the run is dead, and they
     * only touch `alive`. The controller waits for `alive` to reach 0 before the next run starts.
     *
     * Interrupts. Rt.interrupt sets pendingInterrupt and wakes a parked target; a plain
     * Thread.interrupt() (which only the baton holder can call) is found by collectRunnable at the
     * holder's next step, so the wake-up is deterministic. The target sets its real interrupt status
     * when it next gets the baton. awaitTurn clears the real status while it waits (a set status
     * would make LockSupport.park spin), noting it in interruptSeen first.
     *
     * Carrier. With java.lang opened to the testkit, a run's virtual threads run on a carrier of
     * the engine's own (Carrier, ADR 0063) instead of the JDK's shared pool: parallel engines do
     * not meet, and a hand-off stays on one platform thread. The results are the same either way.
     *
     * Tradeoffs. One virtual thread per simulated thread costs a few microseconds per hand-off but
     * runs the real code unmodified, with real stacks for reports. Choices are recorded only where
     * two or more tasks are runnable, which keeps schedule strings short; a fingerprint of every step
     * catches a replay that follows the choices but not the program.
     *
     * References. Musuvathi and Qadeer, "Iterative context bounding" (CHESS, PLDI 2007); Burckhardt
     * et al., "A randomized scheduler with probabilistic guarantees" (PCT, ASPLOS 2010); the
     * designs of tokio-rs/loom and awslabs/shuttle.
     */

    static final long EPOCH_NANOS = 1_000_000_000_000L;

    /** The virtual wall clock's reading at EPOCH_NANOS: 2026-01-01T00:00:00Z. */
    static final long WALL_EPOCH_MILLIS = 1_767_225_600_000L;

    static final ScopedValue<Task> CURRENT = ScopedValue.newInstance();

    /**
     * Simulated threads alive in the runs of this JVM that have no carrier of their own (the JDK's
     * shared pool), for tests that check a run cleaned up; threads on a carrier are counted by
     * their carrier (Carrier.liveThreads), on a line only that engine writes. A count every engine
     * wrote at every spawn and thread end was one of the lines parallel engines fought over (a
     * virtual thread's first LongAdder contention also draws a probe from JVM-global counters).
     */
    static final LongAdder LIVE_THREADS = new LongAdder();

    private final Strategy strategy;
    private final long maxSteps;
    private final RunSettings settings;
    final Faults faults;
    private final Thread controller;
    private final SplittableRandom random;
    private final ChoiceLog log = new ChoiceLog();
    private final Resources resources = new Resources();
    final MemoryModel memory = new MemoryModel(this::chooseMemory);
    final TaskList tasks = new TaskList();

    /** A task's failure that no one has read yet (Rt.taskFailed), in the order tasks failed. */
    private record Unobserved(Object handle, String name, Throwable failure) {}

    /** Failures kept only in task handles; usually empty, so acquireFrom's scan costs nothing. */
    private final List<Unobserved> unobserved = new ArrayList<>(0);

    final AtomicInteger alive = new AtomicInteger();
    private final AtomicReference<Verdict> verdict = new AtomicReference<>();
    private int[] runnable = new int[8];
    private long now = EPOCH_NANOS;

    /** Records every step with its call site; set only for a diagnostic replay of a failure. */
    Tracer tracer;

    /**
     * Whether the step now running had effects beyond its announced operation (Strategy.onStep):
     * set by the seam calls below, cleared at each step.
     */
    private boolean hidden;

    volatile Task current;
    volatile long steps;
    volatile boolean aborted;

    /** Builds the result once the schedule string is known. */
    interface Verdict {
        SimResult toResult(String schedule, long steps, int abandoned);
    }

    /** Builds the simulated threads: on the engine's own carrier, or on the JDK's shared pool. */
    private final Thread.Builder.OfVirtual threads;

    /** The carrier whose drainer is the controller (an inline run), or null. */
    private final Carrier inlineCarrier;

    /** The carrier that makes this run's threads and counts them, or null (the shared pool). */
    private final Carrier carrier;

    Scheduler(
            Strategy strategy,
            long maxSteps,
            Thread controller,
            RunSettings settings,
            Carrier carrier) {
        this.threads = carrier != null ? carrier.builder() : Thread.ofVirtual();
        this.inlineCarrier = carrier != null && carrier.drainedBy(controller) ? carrier : null;
        this.carrier = carrier;
        this.strategy = strategy;
        this.maxSteps = maxSteps;
        this.settings = settings;
        this.faults = new Faults(settings, strategy.seed());
        this.controller = controller;
        this.random = new SplittableRandom(strategy.seed() ^ 0x9E3779B97F4A7C15L);
    }

    // ---- controller side ----

    void start(SimBody body) {
        Task root = newTask("main", body);
        current = root;
        root.thread.start();
    }

    boolean concluded() {
        return verdict.get() != null;
    }

    /** The JVM state of the baton holder's thread, or null if no thread holds the baton. */
    Thread.State holderState() {
        Task holder = current;
        return holder == null ? null : holder.thread.getState();
    }

    /**
     * The watchdog's judge found the holder stuck (ADR 0177): report the baton holder if it is
     * blocked outside braid (still not RUNNABLE at this last look), or if it has been running
     * without a yield point for much longer ({@code longOverdue}).
     */
    void watchdog(long stepsSeen, boolean longOverdue) {
        Task holder = current;
        if (holder == null || steps != stepsSeen || concluded()) {
            return;
        }
        Thread.State state = holder.thread.getState();
        if (state == Thread.State.RUNNABLE && !longOverdue) {
            return;
        }
        List<StackTraceElement> stack = Arrays.asList(holder.thread.getStackTrace());
        String name = holder.name;
        if (conclude(
                (s, n, abandoned) ->
                        new SimResult.UncontrolledBlocking(s, n, name, state, stack, abandoned))) {
            holder.thread.interrupt(); // breaks Thread.sleep, Object.wait, lockInterruptibly
        }
    }

    SimResult result(int abandoned) {
        String name =
                strategy instanceof ReplayStrategy
                        ? strategy.name()
                        : strategy.name() + settings.strategySuffix();
        String schedule = log.toSchedule(name, strategy.seed()).toString();
        long n = steps;
        SimResult result = verdict.get().toResult(schedule, n, abandoned);
        if (strategy instanceof ReplayStrategy replay
                && !(result instanceof SimResult.Nondeterminism)) {
            String divergence = strategy.finish(log.count(), log.fingerprint());
            if (divergence != null) {
                String ended = result.message().lines().findFirst().orElse("");
                return new SimResult.Nondeterminism(
                        replay.schedule().toString(),
                        n,
                        divergence + "; the replayed run ended with: " + ended);
            }
        }
        return result;
    }

    // ---- seam calls, made by the task that holds the baton ----

    void yieldPoint(Task me, Op op, Object resource) {
        if (aborted) {
            if (op == Op.UNLOCK) {
                return; // let finally blocks release what they hold while unwinding
            }
            throw new SimAbort();
        }
        strategy.onYield(me.id, op, resource);
        reschedule(me, op, resource);
        if (op == Op.JOIN && resource instanceof Thread thread) {
            joined(me, thread);
        } else if (resource != null && synchronizes(op, resource)) {
            memory.announced(me.id, resource, op != Op.STORE, op != Op.LOAD && op != Op.JOIN);
        }
        if (faults.enabled() && faults.atYield(this, me) == Fault.CANCEL) {
            long deadline = CancelScope.current().deadline().nanoTime();
            if (deadline - now > 0) {
                now = deadline; // the scope's deadline arrives: time passed while others ran
            }
        }
    }

    /**
     * Whether an operation announced on {@code resource} synchronizes through it (ADR 0130): a
     * load, store, read-modify-write, join or other operation on an object of braid-core that the
     * memory model does not see inside (a channel, a pool or async task handle, a token). braid's
     * atomic cells are modelled exactly and threads, locks and parks have their own edges.
     */
    private static boolean synchronizes(Op op, Object resource) {
        return switch (op) {
            case LOAD, STORE, RMW, OTHER, JOIN ->
                    !(resource instanceof Thread)
                            && !resource.getClass().getPackageName().equals("dev.braid.atomic");
            default -> false;
        };
    }

    /** Happens-before from everything {@code thread} did so far (a join that may not park). */
    private void joined(Task me, Thread thread) {
        Task other = find(thread);
        if (other != null && other != me) {
            memory.acquireFrom(me.id, other.id);
        }
    }

    void park(Task me, Object blocker, boolean timed, long deadline) {
        parkInner(me, blocker, timed, deadline);
        memory.unparked(me.id);
        if (blocker instanceof Thread thread) {
            joined(me, thread);
        }
    }

    private void parkInner(Task me, Object blocker, boolean timed, long deadline) {
        if (aborted) {
            throw new SimAbort();
        }
        if (Thread.currentThread().isInterrupted()) {
            reschedule(
                    me, Op.PARK,
                    blocker); // returns at once and keeps the permit, as LockSupport does
            return;
        }
        if (me.permit) {
            me.permit = false;
            reschedule(me, Op.PARK, blocker);
            return;
        }
        if (timed && deadline - now <= 0) {
            reschedule(me, Op.SLEEP, blocker);
            return;
        }
        if (faults.enabled() && injectAtPark(me, blocker, timed, deadline)) {
            return;
        }
        me.state = timed ? Task.State.TIMED : Task.State.PARKED;
        me.deadline = deadline;
        me.blocker = blocker;
        if (blocker != null && !(blocker instanceof Thread)) {
            resources.number(blocker);
        }
        strategy.onYield(me.id, timed ? Op.SLEEP : Op.PARK, blocker);
        reschedule(me, timed ? Op.SLEEP : Op.PARK, blocker);
        me.blocker = null;
    }

    /** An opt-in fault at a park that would block; true if the park returns at once. */
    private boolean injectAtPark(Task me, Object blocker, boolean timed, long deadline) {
        String on = "parking on " + resources.label(blocker, tasks);
        Fault f = faults.atPark(this, me, timed, on);
        if (f == null) {
            return false;
        }
        switch (f) {
            case INTERRUPT -> Thread.currentThread().interrupt(); // returns, status set
            case EARLY_TIMEOUT -> {
                if (deadline - now > 0) {
                    now = deadline; // the earliest moment the timeout may fire
                }
            }
            default -> {} // SPURIOUS_WAKEUP: park may return for no reason
        }
        reschedule(me, timed ? Op.SLEEP : Op.PARK, blocker);
        return true;
    }

    /** An injection point of the CALLBACK fault: whether the wrapped callback throws. */
    boolean callbackFault(Task me) {
        if (aborted) {
            throw new SimAbort();
        }
        return faults.enabled() && faults.atCallback(this, me) != null;
    }

    /** A recorded choice among {@code count} fault options (0: none); replays read it back. */
    int chooseFault(Task me, int count, SplittableRandom r, double probability) {
        int c;
        if (strategy instanceof ReplayStrategy) {
            try {
                c = strategy.chooseMemory(count, me.id, steps);
            } catch (Strategy.Divergence d) {
                diverged(me, d);
                throw new SimAbort();
            }
        } else {
            c = r.nextDouble() < probability ? 1 + r.nextInt(count - 1) : 0;
        }
        log.choice(c, count);
        return c;
    }

    /** A happens-before edge to {@code target}'s next receive or park return, without a wake-up. */
    void handOff(Task me, Thread target) {
        if (aborted) {
            return;
        }
        hidden = true;
        Task t = find(target);
        if (t != null && t != me && t.alive()) {
            memory.unpark(me.id, t.id);
        }
    }

    void receiveHandOffs(Task me) {
        if (!aborted) {
            hidden = true;
            memory.unparked(me.id);
        }
    }

    void unpark(Task me, Thread target, boolean interrupt) {
        if (aborted || target == null) {
            return;
        }
        hidden = true;
        Task t = find(target);
        if (t == null) {
            if (interrupt) {
                target.interrupt();
            } else {
                LockSupport.unpark(target);
            }
        } else if (t == me) {
            if (interrupt) {
                Thread.currentThread().interrupt();
            } else {
                me.permit = true;
            }
        } else if (t.alive()) {
            memory.unpark(me.id, t.id);
            if (interrupt) {
                t.pendingInterrupt = true;
            }
            if (t.state == Task.State.PARKED || t.state == Task.State.TIMED) {
                t.state = Task.State.RUNNABLE;
            } else if (!interrupt) {
                t.permit = true;
            }
        }
        strategy.onYield(me.id, interrupt ? Op.OTHER : Op.UNPARK, target);
        reschedule(me, interrupt ? Op.OTHER : Op.UNPARK, target);
    }

    Thread spawn(Task me, ThreadSpec spec, Runnable body) {
        if (aborted) {
            throw new SimAbort();
        }
        String name = spec.name() != null ? spec.name() : "thread-" + tasks.size();
        Task t = newTask(name, body::run);
        hidden = true;
        memory.spawn(me.id, t.id);
        t.thread.start(); // it waits in awaitTurn until chosen
        reschedule(me, Op.SPAWN, t.thread);
        return t.thread;
    }

    long nanoTime() {
        return now;
    }

    /** The virtual wall clock: WALL_EPOCH_MILLIS plus the virtual time elapsed. */
    long currentTimeMillis() {
        return WALL_EPOCH_MILLIS + (now - EPOCH_NANOS) / 1_000_000L;
    }

    long nextLong() {
        if (aborted) {
            return ThreadLocalRandom.current().nextLong();
        }
        hidden = true;
        return random.nextLong();
    }

    void acquired(Task me, Object resource) {
        if (!aborted && resource != null) {
            hidden = true;
            resources.acquired(me, resource);
            memory.lockAcquired(me.id, resource);
        }
    }

    void released(Task me, Object resource) {
        if (!aborted && resource != null) {
            hidden = true;
            resources.released(me, resource);
            memory.lockReleased(me.id, resource);
        }
    }

    /**
     * Acquire-only synchronization through {@code resource} (ADR 0134): joins what announced
     * operations and {@link #releaseTo} released into it; no holder, no step, no choice.
     */
    void acquireFrom(Task me, Object resource) {
        if (!aborted) {
            hidden = true;
            memory.announced(me.id, resource, true, false);
            for (int i = unobserved.size() - 1; i >= 0; i--) { // a read of a failed outcome
                if (unobserved.get(i).handle() == resource) {
                    unobserved.remove(i);
                }
            }
        }
    }

    /** A task ended with {@code failure} (Rt.taskFailed); it is reported if no one reads it. */
    void taskFailed(Object handle, String name, Throwable failure) {
        if (!aborted) {
            hidden = true;
            unobserved.add(new Unobserved(handle, name, failure));
        }
    }

    /** Release-only synchronization into {@code resource} (ADR 0134); no holder, no step. */
    void releaseTo(Task me, Object resource) {
        if (!aborted) {
            hidden = true;
            memory.announced(me.id, resource, false, true);
        }
    }

    /**
     * What was released into {@code from} is released into {@code to} too (ADR 0134); {@code me}
     * acquires its clock (ADR 0152).
     */
    void passOn(Task me, Object from, Object to) {
        if (!aborted) {
            hidden = true;
            memory.passOn(me.id, from, to);
        }
    }

    /** A recorded choice among {@code count} memory-model options (which store, which place). */
    private int chooseMemory(int count) {
        Task me = current;
        try {
            int c = strategy.chooseMemory(count, me.id, steps);
            log.choice(c, count);
            return c;
        } catch (Strategy.Divergence d) {
            diverged(me, d);
            throw new SimAbort();
        }
    }

    /** A replay left its schedule: report where (step, thread, the user call site). */
    private void diverged(Task me, Strategy.Divergence d) {
        String original = strategy instanceof ReplayStrategy r ? r.schedule().toString() : "";
        String where = "; it diverged in thread '" + me.name + "' at " + Tracer.callSite();
        conclude((s, n, a) -> new SimResult.Nondeterminism(original, n, d.getMessage() + where));
    }

    /** Ends the run with a data race between two accesses to a plain cell. */
    void dataRace(MemoryModel.Race race) {
        MemoryModel.Access first = race.first();
        MemoryModel.Access second = race.second();
        SimResult.Access a =
                new SimResult.Access(tasks.get(first.task()).name, first.write(), first.site());
        SimResult.Access b =
                new SimResult.Access(tasks.get(second.task()).name, second.write(), second.site());
        String cell = "Plain#" + race.cell();
        conclude((s, n, ab) -> new SimResult.DataRace(s, n, cell, a, b));
        throw new SimAbort();
    }

    Task find(Thread thread) {
        for (Task t : tasks) {
            if (t.thread == thread) {
                return t;
            }
        }
        return null;
    }

    // ---- the engine ----

    private Task newTask(String name, SimBody body) {
        Task t = new Task(this, tasks.size(), name);
        Runnable run = () -> runTask(t, body);
        t.thread =
                carrier != null
                        ? carrier.newThread(threads, name, run)
                        : threads.name(name).unstarted(run);
        tasks.add(t);
        strategy.onSpawn(t.id);
        alive.incrementAndGet();
        if (carrier != null) {
            carrier.liveThreads.incrementAndGet();
        } else {
            LIVE_THREADS.increment();
        }
        return t;
    }

    private void runTask(Task t, SimBody body) {
        ScopedValue.where(CURRENT, t)
                .run(
                        () -> {
                            Throwable failure = null;
                            try {
                                awaitTurn(t);
                                body.run();
                            } catch (SimAbort abort) {
                                // the run is over; unwinding was the point
                            } catch (Throwable e) {
                                failure = e;
                            }
                            try {
                                finished(t, failure);
                            } catch (SimAbort abort) {
                                // concluded while finishing
                            } finally {
                                if (carrier != null) {
                                    carrier.liveThreads.decrementAndGet();
                                } else {
                                    LIVE_THREADS.decrement();
                                }
                                if (alive.decrementAndGet() == 0) {
                                    wakeController();
                                }
                            }
                        });
    }

    /**
     * The last simulated thread has ended. An inline controller is the carrier's drainer and sees
     * that itself unless it sleeps, so it is unparked only then (an unpark of a platform thread
     * goes through the VM's thread list, which the engines of one JVM share).
     */
    private void wakeController() {
        if (inlineCarrier != null) {
            inlineCarrier.wake();
        } else {
            LockSupport.unpark(controller);
        }
    }

    private void finished(Task t, Throwable failure) {
        if (aborted) {
            return;
        }
        t.state = Task.State.DONE;
        if (t.id == 0 && failure != null) {
            conclude((s, n, a) -> new SimResult.Failed(s, n, failure));
            return;
        }
        if (failure != null && threadFailed(t, failure)) {
            return;
        }
        reschedule(t, Op.OTHER, Tracer.ENDED);
    }

    /**
     * Task {@code t} (not the root) ended with {@code failure}: its own uncaught throwable, or a
     * braid thread's panic reported through the panic hook while it still runs. By default this
     * ends the run; with the opt-out it is only remembered for deadlock reports.
     *
     * @return whether the run was concluded
     */
    boolean threadFailed(Task t, Throwable failure) {
        if (aborted || failure instanceof SimAbort || t.id == 0) {
            return false;
        }
        if (t.failure == null) {
            t.failure = failure;
        }
        if (!settings.failOnUncaught()) {
            return false;
        }
        String name = t.name;
        conclude((s, n, a) -> new SimResult.ThreadFailed(s, n, name, failure));
        return true;
    }

    /** The holder {@code me} has updated its own state; pick who runs next and hand over. */
    private void reschedule(Task me, Op op) {
        reschedule(me, op, null);
    }

    private void reschedule(Task me, Op op, Object resource) {
        long step = steps + 1;
        steps = step;
        if (tracer != null) {
            tracer.step(step, me, op, resource);
        }
        int count = collectRunnable();
        log.step(me.id, op.ordinal(), count);
        if (step > maxSteps) {
            String name = me.name;
            List<StackTraceElement> stack = userStack(Thread.currentThread().getStackTrace());
            conclude((s, n, a) -> new SimResult.Livelock(s, n, name, stack));
            stopIfAlive(me);
            return;
        }
        if (count == 0) {
            if (advanceClock()) {
                count = collectRunnable();
            } else {
                boolean anyAlive = false;
                for (Task t : tasks) {
                    anyAlive |= t.alive();
                }
                if (anyAlive) {
                    conclude((s, n, a) -> resources.deadlock(tasks, s, n));
                } else if (!unobserved.isEmpty() && settings.failOnUncaught()) {
                    Unobserved u = unobserved.getFirst();
                    String name = u.name() + RunSettings.UNREAD;
                    conclude((s, n, a) -> new SimResult.ThreadFailed(s, n, name, u.failure()));
                } else {
                    conclude((s, n, a) -> new SimResult.Passed(s, n));
                }
                stopIfAlive(me);
                return;
            }
        }
        strategy.onStep(me.id, op, resource, hidden | memory.takeSeqCst());
        hidden = false;
        int pick = 0;
        if (count > 1) {
            try {
                pick = strategy.choose(runnable, count, me.id, op, step);
            } catch (Strategy.Divergence d) {
                diverged(me, d);
                stopIfAlive(me);
                return;
            }
            log.choice(pick, count);
        }
        Task next = tasks.get(runnable[pick]);
        if (next != me) {
            current = next; // volatile: hands over everything this task did
            LockSupport.unpark(next.thread);
            if (me.alive()) {
                awaitTurn(me);
            }
        }
    }

    private void stopIfAlive(Task me) {
        if (me.alive()) {
            throw new SimAbort();
        }
    }

    private int collectRunnable() {
        int n = 0;
        for (int i = 0, size = tasks.size(); i < size; i++) {
            Task t = tasks.get(i);
            if ((t.state == Task.State.PARKED || t.state == Task.State.TIMED)
                    && (t.interruptSeen || t.thread.isInterrupted())) {
                // Interrupted by Thread.interrupt(), which only the baton holder can have called
                // (so the wake-up happens at the same step in every replay): the status is either
                // still set, or the task cleared it after setting interruptSeen.
                t.state = Task.State.RUNNABLE;
                hidden = true;
            }
            if (t.state == Task.State.RUNNABLE) {
                if (n == runnable.length) {
                    runnable = Arrays.copyOf(runnable, n * 2);
                }
                runnable[n++] = i;
            }
        }
        return n;
    }

    /** Jumps to the earliest timer and wakes every task due by then; false if none is pending. */
    private boolean advanceClock() {
        boolean any = false;
        long earliest = 0;
        for (Task t : tasks) {
            if (t.state == Task.State.TIMED && (!any || t.deadline - earliest < 0)) {
                earliest = t.deadline;
                any = true;
            }
        }
        if (!any) {
            return false;
        }
        if (earliest - now > 0) {
            now = earliest;
        }
        for (Task t : tasks) {
            if (t.state == Task.State.TIMED && t.deadline - now <= 0) {
                t.state = Task.State.RUNNABLE;
            }
        }
        return true;
    }

    private void awaitTurn(Task me) {
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                me.interruptSeen = true; // volatile, before the clear: see collectRunnable
                Thread.interrupted();
            }
            if (aborted) {
                if (me.interruptSeen) {
                    Thread.currentThread().interrupt();
                }
                throw new SimAbort();
            }
            if (current == me) {
                break;
            }
            LockSupport.park(this);
        }
        if (me.pendingInterrupt || me.interruptSeen) {
            me.pendingInterrupt = false;
            me.interruptSeen = false;
            Thread.currentThread().interrupt();
        }
    }

    /** Sets the verdict if none is set yet, and starts the teardown. */
    private boolean conclude(Verdict v) {
        if (!verdict.compareAndSet(null, v)) {
            return false;
        }
        aborted = true;
        Thread self = Thread.currentThread();
        for (Task t : tasks) {
            if (t.thread != self) {
                LockSupport.unpark(t.thread);
            }
        }
        // The controller is not woken here: the last task to end wakes it (alive reaches 0), so
        // a run costs it one wake-up, not two; if a task never ends, its poll finds the verdict.
        return true;
    }

    /** Drops the testkit's own frames from the top of a stack. */
    static List<StackTraceElement> userStack(StackTraceElement[] stack) {
        int i = 0;
        while (i < stack.length
                && (stack[i].getClassName().startsWith("dev.braid.testkit.internal.")
                        || stack[i].getClassName().startsWith("dev.braid.internal.rt.")
                        || stack[i].getClassName().equals("java.lang.Thread"))) {
            i++;
        }
        return List.of(stack).subList(i, stack.length);
    }
}
