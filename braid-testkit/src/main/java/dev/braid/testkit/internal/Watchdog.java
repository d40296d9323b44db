package dev.braid.testkit.internal;

import dev.braid.testkit.SimResult;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The watchdog of the runs whose controller is also their carrier (inline runs): one daemon thread
 * for all engines watches their progress, compensates pinned parks and, if a run's thread cannot
 * come back (a simulated thread that spins without yield points on it), hands the run's result to a
 * rescuer so that the exploration goes on without that thread.
 */
final class Watchdog {
    /*
     * Implementation notes (ADR 0068)
     *
     * Why. An inline run's controller is busy running the simulated threads' continuations, so it
     * cannot also watch them: a continuation that never yields (a spin on a plain field, a pinned
     * park) would keep it from ever checking. The checks Engine.drive makes on the controller at
     * each poll are made here instead, for every inline run of the JVM, by one thread.
     *
     * Checks per watch, every POLL: (1) Carrier.compensateIfStuck (a pinned park), at most every
     * quarter of the watchdog's time (1 to 50 ms, as Engine.drive polls); (2) the StallJudge's
     * sample (ADR 0177: the holder stuck for the watchdog's time of samples) -> Scheduler.watchdog,
     * which may conclude the run (verdict UncontrolledBlocking) and interrupt the holder; the
     * controller is unparked so it sees the verdict; (3) concluded, and the controller still has
     * not finished TEARDOWN after the teardown limit (credited time, as the judge counts it): it
     * is held by a simulated thread that does not give its carrier back. The
     * watch then moves RUNNING -> RESCUED (CAS; the controller's own finish is RUNNING -> DONE, so
     * exactly one of them reports the run) and the rescuer gets the result with the threads left
     * counted as abandoned, as Engine.drive reports such a run. The held thread is left to the
     * code under test, as a held carrier was before.
     *
     * Lifetime. The thread starts with the first watch and ends after IDLE_NANOS without any, so
     * nothing lingers after a test class.
     *
     * Nothing shared per schedule. Each controller thread has one Slot, registered once (the first
     * watch on that thread) and dropped by the watchdog once its thread has ended; a run's watch is
     * then a write to the caller's own slot. (A queue of watches that every run added itself to,
     * and a lock taken per run, bounced between the engines' cores at every schedule: two engines
     * on two cores ran 1.2x the schedules/s of one, while two JVMs ran 2x.) Ending is race-free
     * without a per-watch lock: watch() writes its slot, then reads THREAD; the idle watchdog,
     * under LOCK, clears THREAD, then reads every slot, and goes on if it finds a watch. With both
     * sides volatile, at least one sees the other: either the watchdog sees the slot, or watch()
     * sees no thread and, under LOCK, starts one once the ending watchdog has decided.
     */

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** The slack the controller gets on top of its own teardown limit before a rescue. */
    private static final long RESCUE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int RESCUED = 2;

    /** One slot per controller thread that has run under watch and not yet been seen ended. */
    private static final ConcurrentLinkedQueue<Slot> SLOTS = new ConcurrentLinkedQueue<>();

    private static final ThreadLocal<Slot> OWN = new ThreadLocal<>();
    private static final Object LOCK = new Object();
    private static volatile Thread thread; // written under LOCK

    /** A controller thread's place in the watch list, and the run it is watched for now. */
    private static final class Slot {
        private final Thread owner;
        private final AtomicReference<Watch> current = new AtomicReference<>();

        Slot(Thread owner) {
            this.owner = owner;
        }
    }

    private Watchdog() {}

    /** One inline run under watch. */
    static final class Watch {
        private final Slot slot;
        private final Scheduler run;
        private final Carrier carrier;
        private final long watchNanos;
        private final long teardownNanos;
        private final Thread controller;
        private final Consumer<SimResult> rescuer;
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private final StallJudge judge;
        private StallJudge.Clock concluded; // credited time since the verdict (ADR 0177)
        private final long compensateNanos;
        private long compensated = System.nanoTime();

