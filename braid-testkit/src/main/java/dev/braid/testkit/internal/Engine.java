package dev.braid.testkit.internal;

import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimThread;
import dev.braid.internal.rt.Simulator;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Trace;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs one schedule from the calling thread (the controller): starts the root task, watches for
 * progress (the watchdog), and waits until every simulated thread of the run has ended before it
 * returns the result.
 */
public final class Engine {
    private static final long MIN_TEARDOWN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** The longest an idle inline controller parks (submissions and verdicts unpark it). */
    private static final long INLINE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * The time a controller's watchdog samples read (System::nanoTime). A test replaces it to play
     * a loaded machine, whose sampler comes back late (WatchdogLoadTest); nothing else does. The
     * shared watchdog of inline runs reads System.nanoTime itself.
     */
    static volatile LongSupplier sampleClock = System::nanoTime;

    /** How often the controller looks whether a concluded run's threads have ended. */
    private static final long TEARDOWN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Maps a simulated thread to its task; every other thread gets the JDK behind the seam. */
    private enum TestkitSimulator implements Simulator {
        INSTANCE;

        @Override
        public SimThread current() {
            return Scheduler.CURRENT.isBound() ? Scheduler.CURRENT.get() : null;
        }
    }

    static {
        CoreClasses.initializeAll(); // before any run: no static initializer runs inside one
        Rt.install(TestkitSimulator.INSTANCE);
    }

    private Engine() {}

    /** Whether the caller is a simulated thread (of a run that may already be over). */
    public static boolean insideSimulation() {
        return Scheduler.CURRENT.isBound();
    }

    /** Simulated threads of all runs that have started and not yet ended (0 between runs). */
    public static int liveThreads() {
        return Scheduler.LIVE_THREADS.intValue() + Carrier.liveThreads();
    }

    /**
     * Runs {@code body} once under {@code strategy}.
     *
     * @param maxSteps the step bound after which the run is reported as a livelock
     * @param watchdog how long the baton holder may go without reaching a yield point
     */
    public static SimResult run(SimBody body, Strategy strategy, long maxSteps, Duration watchdog) {
        return run(body, strategy, maxSteps, watchdog, RunSettings.DEFAULTS);
    }

    /**
     * A braid thread of a run reports its panic (through the panic hook, on its own thread): with
     * the default settings this fails the run; afterwards the caller returns and unwinds.
     *
     * @param failure the throwable the thread's body ended with
     */
    public static void panicked(Throwable failure) {
        if (Scheduler.CURRENT.isBound()) {
            Task t = Scheduler.CURRENT.get();
            t.scheduler.threadFailed(t, failure);
        }
    }

    /**
     * An injection point of {@link dev.braid.testkit.Fault#CALLBACK}, called by {@code
     * Sim.callback} on the thread about to run a wrapped callback.
     *
     * @return whether the callback throws instead of running (a recorded choice); false outside a
     *     simulation or when the fault is not enabled
     */
    public static boolean callbackFault() {
        if (!Scheduler.CURRENT.isBound()) {
            return false;
        }
        Task t = Scheduler.CURRENT.get();
        return t.scheduler.callbackFault(t);
    }

    /**
     * Runs {@code body} once under {@code strategy} with {@code settings}.
     *
     * @param maxSteps the step bound after which the run is reported as a livelock
     * @param watchdog how long the baton holder may go without reaching a yield point
     */
    public static SimResult run(
            SimBody body,
            Strategy strategy,
            long maxSteps,
            Duration watchdog,
            RunSettings settings) {
        if (insideSimulation()) {
            throw new IllegalStateException("a simulation cannot be started inside a simulation");
        }
        Carrier carrier = Carrier.claim();
        Scheduler run =
                new Scheduler(strategy, maxSteps, Thread.currentThread(), settings, carrier);
        return drive(run, body, watchdog, carrier);
    }

    /**
     * Runs {@code body} once under {@code strategy} (a replay of a failure, normally) and records
     * every step with its call site.
     *
     * @param maxSteps the step bound after which the run is reported as a livelock
     * @param watchdog how long the baton holder may go without reaching a yield point
     * @return the steps, the fatal one, where blocked threads wait, and the run's result
     */
    public static Trace trace(
            SimBody body,
            Strategy strategy,
            long maxSteps,
            Duration watchdog,
            RunSettings settings) {
        if (insideSimulation()) {
            throw new IllegalStateException("a simulation cannot be started inside a simulation");
        }
        Carrier carrier = Carrier.claim();
        Scheduler run =
                new Scheduler(strategy, maxSteps, Thread.currentThread(), settings, carrier);
        Tracer tracer = new Tracer(run.tasks);
        run.tracer = tracer;
        SimResult result = drive(run, body, watchdog, carrier);
        return Diagnosis.trace(result, tracer, run.faults.injected());
    }

