package dev.braid.testkit;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fault the scheduler can inject, opt-in ({@link Simulation.Builder#faults}). Each injection
 * point is a recorded choice in the schedule string, so a run with faults replays exactly; the
 * schedule's strategy name carries which faults were enabled ({@code random-f5}), so {@link
 * Simulation#replay} needs no settings. A failure's trace lists the faults that were injected.
 * Every fault is something the contract of the operation allows, so a failure it exposes is a real
 * bug, not an artefact.
 */
public enum Fault {
    /**
     * A thread that is about to block (park) is interrupted at that moment: its park returns with
     * the interrupt status set, as {@code Thread.interrupt()} by another thread would cause.
     * Interruptible operations throw {@code InterruptedException}; the others must keep waiting and
     * keep the status.
     */
    INTERRUPT,

    /**
     * A park returns without an unpark, which {@code LockSupport.park} allows at any time: the
     * waiting code must re-check its condition (a {@code Condvar} wait may return spuriously).
     */
    SPURIOUS_WAKEUP,

    /**
     * A timed park times out at the earliest moment its contract permits: the virtual clock jumps
     * to its deadline at once, while other threads could still run, instead of when nothing else
     * can run. A timed {@code tryLock} or {@code poll} fails even though the resource was about to
     * become free.
     */
    EARLY_TIMEOUT,

    /**
     * At a yield point inside an ambient {@code CancelScope} with a deadline, the deadline arrives:
     * the virtual clock jumps to it, so the next blocking operation or checkpoint in that scope
     * ends with {@code DeadlineExceededException}. (A scope cancelled only through a token cannot
     * be cancelled from the seam: its source belongs to the code under test.)
     */
    CANCEL,

    /**
     * A user callback wrapped with {@link Sim#callback(Runnable)} throws {@link InjectedFault}
     * instead of running, as any user code may throw: the code that runs callbacks (completion
     * handlers, cancellation hooks, wakers, listeners) must survive it — keep its own state
     * consistent, still run the other callbacks, and report the exception as its contract says. The
     * testkit cannot find a callback by itself (it sees only braid's seam calls), so the test marks
     * the ones it hands to the code under test.
     */
    CALLBACK;

    private static final Pattern SUFFIX = Pattern.compile("-f([0-9]+)$");

    /** The bit of this fault in a strategy-name suffix. */
    int bit() {
        return 1 << ordinal();
    }

    /** The suffix appended to a strategy name for {@code faults} ({@code ""} when none). */
    static String suffix(Set<Fault> faults) {
        int mask = 0;
        for (Fault f : faults) {
            mask |= f.bit();
        }
        return mask == 0 ? "" : "-f" + mask;
    }

    /** The faults a schedule's strategy name says were enabled. */
    static Set<Fault> of(String strategyName) {
        Set<Fault> faults = EnumSet.noneOf(Fault.class);
        Matcher m = SUFFIX.matcher(strategyName);
        if (m.find()) {
            int mask = Integer.parseInt(m.group(1));
            for (Fault f : values()) {
                if ((mask & f.bit()) != 0) {
                    faults.add(f);
                }
            }
        }
        return faults;
    }
}
