package dev.braid.testkit;

import dev.braid.testkit.internal.RunSettings;
import java.util.List;

/** Formats {@link SimResult}s for people: a headline, a few lines of detail, the replay string. */
final class Messages {
    private static final int MAX_FRAMES = 12;

    private Messages() {}

    static String describe(SimResult result) {
        StringBuilder sb = new StringBuilder();
        if (result instanceof SimResult.Passed p) {
            sb.append("braid simulation passed after ").append(p.steps()).append(" steps");
        } else if (result instanceof SimResult.Failed f) {
            sb.append("braid simulation failed after ")
                    .append(f.steps())
                    .append(" steps: the root body threw ")
                    .append(f.cause());
        } else if (result instanceof SimResult.ThreadFailed f
                && f.thread().endsWith(RunSettings.UNREAD)) {
            sb.append("braid simulation failed after ")
                    .append(f.steps())
                    .append(" steps: ")
                    .append(f.thread(), 0, f.thread().length() - RunSettings.UNREAD.length())
                    .append(" failed with ")
                    .append(f.cause())
                    .append(" and no one read its outcome by the end of the run")
                    .append(
                            "\n  (join the task, or turn this off with failOnUncaught(false) if"
                                    + " dropping its failure is intended)");
            frames(sb, untilEngine(f.cause().getStackTrace()));
        } else if (result instanceof SimResult.ThreadFailed f) {
            sb.append("braid simulation failed after ")
                    .append(f.steps())
                    .append(" steps: thread '")
                    .append(f.thread())
                    .append("' ended with an uncaught ")
                    .append(f.cause())
                    .append(
                            "\n  (a child's uncaught throwable fails the run; a test that expects"
                                    + " it turns this off with failOnUncaught(false))");
            frames(sb, untilEngine(f.cause().getStackTrace()));
        } else if (result instanceof SimResult.Deadlock d) {
            sb.append("braid simulation deadlocked after ").append(d.steps()).append(" steps:");
            for (SimResult.Wait w : d.waits()) {
                // A channel's blocker reads "to send on channel 'jobs' (full, 16 of 16)"; its
                // "holders" are the threads that used the other side, which could serve it.
                boolean task = w.waitsFor().startsWith("task '");
                boolean served = w.waitsFor().startsWith("to ") || task;
                sb.append("\n  thread '")
                        .append(w.thread())
                        .append(task ? "' drives " : served ? "' waits " : "' waits for ");
                sb.append(w.waitsFor());
                if (w.heldBy().isEmpty()) {
                    sb.append(
                            served
                                    ? " (served by no simulated thread)"
                                    : " (held by no simulated thread)");
                } else {
                    sb.append(served ? ", served by " : " held by ").append(quoted(w.heldBy()));
                }
            }
            if (!d.cycle().isEmpty()) {
                sb.append("\n  cycle: ").append(d.cycle());
            }
        } else if (result instanceof SimResult.UncontrolledBlocking u) {
            sb.append("braid simulation: thread '")
                    .append(u.thread())
                    .append("' stopped reaching braid yield points (JVM state ")
                    .append(u.threadState())
                    .append(
                            "); it blocks outside braid (synchronized, java.util.concurrent, I/O,"
                                    + " Thread.sleep) or computes for too long. Its stack:");
            frames(sb, u.stack());
            if (u.abandoned() > 0) {
                sb.append("\n  (")
                        .append(u.abandoned())
                        .append(" simulated thread(s) could not be stopped and were abandoned)");
            }
        } else if (result instanceof SimResult.Livelock l) {
            sb.append("braid simulation did not finish within ")
                    .append(l.steps())
                    .append(" steps (a livelock or a spin loop?); thread '")
                    .append(l.thread())
                    .append("' was running:");
            frames(sb, l.stack());
        } else if (result instanceof SimResult.DataRace r) {
            sb.append("braid simulation found a data race on ")
                    .append(r.cell())
                    .append(" after ")
                    .append(r.steps())
                    .append(" steps: two accesses not ordered by happens-before");
            access(sb, "first", r.first());
            access(sb, "second", r.second());
        } else if (result instanceof SimResult.Nondeterminism n) {
            sb.append("braid replay diverged from its schedule after ")
                    .append(n.steps())
                    .append(" steps: ")
                    .append(n.detail())
                    .append(
                            """

                              The program made different choices than when the schedule was \
                            recorded. The usual causes:
                                - real randomness: ThreadLocalRandom, Math.random, new Random() \
                            (use Sim.nextLong / Sim.nextInt);
                                - the real clock: System.nanoTime, System.currentTimeMillis, \
                            Instant.now (use Sim.nanoTime / Sim.currentTimeMillis);
                                - identity-hash iteration: a HashMap/HashSet keyed by objects \
                            without equals/hashCode, iterated (use LinkedHashMap or sort);
                                - java.util.concurrent blocking or Thread.sleep the scheduler \
                            cannot see (use braid's primitives);
                                - static or test-instance state that outlives a schedule;
                                - the code changed since the schedule string was recorded.""");
        }
        sb.append("\n  replay: ").append(result.schedule());
        if (result.isFailure()) {
            sb.append("\n  rerun with @SimTest(replay = \"")
                    .append(result.schedule())
                    .append("\") or Simulation.replay(\"")
                    .append(result.schedule())
                    .append("\", body)");
        }
        return sb.toString();
    }

    /** The throwable behind a failure (the root's or a thread's), or null. */
    static Throwable cause(SimResult result) {
        if (result instanceof SimResult.Failed f) {
            return f.cause();
        }
        if (result instanceof SimResult.ThreadFailed f) {
            return f.cause();
        }
        return null;
    }

    /** A throwable's frames up to where the testkit started the thread or the body. */
    private static List<StackTraceElement> untilEngine(StackTraceElement[] stack) {
        int n = 0;
        while (n < stack.length
                && !stack[n].getClassName().startsWith("dev.braid.testkit.internal.")) {
            n++;
        }
        return List.of(stack).subList(0, n);
    }

    private static void access(StringBuilder sb, String which, SimResult.Access a) {
        sb.append("\n  ")
                .append(which)
                .append(": ")
                .append(a.write() ? "write" : "read")
                .append(" by thread '")
                .append(a.thread())
                .append("'");
        frames(sb, a.site());
    }

    private static String quoted(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('\'').append(names.get(i)).append('\'');
        }
        return sb.toString();
    }

    private static void frames(StringBuilder sb, List<StackTraceElement> stack) {
        int n = Math.min(stack.size(), MAX_FRAMES);
        for (int i = 0; i < n; i++) {
            sb.append("\n    at ").append(stack.get(i));
        }
        if (stack.size() > n) {
            sb.append("\n    ... ").append(stack.size() - n).append(" more");
        }
    }
}
