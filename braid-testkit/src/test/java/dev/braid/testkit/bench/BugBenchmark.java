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
 * found by the portfolio within the budget. The environment's BENCH_PROGRAMS (a regular expression
 * over the program names) runs only the programs it matches.
 */
public final class BugBenchmark {
    private BugBenchmark() {}

    private static final Strategy[] ALL = {
        Strategy.RANDOM,
        Strategy.PCT,
        Strategy.POS,
        Strategy.SURW,
        Strategy.PORTFOLIO,
        Strategy.COVERAGE,
        Strategy.BOUNDED
    };

    /** The strategies to run: all, or the environment's BENCH_STRATEGIES (comma-separated). */
    private static final Strategy[] STRATEGIES = selected();

    private static Strategy[] selected() {
        String only = System.getenv("BENCH_STRATEGIES");
        if (only == null || only.isBlank()) {
            return ALL;
        }
        return Arrays.stream(only.split(","))
                .map(n -> Strategy.valueOf(n.strip().toUpperCase(Locale.ROOT)))
                .toArray(Strategy[]::new);
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code [seeds [max schedules [parallel schedules [rounds]]]]}, default 5, 10000,
     *     200000, 9; seeds 0 skips the bug table (only the speed-up)
     */
    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int max = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int parallelSchedules = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 9;
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1: " + rounds);
        }
        boolean ok = true;
        StringBuilder header = new StringBuilder("| program | kind |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (Strategy s : STRATEGIES) {
            header.append(' ').append(s.name().toLowerCase(Locale.ROOT)).append(" |");
            rule.append("---:|");
        }
        if (seeds == 0) {
            parallel(parallelSchedules, rounds);
            return;
        }
        System.out.println(header);
        System.out.println(rule);
        long[] totalSchedules = new long[STRATEGIES.length];
        long[] totalNanos = new long[STRATEGIES.length];
        String only = System.getenv("BENCH_PROGRAMS");
        for (BugPrograms.Program p : BugPrograms.all()) {
            if (only != null && !only.isBlank() && !p.name().matches(only)) {
                continue;
            }
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
        parallel(parallelSchedules, rounds);
        if (!ok) {
            System.exit(1);
        }
    }

    /**
     * The parallel speed-up on a control, robust to a shared machine: each round runs parallelism 1
     * and then each wider setting back to back (the order alternates between rounds), so a load
     * spike hits both sides of a round's ratio alike; the table gives per setting the median
     * schedules/s and the median, minimum and maximum of the per-round ratio to parallelism 1.
     */
    private static void parallel(int schedules, int rounds) {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Integer> widths = new ArrayList<>(List.of(1, 2));
        if (cores > 2) {
            widths.add(cores);
        }
        double[][] rates = new double[widths.size()][rounds];
        for (int w = 0; w < widths.size(); w++) {
            explore(widths.get(w), schedules); // warm-up
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < widths.size(); k++) {
                int w = r % 2 == 0 ? k : widths.size() - 1 - k;
                rates[w][r] = explore(widths.get(w), schedules);
            }
        }
        System.out.println(
                "| parallelism | schedules per run | rounds | median schedules/s "
                        + "| speed-up: median | min | max |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (int w = 0; w < widths.size(); w++) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = rates[w][r] / rates[0][r];
            }
            double[] sorted = ratio.clone();
            Arrays.sort(sorted);
            System.out.println(
                    String.format(
                            Locale.ROOT,
                            "| %d | %d | %d | %.0f | %.2fx | %.2fx | %.2fx |",
                            widths.get(w),
                            schedules,
                            rounds,
                            median(rates[w]),
                            median(ratio),
                            sorted[0],
                            sorted[rounds - 1]));
        }
    }

    /** One exploration of the control at {@code width}; its schedules per second. */
    private static double explore(int width, int schedules) {
        Simulation sim =
                Simulation.builder()
                        .strategy(Strategy.RANDOM)
                        .schedules(schedules)
                        .parallelism(width)
                        .progress(false)
                        .build();
        long t0 = System.nanoTime();
        Exploration e = sim.explore(BugPrograms::mutexCounter3);
        return e.schedulesRun() / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
