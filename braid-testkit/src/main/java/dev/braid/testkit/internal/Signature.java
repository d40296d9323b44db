package dev.braid.testkit.internal;

import dev.braid.testkit.SimResult;
import java.util.List;
import java.util.TreeSet;

/**
 * A failure's kind, for telling whether two runs "fail the same way" (shrinking) and for grouping
 * the failures of a count run. Built only from what stays the same across schedules of one bug:
 * never step counts, schedule strings or labels numbered by order of appearance.
 */
public final class Signature {
    private Signature() {}

    /**
     * The signature of a failure.
     *
     * @param result a run's outcome
     * @return a short text that equal failures share
     */
    public static String of(SimResult result) {
        return switch (result) {
            case SimResult.Passed p -> "passed";
            case SimResult.Failed f ->
                    "failed: " + f.cause().getClass().getName() + ": " + f.cause().getMessage();
            case SimResult.ThreadFailed t ->
                    "thread "
                            + t.thread()
                            + " failed: "
                            + t.cause().getClass().getName()
                            + ": "
                            + t.cause().getMessage();
            case SimResult.Deadlock d -> {
                TreeSet<String> blocked = new TreeSet<>();
                for (SimResult.Wait w : d.waits()) {
                    blocked.add(w.thread());
                }
                yield "deadlock: " + String.join(", ", blocked);
            }
            case SimResult.UncontrolledBlocking u ->
                    "uncontrolled blocking: " + u.thread() + top(u.stack());
            case SimResult.Livelock l -> "livelock: " + l.thread() + top(l.stack());
            case SimResult.Nondeterminism n -> "nondeterminism";
            case SimResult.DataRace r -> {
                TreeSet<String> sites = new TreeSet<>();
                sites.add((r.first().write() ? "write" : "read") + top(r.first().site()));
                sites.add((r.second().write() ? "write" : "read") + top(r.second().site()));
                yield "data race: " + String.join(" / ", sites);
            }
        };
    }

    /**
     * Whether a shrinker may rerun such a failure cheaply and expect it back.
     *
     * @param result a run's outcome
     * @return true for a failed body or thread, a deadlock or a data race
     */
    public static boolean shrinkable(SimResult result) {
        return result instanceof SimResult.Failed
                || result instanceof SimResult.ThreadFailed
                || result instanceof SimResult.Deadlock
                || result instanceof SimResult.DataRace;
    }

    private static String top(List<StackTraceElement> stack) {
        return stack.isEmpty() ? "" : " at " + stack.getFirst();
    }
}