    /**
     * Thrown to an explore worker whose run the watchdog reported because a simulated thread held
     * the worker past the teardown limit; the worker ends and the rescuer has started another.
     */
    static final class Superseded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Superseded() {
            super("the watchdog reported this run; another worker goes on", null, false, false);
        }
    }

    /**
     * Runs {@code body} once with the calling platform thread as both controller and carrier (ADR
     * 0068): one engine, one thread, no wake-up across threads per schedule. Falls back to {@link
     * #run(SimBody, Strategy, long, Duration, RunSettings)} where carriers are not available.
     *
     * @param rescuer takes the result instead if a simulated thread holds the caller past the
     *     teardown limit (the shared watchdog calls it; the caller then gets {@link Superseded})
     */
    static SimResult runInline(
            SimBody body,
            Strategy strategy,
            long maxSteps,
            Duration watchdog,
            RunSettings settings,
            Consumer<SimResult> rescuer) {
        Carrier carrier = Carrier.claimInline();
        if (carrier == null) {
            return run(body, strategy, maxSteps, watchdog, settings);
        }
        Scheduler run =
                new Scheduler(strategy, maxSteps, Thread.currentThread(), settings, carrier);
        long watchNanos = watchdog.toNanos();
        long teardown = Math.max(watchNanos, MIN_TEARDOWN_NANOS);
        Watchdog.Watch watch = Watchdog.watch(run, carrier, watchNanos, teardown, rescuer);
        boolean interrupted;
        try {
            run.start(body);
            interrupted = drainUntilOver(run, carrier, teardown);
        } catch (RuntimeException | Error e) {
            if (watch.finish()) { // the watchdog must not go on with a run that failed to run
                carrier.release(false);
            }
            throw e;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!watch.finish()) {
            throw new Superseded();
        }
        int left = run.alive.get();
        carrier.release(left == 0);
        return run.result(left);
    }

    /**
     * Runs the inline run's queued continuations on the caller until the run has concluded and
     * every simulated thread has ended, or the teardown limit after the verdict has passed (in
     * credited time: a starved caller is not a held one, ADR 0177).
     *
     * @return whether the caller was interrupted meanwhile (its status is cleared)
     */
    private static boolean drainUntilOver(Scheduler run, Carrier carrier, long teardown) {
        boolean interrupted = false;
        StallJudge.Clock since = null; // from the verdict on
        while (true) {
            if (carrier.runOne()) {
                continue;
            }
            if (run.concluded()) {
                if (run.alive.get() == 0) {
                    break;
                }
                long t = sampleClock.getAsLong();
                if (since == null) {
                    since = new StallJudge.Clock(INLINE_PARK_NANOS, t);
                } else if (since.sample(t) > 0 && since.elapsed() >= teardown) {
                    break;
                }
            }
            // nothing to run: the baton holder is blocked outside braid (a JDK timer or unblocker
            // submits its continuation and unparks us), or the run is tearing down
            for (int i = 0; i < HANDOFF_YIELDS && carrier.isIdle(); i++) {
                Thread.yield();
            }
            if (carrier.isIdle() && !(run.concluded() && run.alive.get() == 0)) {
                carrier.sleep(
                        run, INLINE_PARK_NANOS, () -> run.concluded() && run.alive.get() == 0);
            }
            interrupted |= Thread.interrupted();
        }
        return interrupted;
    }

    /**
     * One watchdog sample of {@code run} at {@code t}: reports its baton holder if the judge says
     * it is stuck (ADR 0177). The controller calls it at each poll, the shared watchdog for inline
     * runs.
     */
    static void judge(Scheduler run, StallJudge judge, long t) {
        long steps = run.steps;
        switch (judge.sample(t, steps, run.holderState())) {
            case NONE -> {}
            case BLOCKED_OUTSIDE -> run.watchdog(steps, false); // it looks at the state once more
            case RUNAWAY -> run.watchdog(steps, true);
        }
    }

    /** How often a run is checked: a quarter of the watchdog's time, 1 to 50 ms. */
    static long pollNanos(long watchNanos) {
        return Math.clamp(
                watchNanos / 4,
                TimeUnit.MILLISECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(50));
    }

    /** Yields before parking while waiting for a run's end or for a carrier's next task. */
    static final int HANDOFF_YIELDS = Integer.getInteger("braid.testkit.handoffYields", 64);

    private static SimResult drive(
            Scheduler run, SimBody body, Duration watchdog, Carrier carrier) {
        try {
            return drive(
                    run, body, watchdog, carrier == null ? () -> {} : carrier::compensateIfStuck);
        } finally {
            if (carrier != null) {
                carrier.release(run.alive.get() == 0);
            }
        }
    }

    private static SimResult drive(
            Scheduler run, SimBody body, Duration watchdog, Runnable eachPoll) {
        long watchNanos = watchdog.toNanos();
        long poll = pollNanos(watchNanos);
        boolean interrupted = false;
        run.start(body);
        // most runs end within tens of µs: yield-poll a little before the first park, so the
        // last simulated thread's wake-up does not cost a halted vCPU's wake-up (a yield, unlike a
        // spin, hands the core to the carrier when both share it)
        for (int i = 0; i < HANDOFF_YIELDS && !run.concluded(); i++) {
            Thread.yield();
        }
        LongSupplier clock = sampleClock;
        StallJudge judge = new StallJudge(watchNanos, poll, clock.getAsLong());
        while (!run.concluded()) {
            LockSupport.parkNanos(run, poll);
            interrupted |= Thread.interrupted();
            eachPoll.run();
            judge(run, judge, clock.getAsLong());
        }
        long teardown = Math.max(watchNanos, MIN_TEARDOWN_NANOS);
        StallJudge.Clock since = new StallJudge.Clock(TEARDOWN_POLL_NANOS, clock.getAsLong());
        while (run.alive.get() > 0 && since.elapsed() < teardown) {
            LockSupport.parkNanos(run, TEARDOWN_POLL_NANOS);
            interrupted |= Thread.interrupted();
            since.sample(clock.getAsLong());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return run.result(run.alive.get());
    }
}
