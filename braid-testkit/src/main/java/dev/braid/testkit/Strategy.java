package dev.braid.testkit;

/**
 * How {@link Simulation#explore} chooses schedules. Every strategy records its choices in the
 * schedule string, so any run replays with {@link Simulation#replay} whatever strategy found it.
 */
public enum Strategy {
    /** A uniformly random choice among the runnable threads at every scheduling point. */
    RANDOM,
    /**
     * Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): random thread priorities
     * and {@code depth - 1} priority change points; finds a bug of depth {@code d} with a
     * probability of at least {@code 1 / (n k^(d-1))} per schedule for {@code n} threads and {@code
     * k} steps.
     */
    PCT,
    /**
     * Partial-order sampling (Yuan et al., CAV 2018): random priorities per pending operation,
     * redrawn for the operations that race with the one just run.
     */
    POS,
    /**
     * Selectively uniform random walk: a thread is chosen with a probability proportional to how
     * many operations it has left (estimated from an earlier schedule), so interleavings are
     * sampled close to uniformly instead of favouring early switches.
     */
    SURW,
    /**
     * Bounded exhaustive search (CHESS, Musuvathi and Qadeer): every schedule with at most the
     * {@linkplain Simulation.Builder#preemptionBound preemption bound} preemptions, in depth-first
     * order; a run that enumerates them all ends "exhausted", a proof for that bound.
     */
    BOUNDED,
    /** A fixed rotation of the randomized strategies, schedule by schedule (the default mix). */
    PORTFOLIO,
    /**
     * Coverage-guided search in the manner of RFF (Wolff et al., ASPLOS 2024): the reads-from pairs
     * a schedule produced (which write each load or lock acquisition saw) are its coverage;
     * schedules that add pairs are kept and mutated. Runs sequentially (each schedule depends on
     * the earlier ones), still deterministic for a seed.
     */
    COVERAGE
}
