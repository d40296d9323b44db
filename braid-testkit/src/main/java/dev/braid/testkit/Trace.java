package dev.braid.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A failing run you can look at: every step of a replay of the failing schedule, with the thread
 * that took it, what it did and the source line it came from. {@link #text} is the part that goes
 * into failure messages (the last steps, where each blocked thread waits); {@link #writeHtml}
 * writes a self-contained HTML timeline with one lane per thread, the fatal step highlighted and a
 * deadlock's wait-for cycle drawn.
 *
 * @param result the outcome of the traced replay (the same as the failure's, for a deterministic
 *     program)
 * @param threads every thread's name, in spawn order (one lane each)
 * @param steps the recorded steps, oldest first (at most the last few thousand)
 * @param fatal the index in {@code steps} of the step the failure happened at, or -1
 * @param waits where each thread still blocked at the end waits (empty unless a deadlock)
 * @param faults the faults injected in the run ({@link Simulation.Builder#faults}), one line each
 * @param file the HTML file, once written
 */
public record Trace(
        SimResult result,
        List<String> threads,
        List<Step> steps,
        int fatal,
        List<Waiting> waits,
        List<String> faults,
        Optional<Path> file) {

    /** How many of the last steps {@link #text()} lists. */
    public static final int TEXT_STEPS = 12;

    /**
     * One scheduling step.
     *
     * @param step its number in the run (from 1)
     * @param thread the thread that took it
     * @param what what it did ({@code lock Mutex(a)}, {@code park Mutex(b)}, {@code ends}, ...)
     * @param api the braid method it came through ({@code Mutex.lock}), or empty
     * @param site the user source line ({@code Bank.transfer(Bank.java:42)}), or {@code ?}
     */
    public record Step(long step, String thread, String what, String api, String site) {
        /** Checks for null. */
        public Step {
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(site, "site");
        }
    }

    /**
     * A thread blocked at the end of the run.
     *
     * @param thread its name
     * @param waitsFor what it waits for (as in the deadlock report)
     * @param site the source line where it waits
     */
    public record Waiting(String thread, String waitsFor, String site) {}

    /** Copies the lists; checks the fatal index. */
    public Trace {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(file, "file");
        threads = List.copyOf(threads);
        steps = List.copyOf(steps);
        waits = List.copyOf(waits);
        faults = List.copyOf(faults);
        if (fatal < -1 || fatal >= steps.size()) {
            throw new IllegalArgumentException("fatal must be -1 or a step index, was " + fatal);
        }
    }

    /**
     * The same trace, naming the file it was written to.
     *
     * @param path the HTML file
     * @return a copy with {@link #file()} set
     */
    public Trace withFile(Path path) {
        return new Trace(result, threads, steps, fatal, waits, faults, Optional.of(path));
    }

    /**
     * The part of a failure message a trace adds: the last {@value #TEXT_STEPS} steps with their
     * source lines, the fatal one marked, where each blocked thread waits, and the HTML file.
     *
     * @return an indented, multi-line text starting with a line break
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        int from = Math.max(0, steps.size() - TEXT_STEPS);
        long total = steps.isEmpty() ? 0 : steps.getLast().step();
        sb.append("\n  last steps (of ").append(total).append("):");
        int width = 0;
        for (String t : threads) {
            width = Math.max(width, t.length());
        }
        for (int i = from; i < steps.size(); i++) {
            Step s = steps.get(i);
            sb.append("\n    ").append(i == fatal ? "> " : "  ");
            sb.append(
                    String.format(
                            "#%-5d %-" + Math.min(width, 24) + "s %s",
                            s.step(),
                            s.thread(),
                            s.what()));
            sb.append("  at ").append(s.site());
        }
        if (!waits.isEmpty()) {
            sb.append("\n  blocked threads wait at:");
            for (Waiting w : waits) {
                sb.append("\n    '")
                        .append(w.thread())
                        .append("' waits for ")
                        .append(w.waitsFor())
                        .append(" at ")
                        .append(w.site());
            }
        }
        for (String f : faults) {
            sb.append("\n  fault: ").append(f);
        }
        file.ifPresent(p -> sb.append("\n  trace: ").append(p.toAbsolutePath()));
        return sb.toString();
    }

    /**
     * Writes the HTML timeline into {@code directory} (created if missing) as {@code
     * <name>-<strategy>-<seed>-<fingerprint>.html}.
     *
     * @param directory where to write it
     * @param name a file name prefix (a test's name); characters other than letters, digits, {@code
     *     .}, {@code _} and {@code -} become {@code _}
     * @return the file written
     * @throws IOException if it cannot be written
     */
    public Path writeHtml(Path directory, String name) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(name, "name");
        Schedule s = Schedule.parse(result.schedule());
        String prefix = name.isEmpty() ? "trace" : name.replaceAll("[^A-Za-z0-9._-]", "_");
        String base =
                prefix.substring(0, Math.min(prefix.length(), 120))
                        + "-"
                        + s.strategy()
                        + "-"
                        + s.seed()
                        + "-"
                        + String.format("%08x", s.fingerprint());
        Files.createDirectories(directory);
        Path file = directory.resolve(base + ".html");
        Files.writeString(file, TraceHtml.render(this), StandardCharsets.UTF_8);
        return file;
    }
}
