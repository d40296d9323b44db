package dev.braid.testkit.internal;

import dev.braid.cancel.CancelScope;
import dev.braid.testkit.Fault;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Opt-in fault injection for one run. At each injection point the eligible faults (those enabled
 * and allowed there) and "none" are the options of one recorded choice, so a replay makes the same
 * decisions; a random run injects with the configured probability, uniformly among the eligible
 * faults. Called by the baton holder only.
 */
final class Faults {
    private final RunSettings settings;
    private final SplittableRandom random;
    private final List<String> injected = new ArrayList<>();
    private final Fault[] options = new Fault[Fault.values().length];

    Faults(RunSettings settings, long seed) {
        this.settings = settings;
        this.random = new SplittableRandom(seed ^ 0xD1B54A32D192ED03L);
    }

    boolean enabled() {
        return !settings.faults().isEmpty();
    }

    /** Faults injected so far, one readable line each. */
    List<String> injected() {
        return List.copyOf(injected);
    }

    /**
     * Decides, as a recorded choice, whether a park injects a fault, and which.
     *
     * @return the fault to inject, or null
     */
    Fault atPark(Scheduler run, Task me, boolean timed, String on) {
        int n = 0;
        if (settings.faults().contains(Fault.INTERRUPT)) {
            options[n++] = Fault.INTERRUPT;
        }
        if (settings.faults().contains(Fault.SPURIOUS_WAKEUP)) {
            options[n++] = Fault.SPURIOUS_WAKEUP;
        }
        if (timed && settings.faults().contains(Fault.EARLY_TIMEOUT)) {
            options[n++] = Fault.EARLY_TIMEOUT;
        }
        return decide(run, me, n, on);
    }

    /** At a yield point inside an ambient scope with a deadline: whether the deadline arrives. */
    Fault atYield(Scheduler run, Task me) {
        if (!settings.faults().contains(Fault.CANCEL)) {
            return null;
        }
        CancelScope scope = CancelScope.current();
        if (scope.deadline().isNever() || scope.isCancelled()) {
            return null;
        }
        options[0] = Fault.CANCEL;
        return decide(run, me, 1, "its CancelScope (deadline " + scope.deadline() + ")");
    }

    /** Where a callback wrapped by {@code Sim.callback} is about to run: whether it throws. */
    Fault atCallback(Scheduler run, Task me) {
        if (!settings.faults().contains(Fault.CALLBACK)) {
            return null;
        }
        options[0] = Fault.CALLBACK;
        return decide(run, me, 1, "a callback wrapped by Sim.callback");
    }

    private Fault decide(Scheduler run, Task me, int n, String on) {
        if (n == 0) {
            return null;
        }
        int c = run.chooseFault(me, n + 1, random, settings.faultProbability());
        if (c == 0) {
            return null;
        }
        Fault f = options[c - 1];
        injected.add(
                f.name().toLowerCase(java.util.Locale.ROOT)
                        + " injected into '"
                        + me.name
                        + "' at step "
                        + (run.steps + 1)
                        + " ("
                        + on
                        + ") at "
                        + Tracer.callSite());
        return f;
    }
}
