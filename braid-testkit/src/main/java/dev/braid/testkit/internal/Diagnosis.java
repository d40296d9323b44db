package dev.braid.testkit.internal;

import dev.braid.testkit.SimResult;
import dev.braid.testkit.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a traced run into a {@link Trace}: marks the fatal step and where blocked threads wait. */
final class Diagnosis {
    private Diagnosis() {}

    static Trace trace(SimResult result, Tracer tracer, List<String> faults) {
        List<Trace.Step> steps = tracer.steps();
        long last = steps.isEmpty() ? 0 : steps.getLast().step();
        Trace.Step fatalStep =
                switch (result) {
                    case SimResult.ThreadFailed f -> thrown(last, f.thread(), f.cause());
                    case SimResult.Failed f -> thrown(last, "main", f.cause());
                    case SimResult.DataRace r ->
                            new Trace.Step(
                                    last,
                                    r.second().thread(),
                                    (r.second().write() ? "write " : "read ")
                                            + r.cell()
                                            + ": races with a "
                                            + (r.first().write() ? "write" : "read")
                                            + " by "
                                            + r.first().thread(),
                                    "",
                                    site(r.second().site()));
                    default -> null;
                };
        if (fatalStep != null) {
            steps.add(fatalStep);
        }
        List<Trace.Waiting> waits = new ArrayList<>();
        if (result instanceof SimResult.Deadlock d) {
            Map<String, String> sites = tracer.waitSites();
            for (SimResult.Wait w : d.waits()) {
                waits.add(
                        new Trace.Waiting(
                                w.thread(), w.waitsFor(), sites.getOrDefault(w.thread(), "?")));
            }
        }
        return new Trace(
                result, tracer.threads(), steps, steps.size() - 1, waits, faults, Optional.empty());
    }

    private static Trace.Step thrown(long step, String thread, Throwable cause) {
        return new Trace.Step(
                step,
                thread,
                "throws " + String.valueOf(cause).replaceAll("\\s+", " "),
                "",
                site(List.of(cause.getStackTrace())));
    }

    /** The first user frame of a stack, as {@code Class.method(File:line)}. */
    static String site(List<StackTraceElement> stack) {
        for (StackTraceElement e : stack) {
            if (!Tracer.isLibrary(e.getClassName())) {
                String c = e.getClassName();
                return c.substring(c.lastIndexOf('.') + 1)
                        + "."
                        + e.getMethodName()
                        + "("
                        + e.getFileName()
                        + ":"
                        + e.getLineNumber()
                        + ")";
            }
        }
        return "?";
    }
}
