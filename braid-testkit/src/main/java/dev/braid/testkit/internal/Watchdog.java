package dev.braid.testkit.internal;

import dev.braid.testkit.SimResult;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
     * quarter of the watchdog's time (1 to 50 ms, as Engine.drive polls); (2) no step
     * for the watchdog's time -> Scheduler.watchdog, which may conclude the run (verdict
     * UncontrolledBlocking) and interrupt the holder; the controller is unparked so it sees the
     * verdict; (3) concluded, and the controller still has not finished TEARDOWN after the
     * teardown limit: it is held by a simulated thread that does not give its carrier back. The
     * watch then moves RUNNING -> RESCUED (CAS; the controller's own finish is RUNNING -> DONE, so
     * exactly one of them reports the run) and the rescuer gets the result with the threads left
     * counted as abandoned, as Engine.drive reports such a run. The held thread is left to the
     * code under test, as a held carrier was before.
     *
     * Lifetime. The thread starts with the first watch and ends after IDLE_NANOS without any, so
     * nothing lingers after a test class.
     */

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** The slack the controller gets on top of its own teardown limit before a rescue. */
    private static final long RESCUE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int RESCUED = 2;

    private static final ConcurrentLinkedQueue<Watch> WATCHES = new ConcurrentLinkedQueue<>();
    private static final Object LOCK = new Object();
    private static Thread thread; // guarded by LOCK

    private Watchdog() {}

    /** One inline run under watch. */
    static final class Watch {
        private final Scheduler run;
        private final Carrier carrier;
        private final long watchNanos;
        private final long teardownNanos;
        private final Thread controller;
        private final Consumer<SimResult> rescuer;
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private long seen = -1;
        private long since = System.nanoTime();
        private long concludedAt;
        private final long compensateNanos;
        private long compensated = System.nanoTime();

        private Watch(
                Scheduler run,
                Carrier carrier,
                long watchNanos,
                long teardownNanos,
                Thread controller,
                Consumer<SimResult> rescuer) {
            this.run = run;
            this.carrier = carrier;
            this.watchNanos = watchNanos;
            this.teardownNanos = teardownNanos;
            this.controller = controller;
            this.rescuer = rescuer;
            // as Engine.drive polls: a quarter of the watchdog's time, 1 to 50 ms, so a worker
            // that the OS merely descheduled for a few ms is not taken for a pinned one
            this.compensateNanos = Engine.pollNanos(watchNanos);
        }

        /**
         * The controller is done with the run; false if the watchdog has already reported it (the
         * controller must then drop it).
         */
        boolean finish() {
            WATCHES.remove(this);
            return state.compareAndSet(RUNNING, DONE);
        }

        private void check(long t) {
            if (t - compensated >= compensateNanos) {
                compensated = t;
                carrier.compensateIfStuck();
            }
            if (!run.concluded()) {
                long steps = run.steps;
                if (steps != seen) {
                    seen = steps;
                    since = t;
                } else if (t - since >= watchNanos) {
                    run.watchdog(steps, t - since >= Engine.RUNNABLE_GRACE * watchNanos);
                    if (run.concluded()) {
                        LockSupport.unpark(controller);
                    }
                }
                return;
            }
            if (concludedAt == 0) {
                concludedAt = t;
            } else if (t - concludedAt >= teardownNanos + RESCUE_SLACK_NANOS
                    && state.compareAndSet(RUNNING, RESCUED)) {
                WATCHES.remove(this);
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
        Watch w =
                new Watch(run, carrier, watchNanos, teardownNanos, Thread.currentThread(), rescuer);
        WATCHES.add(w);
        synchronized (LOCK) {
            if (thread == null) {
                thread = Thread.ofPlatform().name("braid-watchdog").daemon().start(Watchdog::loop);
            }
        }
        return w;
    }

    private static void loop() {
        long idleSince = System.nanoTime();
        while (true) {
            LockSupport.parkNanos(Watchdog.class, POLL_NANOS);
            long t = System.nanoTime();
            if (WATCHES.isEmpty()) {
                if (t - idleSince >= IDLE_NANOS) {
                    synchronized (LOCK) {
                        if (WATCHES.isEmpty()) {
                            thread = null;
                            return;
                        }
                    }
                }
                continue;
            }
            idleSince = t;
            for (Watch w : WATCHES) {
                try {
                    w.check(t);
                } catch (RuntimeException | Error e) {
                    // a rescuer that fails must not stop the watch of every other run
                    Thread.currentThread()
                            .getUncaughtExceptionHandler()
                            .uncaughtException(Thread.currentThread(), e);
                }
            }
        }
    }
}
