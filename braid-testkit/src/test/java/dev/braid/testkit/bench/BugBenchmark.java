package dev.braid.testkit.bench;

import dev.braid.testkit.Exploration;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints, per benchmark program and strategy, the schedules to the first bug (median over seeds)
 * and schedules per second, as a Markdown table; then the parallel speed-up on a control. Run by
 * {@code braid-testkit/bench.sh}. Exit status 1 if a control was ever reported or a bug was not
 * found by the portfolio within the budget.
 */
public final class BugBenchmark {
    private BugBenchmark() {}

    private static final Strategy[] STRATEGIES = {
        Strategy.RANDOM,
        Strategy.PCT,
        Strategy.POS,
        Strategy.SURW,
        Strategy.PORTFOLIO,
        Strategy.COVERAGE,
        Strategy.BOUNDED
    };

    /**
     * Runs the benchmark.
     *
     * @param args {@code [seeds [max schedules [parallel schedules]]]}, default 5, 10000, 40000
     */
    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int max = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int parallelSchedules = args.length > 2 ? Integer.parseInt(args[2]) : 40_000;
        boolean ok = true;
        StringBuilder header = new StringBuilder("| program | kind |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (Strategy s : STRATEGIES) {
            header.append(' ').append(s.name().toLowerCase(Locale.ROOT)).append(" |");
            rule.append("---:|");
        }
        System.out.println(header);
        System.out.println(rule);
        long[] totalSchedules = new long[STRATEGIES.length];
        long[] totalNanos = new long[STRATEGIES.length];
        for (BugPrograms.Program p : BugPrograms.all()) {
            StringBuilder row = new StringBuilder("| " + p.name() + " | " + p.kind() + " |");
            for (int si = 0; si < STRATEGIES.length; si++) {
                Strategy s = STRATEGIES[si];
                int runs = s == Strategy.BOUNDED ? 1 : seeds;
                int[] found = new int[runs];
                boolean anyFound = false;
                for (int seed = 0; seed < runs; seed++) {
                    Simulation sim =
                            Simulation.builder()
                                    .strategy(s)
                                    .seed(seed + 1)
                                    .schedules(max)
                                    .preemptionBound(3)
                                    .shrink(false)
                                    .progress(false)
                                    .build();
                    long t0 = System.nanoTime();
                    Exploration e = sim.explore(p.body());
                    totalNanos[si] += System.nanoTime() - t0;
                    totalSchedules[si] += e.schedulesRun();
                    found[seed] = e.failure().isPresent() ? e.schedulesRun() : Integer.MAX_VALUE;
                    anyFound |= e.failure().isPresent();
                    if (p.control() && e.failure().isPresent()) {
                        ok = false;
                        System.err.println(
                                "CONTROL REPORTED: " + p.name() + " " + s + "\n" + e.message());
                    }
                    if (s == Strategy.BOUNDED && e.exhausted() && !p.control()) {
                        found[seed] = -1;
                    }
                }
                if (!p.control() && s == Strategy.PORTFOLIO) {
                    for (int f : found) {
                        if (f == Integer.MAX_VALUE) {
                            ok = false;
                            System.err.println("PORTFOLIO MISSED: " + p.name());
                        }
                    }
                }
                Arrays.sort(found);
                int median = found[runs / 2];
                String cell =
                        p.control()
                                ? (anyFound ? "REPORTED" : "ok")
                                : median == -1
                                        ? "exhausted"
                                        : median == Integer.MAX_VALUE
                                                ? ">" + max
                                                : Integer.toString(median);
                row.append(' ').append(cell).append(" |");
            }
            System.out.println(row);
        }
        StringBuilder speed = new StringBuilder("| schedules/s (all programs) | |");
        for (int si = 0; si < STRATEGIES.length; si++) {
            speed.append(
                    String.format(
                            Locale.ROOT, " %.0f |", totalSchedules[si] / (totalNanos[si] / 1e9)));
        }
        System.out.println(speed);
        System.out.println();
        parallel(parallelSchedules);
        if (!ok) {
            System.exit(1);
        }
    }

    private static void parallel(int schedules) {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Integer> widths = new ArrayList<>(List.of(1, 2));
        if (cores > 2) {
            widths.add(cores);
        }
        System.out.println("| parallelism | schedules | seconds | schedules/s | speed-up |");
        System.out.println("|---:|---:|---:|---:|---:|");
        double base = 0;
        for (int w : widths) {
            Simulation sim =
                    Simulation.builder()
                            .strategy(Strategy.RANDOM)
                            .schedules(schedules)
                            .parallelism(w)
                            .progress(false)
                            .build();
            sim.explore(BugPrograms::mutexCounter3); // warm-up
            long t0 = System.nanoTime();
            Exploration e = sim.explore(BugPrograms::mutexCounter3);
            double secs = (System.nanoTime() - t0) / 1e9;
            double rate = e.schedulesRun() / secs;
            if (w == 1) {
                base = rate;
            }
            System.out.println(
                    String.format(
                            Locale.ROOT,
                            "| %d | %d | %.2f | %.0f | %.2fx |",
                            w,
                            e.schedulesRun(),
                            secs,
                            rate,
                            rate / base));
        }
    }
}
