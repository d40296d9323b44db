package dev.braid.testkit.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One engine's own carrier: a platform thread that runs the continuations of one run's simulated
 * (virtual) threads, one at a time, so parallel engines do not share the JDK's carrier pool.
 */
final class Carrier implements Executor {
    /*
     * Implementation notes (ADR 0063)
     *
     * Why. Only the baton holder of a run ever runs, so one run needs exactly one carrier. On the
     * JDK's shared ForkJoinPool every hand-off (unpark the next simulated thread, park this one)
     * submits to the pool, which may wake an idle carrier that steals the continuation: with two
     * engines on two cores, both engines' threads migrate between both carriers and each hand-off
     * can cost a cross-core wake-up. A carrier of its own per engine keeps a whole run on one
     * platform thread, and a hand-off becomes a queue push and a continuation yield.
     *
     * How. JDK 25 has no public API for a virtual thread's scheduler; the builder constructor that
     * takes an Executor (java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)) is reached by
     * reflection, which needs --add-opens java.base/java.lang=ALL-UNNAMED (or =dev.braid.testkit on
     * the module path). Without it, or with -Dbraid.testkit.carrier=shared, simulated threads are
     * plain virtual threads on the shared pool, as before: results are the same either way (the
     * baton decides who runs, not the carrier), only the speed differs.
     *
     * Queue. execute() appends to one concurrent queue and unparks the drainer only while it
     * sleeps (sleep(): the drainer sets `sleeping`, re-checks the queue, parks; execute() appends,
     * then reads `sleeping` -- both volatile, so one of them sees the other and no wake-up is
     * lost). A busy drainer polls the queue anyway, so the common case -- the running simulated
     * thread hands the baton to another one on the same carrier -- costs no unpark at all. (An
     * unpark per hand-off, which JDK 25 made since it submits with the virtual thread's identity,
     * not the carrier's, went through the VM's thread-list handle at every step and was the one
     * hot spot that two engines of one JVM shared: docs/perf/testkit.md, 2026-12-04 late.)
     *
     * Pinning. A simulated thread that parks while it cannot unmount (inside a class's static
     * initializer, or under a native frame) parks the carrier thread itself, and the continuation
     * it handed the baton to waits in the queue behind it: the run would stall where the shared
     * pool (which compensates) went on. The controller checks at each watchdog poll: if the queue
     * holds work and the carrier has run nothing since the last poll, it starts a helper thread
     * that drains the queue until it has been empty for HELPER_IDLE_NANOS (compensation, as the
     * ForkJoinPool does for blocked carriers). The baton still lets one simulated thread run.
     *
     * Lifetime. A controller thread keeps its carrier in a ThreadLocal and claims it for each run
     * (IDLE -> BUSY, released after the run). A run that leaves simulated threads behind (a thread
     * blocked or spinning outside braid) may hold the carrier forever, so the controller abandons
     * it (-> ABANDONED) and makes a new one next time. A carrier that is not BUSY and has had no
     * work for IDLE_NANOS retires (its thread ends): explore's worker threads come and go, and their
     * carriers must not outlive them for long.
     *
     * Inline (ADR 0068). An explore worker is its own carrier: a carrier made by claimInline() has
     * no thread of its own; its drainer is the worker, which runs the queue between its other work
     * (Engine.driveInline), so a schedule needs no wake-up across threads at all. Compensation is
     * then called by the shared Watchdog thread instead of the controller. An inline carrier that
     * is abandoned with simulated threads left gets a thread of its own (the loop above) for them,
     * so they never run inside a later run of the worker.
     */

    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int ABANDONED = 2;
    private static final int RETIRED = 3;

    /** The JDK's virtual-thread builder constructor that takes a scheduler, or null if closed. */
    private static final Constructor<?> BUILDER = builderConstructor();

    private static final ThreadLocal<Carrier> OWN = new ThreadLocal<>();

    /** Every carrier that may still count live threads (pruned as carriers are made). */
    private static final ConcurrentLinkedQueue<Carrier> ALL = new ConcurrentLinkedQueue<>();

    private static final ThreadLocal<Carrier> INLINE = new ThreadLocal<>();

    private static final long HELPER_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The thread that runs the queue: the carrier's own, or the inline worker. */
    private volatile Thread drainer;

    private final boolean inline;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger state = new AtomicInteger(BUSY);

    /**
     * Continuations the carrier and its helpers have started; read by the controller to see that
     * nobody makes progress. Helpers may race on the increment; a lost count still changes it.
     */
    private volatile long started;