        private Watch(
                Slot slot,
                Scheduler run,
                Carrier carrier,
                long watchNanos,
                long teardownNanos,
                Thread controller,
                Consumer<SimResult> rescuer) {
            this.slot = slot;
            this.run = run;
            this.carrier = carrier;
            this.watchNanos = watchNanos;
            this.teardownNanos = teardownNanos;
            this.controller = controller;
            this.rescuer = rescuer;
            // as Engine.drive polls: a quarter of the watchdog's time, 1 to 50 ms, so a worker
            // that the OS merely descheduled for a few ms is not taken for a pinned one
            this.compensateNanos = Engine.pollNanos(watchNanos);
            this.judge = new StallJudge(watchNanos, POLL_NANOS, compensated);
        }

        /**
         * The controller is done with the run; false if the watchdog has already reported it (the
         * controller must then drop it).
         */
        boolean finish() {
            slot.current.compareAndSet(this, null);
            return state.compareAndSet(RUNNING, DONE);
        }

        private void check(long t) {
            if (t - compensated >= compensateNanos) {
                compensated = t;
                carrier.compensateIfStuck();
            }
            if (!run.concluded()) {
                Engine.judge(run, judge, t);
                if (run.concluded()) {
                    LockSupport.unpark(controller);
                }
                return;
            }
            if (concluded == null) {
                concluded = new StallJudge.Clock(POLL_NANOS, t);
            } else if (concluded.sample(t) > 0
                    && concluded.elapsed() >= teardownNanos + RESCUE_SLACK_NANOS
                    && state.compareAndSet(RUNNING, RESCUED)) {
                slot.current.compareAndSet(this, null);
                carrier.abandon();
                rescuer.accept(run.result(run.alive.get()));
            }
        }
    }

    /**
     * Watches an inline run until {@link Watch#finish()}.
     *
     * @param teardownNanos how long the controller itself waits for threads to end after the
     *     verdict
     * @param rescuer takes the run's result if the controller is held past that
     */
    static Watch watch(
            Scheduler run,
            Carrier carrier,
            long watchNanos,
            long teardownNanos,
            Consumer<SimResult> rescuer) {
        Thread self = Thread.currentThread();
        Slot slot = OWN.get();
        if (slot == null) {
            slot = new Slot(self);
            OWN.set(slot);
            SLOTS.add(slot);
        }
        Watch w = new Watch(slot, run, carrier, watchNanos, teardownNanos, self, rescuer);
        slot.current.set(w);
        if (thread == null) {
            synchronized (LOCK) {
                if (thread == null) {
                    thread =
                            Thread.ofPlatform()
                                    .name("braid-watchdog")
                                    .daemon()
                                    .start(Watchdog::loop);
                }
            }
        }
        return w;
    }

    /** Checks every current watch; drops the slots of ended threads; whether any run is watched. */
    private static boolean checkAll(long t) {
        boolean any = false;
        for (Slot s : SLOTS) {
            Watch w = s.current.get();
            if (w == null) {
                if (!s.owner.isAlive()) {
                    SLOTS.remove(s);
                }
                continue;
            }
            any = true;
            try {
                w.check(t);
            } catch (RuntimeException | Error e) {
                // a rescuer that fails must not stop the watch of every other run
                Thread.currentThread()
                        .getUncaughtExceptionHandler()
                        .uncaughtException(Thread.currentThread(), e);
            }
        }
        return any;
    }

    private static boolean anyWatched() {
        for (Slot s : SLOTS) {
            if (s.current.get() != null) {
                return true;
            }
        }
        return false;
    }

    private static void loop() {
        long idleSince = System.nanoTime();
        while (true) {
            LockSupport.parkNanos(Watchdog.class, POLL_NANOS);
            long t = System.nanoTime();
            if (checkAll(t)) {
                idleSince = t;
            } else if (t - idleSince >= IDLE_NANOS) {
                synchronized (LOCK) {
                    thread = null; // first, so that a watch() now either is seen below or sees null
                    if (!anyWatched()) {
                        return;
                    }
                    thread = Thread.currentThread();
                }
            }
        }
    }
}
