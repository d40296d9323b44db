package dev.braid.testkit.bench;

import dev.braid.testkit.Exploration;
import dev.braid.testkit.Fault;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import java.util.Locale;
import java.util.Optional;

/**
 * Prints, per held-out program, which strategy finds its bug within how many schedules (seed given,
 * shrinking off), the kind of failure, whether its string replays to the same result, and whether
 * the twin passes its budget under the default strategy. Arguments: seed, budget, twin budget; the
 * environment's BENCH_PROGRAMS selects programs by a regular expression.
 */
public final class HeldOutTable {
    private HeldOutTable() {}

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int budget = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int twinBudget = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        String only = System.getenv("BENCH_PROGRAMS");
        Strategy[] strategies = Strategy.values();
        StringBuilder head = new StringBuilder("| program | kind |");
        for (Strategy s : strategies) {
            head.append(' ').append(s.name().toLowerCase(Locale.ROOT)).append(" |");
        }
        System.out.println(head + " replay | twin |");
        for (HeldOutPrograms.Case c : HeldOutPrograms.corpus()) {
            if (only != null && !c.name().matches(only)) {
                continue;
            }
            StringBuilder row = new StringBuilder("| " + c.name() + " |");
            String kind = "-";
            String replay = "-";
            for (Strategy s : strategies) {
                Exploration e = sim(seed, budget, s).explore(c.bug().body());
                Optional<SimResult> f = e.failure();
                if (f.isEmpty()) {
                    row.append(e.exhausted() ? " none (exhausted " : " >")
                            .append(e.schedulesRun())
                            .append(e.exhausted() ? ") |" : " |");
                    continue;
                }
                SimResult r = f.get();
                row.append(' ')
                        .append(e.schedulesRun())
                        .append(' ')
                        .append(r.getClass().getSimpleName())
                        .append(" |");
                if (s == Strategy.PORTFOLIO) {
                    kind = r.getClass().getSimpleName();
                    SimResult again = Simulation.replay(r.schedule(), c.bug().body());
                    replay =
                            again.getClass() == r.getClass()
                                            && again.steps() == r.steps()
                                            && again.message().equals(r.message())
                                    ? "ok"
                                    : "DIFFERS: " + again.getClass().getSimpleName();
                    System.err.println("== " + c.name() + "\n" + r.message());
                }
            }
            Exploration twin = sim(seed, twinBudget, Strategy.PORTFOLIO).explore(c.twin().body());
            String t =
                    twin.passed()
                            ? "ok " + twin.schedulesRun()
                            : "FAILS: " + twin.failure().map(x -> x.message()).orElse("?");
            if (!twin.passed()) {
                System.err.println("== twin " + c.name() + "\n" + twin.message());
            }
            System.out.println(
                    row
                            + " "
                            + replay
                            + " | "
                            + t.lines().findFirst().orElse("")
                            + " |"
                            + " "
                            + kind);
        }
    }

    private static Simulation sim(long seed, int budget, Strategy s) {
        String faults = System.getenv("BENCH_FAULTS"); // e.g. EARLY_TIMEOUT,SPURIOUS_WAKEUP
        Fault[] enabled =
                faults == null || faults.isBlank()
                        ? new Fault[0]
                        : java.util.Arrays.stream(faults.split(","))
                                .map(f -> Fault.valueOf(f.strip()))
                                .toArray(Fault[]::new);
        return Simulation.builder()
                .faults(enabled)
                .seed(seed)
                .schedules(budget)
                .strategy(s)
                .shrink(false)
                .progress(false)
                .traceDirectory(Optional.empty())
                .build();
    }
}