    /** Simulated threads of this carrier's runs that have started and not ended. */
    final AtomicInteger liveThreads = new AtomicInteger();

    /** The drainer is parked, or about to park, in {@link #sleep}: execute() must unpark it. */
    private volatile boolean sleeping;

    private long startedAtLastCheck = -1;

    private Carrier(boolean inline) {
        this.inline = inline;
        if (inline) {
            drainer = Thread.currentThread();
        } else {
            startOwnThread("braid-carrier-" + Thread.currentThread().getName());
        }
        // a carrier whose drainer has ended and that counts no thread will never count one again
        ALL.removeIf(
                c -> c.liveThreads.get() == 0 && c.drainer.getState() == Thread.State.TERMINATED);
        ALL.add(this);
    }

    private void startOwnThread(String name) {
        Thread t = Thread.ofPlatform().name(name).daemon().unstarted(this::loop);
        drainer = t;
        t.start();
    }

    private static Constructor<?> builderConstructor() {
        try {
            Constructor<?> c =
                    Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                            .getDeclaredConstructor(Executor.class);
            c.setAccessible(true);
            return c;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // java.lang not opened, or the constructor is gone: the shared pool
        }
    }

    /** Whether runs can get a carrier of their own (the JDK builder is reachable and not off). */
    static boolean available() {
        return BUILDER != null && !"shared".equals(System.getProperty("braid.testkit.carrier"));
    }

    /**
     * Claims the calling controller's carrier for one run, making one if it has none or lost it;
     * null when carriers are not {@linkplain #available() available}.
     */
    static Carrier claim() {
        return available() ? claimFrom(OWN, false) : null;
    }

    /**
     * Claims a carrier for one run whose drainer is the calling platform thread itself (it calls
     * {@link #runOne()} until the run is over); null when carriers are not available or the caller
     * is a virtual thread.
     */
    static Carrier claimInline() {
        return available() && !Thread.currentThread().isVirtual() ? claimFrom(INLINE, true) : null;
    }

    private static Carrier claimFrom(ThreadLocal<Carrier> slot, boolean inline) {
        Carrier c = slot.get();
        if (c != null && c.state.compareAndSet(IDLE, BUSY)) {
            return c;
        }
        c = new Carrier(inline); // starts BUSY
        slot.set(c);
        return c;
    }

    /** Simulated threads alive on all carriers (see Engine.liveThreads). */
    static int liveThreads() {
        int n = 0;
        for (Carrier c : ALL) {
            n += c.liveThreads.get();
        }
        return n;
    }

    /** Whether no continuation waits to run. */
    boolean isIdle() {
        return queue.isEmpty();
    }

    /**
     * Runs one queued continuation on the calling (inline) drainer.
     *
     * @return false if the queue was empty
     */
    boolean runOne() {
        Runnable r = queue.poll();
        if (r == null) {
            return false;
        }
        started++;
        r.run();
        return true;
    }

    /**
     * The run is over. With no simulated thread left the carrier is free for the next run;
     * otherwise the ones left may hold it, so it is abandoned.
     */
    void release(boolean clean) {
        if (clean) {
            state.set(IDLE);
        } else {
            abandon();
            if (inline && drainer == Thread.currentThread()) {
                // the worker goes on with other runs: the threads left get a drainer of their own
                startOwnThread("braid-carrier-left-" + drainer.getName());
            }
        }
    }

    /** No later run uses this carrier (its queue may be held by a thread left behind). */
    void abandon() {
        state.set(ABANDONED);
        ThreadLocal<Carrier> slot = inline ? INLINE : OWN;
        if (slot.get() == this) {
            slot.remove();
        }
    }

    /** Thread.inheritableThreadLocals, or null where java.lang is not open to the testkit. */
    private static final VarHandle INHERITABLES = inheritables();

    /** Unstarted threads of this carrier made ahead, each with the trampoline it will run. */
    private final ArrayDeque<Spare> spares = new ArrayDeque<>();

    private static final int SPARES = 16;

    /** An unstarted simulated thread made ahead, and the slot for the task it will run. */
    private record Spare(Thread thread, Trampoline trampoline) {}

    /** Runs the task given to it before its thread starts (Thread.start publishes it). */
    private static final class Trampoline implements Runnable {
        private Runnable task;

        @Override
        public void run() {
            Runnable t = task;
            task = null;
            t.run();
        }
    }

