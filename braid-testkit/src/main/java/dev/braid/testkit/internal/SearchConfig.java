package dev.braid.testkit.internal;

import dev.braid.testkit.Strategy;
import java.time.Duration;

/**
 * The settings of one exploration, as the public builder collected them.
 *
 * @param strategy how schedules are chosen
 * @param seed the exploration's base seed
 * @param schedules how many schedules to run at most
 * @param maxSteps the step bound per schedule
 * @param watchdog how long a thread may go without a yield point
 * @param depth PCT's bug depth
 * @param preemptionBound the bounded search's preemption bound (negative: none)
 * @param reduce whether the bounded search lets a preempted task sleep until a dependent step (ADR
 *     0159)
 * @param searchMemory how many bytes of runs the bounded search keeps before it expands the rest of
 *     a level depth-first (ADR 0172)
 * @param shrink whether a failure is shrunk
 * @param shrinkBudget how many schedules shrinking may run
 * @param parallelism how many engines run schedules at once
 * @param shard which shard of the schedule indexes this exploration runs (0-based)
 * @param shards how many shards the indexes are split into
 * @param progress whether long explorations print a progress line
 * @param settings what each run does beyond scheduling (uncaught failures, faults)
 */
public record SearchConfig(
        Strategy strategy,
        long seed,
        int schedules,
        long maxSteps,
        Duration watchdog,
        int depth,
        int preemptionBound,
        boolean reduce,
        long searchMemory,
        boolean shrink,
        int shrinkBudget,
        int parallelism,
        int shard,
        int shards,
        boolean progress,
        RunSettings settings) {}