    private static VarHandle inheritables() {
        try {
            return MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findVarHandle(
                            Thread.class,
                            "inheritableThreadLocals",
                            Class.forName("java.lang.ThreadLocal$ThreadLocalMap"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * An unstarted simulated thread named {@code name} that runs {@code task} on this carrier, as
     * {@code direct.name(name).unstarted(task)} makes it: a new Thread per call, never reused. When
     * the creating thread has no inheritable thread-locals the thread comes from a batch made ahead
     * without inheritance (and gets the creator's context class loader here, as inheritance would
     * give it). Why: every Thread constructor takes its id from one JVM-global counter, which two
     * engines creating threads at once bounce between their cores (JDK 25: 36 M threads/s on one
     * core, 23 M/s in total on two); a batch keeps that line in one core. Runs are deterministic
     * either way: a thread's id and creation time are not part of a schedule. Called by the run's
     * baton holder or its controller, one at a time.
     */
    Thread newThread(Thread.Builder.OfVirtual direct, String name, Runnable task) {
        Thread parent = Thread.currentThread();
        if (INHERITABLES == null || INHERITABLES.get(parent) != null) {
            return direct.name(name).unstarted(task);
        }
        Spare s = spares.pollFirst();
        if (s == null) {
            Thread.Builder.OfVirtual batch = builder().inheritInheritableThreadLocals(false);
            for (int i = 0; i < SPARES; i++) {
                Trampoline tr = new Trampoline();
                spares.addLast(new Spare(batch.unstarted(tr), tr));
            }
            s = spares.pollFirst();
        }
        s.trampoline().task = task;
        Thread t = s.thread();
        t.setName(name);
        t.setContextClassLoader(parent.getContextClassLoader());
        return t;
    }

    /** A builder of virtual threads that run on this carrier. */
    Thread.Builder.OfVirtual builder() {
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the JDK's virtual-thread builder failed", e);
        }
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
        wake();
    }

    /**
     * Parks the calling drainer for at most {@code nanos} unless a continuation is queued or {@code
     * awake} holds; {@link #execute} and {@link #wake} wake it early (each sets `sleeping` before
     * it checks, the waker changes the state before it reads `sleeping`). May return spuriously, as
     * any park.
     */
    void sleep(Object blocker, long nanos, BooleanSupplier awake) {
        sleeping = true;
        try {
            if (queue.isEmpty() && !awake.getAsBoolean()) {
                LockSupport.parkNanos(blocker, nanos);
            }
        } finally {
            sleeping = false;
        }
    }

    /**
     * Unparks the drainer if it sleeps (work was queued, or its {@code awake} condition may have
     * become true); the drainer itself never needs it.
     */
    void wake() {
        if (sleeping) {
            Thread d = drainer;
            if (Thread.currentThread() != d) {
                LockSupport.unpark(d);
            }
        }
    }

    /** Whether {@code thread} runs this carrier's queue (an inline carrier of that worker). */
    boolean drainedBy(Thread thread) {
        return inline && drainer == thread;
    }

    /**
     * Called by the controller (or the shared watchdog, for an inline carrier) at each watchdog
     * poll of a run: if work waits and neither the carrier nor a helper has started anything since
     * the last call, they are blocked (a pinned park), so another helper drains the queue.
     */
    void compensateIfStuck() {
        long s = started;
        if (s == startedAtLastCheck && !queue.isEmpty()) {
            Thread.ofPlatform().name(drainer.getName() + "-helper").daemon().start(this::help);
        }
        startedAtLastCheck = s;
    }

    private void help() {
        long idleSince = System.nanoTime();
        while (System.nanoTime() - idleSince < HELPER_IDLE_NANOS) {
            Runnable r = queue.poll();
            if (r != null) {
                started++;
                r.run();
                idleSince = System.nanoTime();
            } else {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    private void loop() {
        long idleSince = System.nanoTime();
        while (true) {
            Runnable r = queue.poll();
            for (int i = 0; r == null && i < Engine.HANDOFF_YIELDS; i++) {
                Thread.yield(); // the next run's root usually comes within µs (see Engine.drive)
                r = queue.poll();
            }
            if (r != null) {
                started++;
                r.run();
                idleSince = 0;
                continue;
            }
            long t = System.nanoTime();
            if (idleSince == 0) {
                idleSince = t;
            }
            int s = state.get();
            if (s != BUSY && t - idleSince >= IDLE_NANOS && state.compareAndSet(s, RETIRED)) {
                if (queue.isEmpty()) {
                    return;
                }
                state.set(s); // work arrived as it retired: keep going
                continue;
            }
            sleep(this, IDLE_NANOS, () -> false);
        }
    }
}
