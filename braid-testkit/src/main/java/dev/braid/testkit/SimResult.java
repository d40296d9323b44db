package dev.braid.testkit;

import java.util.List;

/**
 * The outcome of one simulated schedule. Every outcome carries the {@linkplain #schedule() schedule
 * string} that {@link Simulation#replay} turns back into exactly the same run.
 */
public sealed interface SimResult
        permits SimResult.Passed,
                SimResult.Failed,
                SimResult.ThreadFailed,
                SimResult.Deadlock,
                SimResult.UncontrolledBlocking,
                SimResult.Livelock,
                SimResult.Nondeterminism,
                SimResult.DataRace {

    /**
     * The schedule string ({@code braid1:...}) that replays this run.
     *
     * @return the schedule string ({@code braid1:...}) that replays this run
     */
    String schedule();

    /**
     * The number of scheduling steps the run took.
     *
     * @return the number of scheduling steps the run took
     */
    long steps();

    /**
     * Whether this outcome is a failure (everything except {@link Passed}).
     *
     * @return whether this outcome is a failure (everything except {@link Passed})
     */
    default boolean isFailure() {
        return !(this instanceof Passed);
    }

    /**
     * A readable, multi-line description of the outcome, ending with how to replay it.
     *
     * @return a readable, multi-line description of the outcome, ending with how to replay it
     */
    default String message() {
        return Messages.describe(this);
    }

    /**
     * Returns normally if the run passed.
     *
     * @throws AssertionError with {@link #message()} (and the root cause, if any) otherwise
     */
    default void assertPassed() {
        if (isFailure()) {
            AssertionError e = new AssertionError(message());
            Throwable cause = Messages.cause(this);
            if (cause != null) {
                e.initCause(cause);
            }
            throw e;
        }
    }

    /**
     * Every simulated thread finished and the root body returned normally.
     *
     * @param schedule the schedule string ({@code braid1:...}) that replays this run
     * @param steps the number of scheduling steps the run took
     */
    record Passed(String schedule, long steps) implements SimResult {}

    /**
     * The root body threw {@code cause}.
     *
     * @param schedule the schedule string ({@code braid1:...}) that replays this run
     * @param steps the number of scheduling steps the run took
     * @param cause what the root body threw
     */
    record Failed(String schedule, long steps, Throwable cause) implements SimResult {}

    /**
     * A simulated thread other than the root ended with an uncaught throwable (for a braid thread,
     * a panic). This fails the run at the moment the thread ends unless {@link
     * Simulation.Builder#failOnUncaught(boolean)} turned it off.
     *
     * @param schedule the schedule string
     * @param steps the steps the run took
     * @param thread the failed thread's name
     * @param cause what it threw, with its own stack
     */
    record ThreadFailed(String schedule, long steps, String thread, Throwable cause)
            implements SimResult {}

    /**
     * Nothing could run, no timer was pending, and some thread was still parked.
     *
     * @param waits one edge per blocked thread, in thread-id order
     * @param cycle a wait-for cycle as {@code T1 -> Mutex(b) -> T2 -> Mutex(a) -> T1}, or empty;
     *     one that needs a channel side no live thread has used yet to be served by the next thread
     *     ends with {@code (assumed: ...)}
     * @param schedule the schedule string ({@code braid1:...}) that replays this run
     * @param steps the number of scheduling steps the run took
     */
    record Deadlock(String schedule, long steps, List<Wait> waits, String cycle)
            implements SimResult {
        /** Copies the list. */
        public Deadlock {
            waits = List.copyOf(waits);
        }
    }

    /**
     * One edge of a wait-for graph.
     *
     * @param thread the blocked thread's name
     * @param waitsFor a label for what it waits on ({@code Mutex(a)}, {@code join(worker)})
     * @param heldBy the names of the threads that hold it (empty if none is known)
     */
    record Wait(String thread, String waitsFor, List<String> heldBy) {
        /** Copies the list. */
        public Wait {
            heldBy = List.copyOf(heldBy);
        }
    }

    /**
     * The thread holding the baton stopped reaching yield points for longer than the watchdog
     * allows: it blocks outside braid ({@code synchronized}, JUC, I/O, {@code Thread.sleep}) or
     * computes for ten times that long without reaching a yield point.
     *
     * @param threadState the JVM state of the thread when the watchdog fired
     * @param stack its stack at that moment
     * @param abandoned how many simulated threads could not be stopped afterwards
     * @param schedule the schedule string ({@code braid1:...}) that replays this run
     * @param steps the number of scheduling steps the run took
     * @param thread the name of the thread
     */
    record UncontrolledBlocking(
            String schedule,
            long steps,
            String thread,
            Thread.State threadState,
            List<StackTraceElement> stack,
            int abandoned)
            implements SimResult {
        /** Copies the list. */
        public UncontrolledBlocking {
            stack = List.copyOf(stack);
        }
    }

    /**
     * The run exceeded the step bound: probably a livelock or a spin loop.
     *
     * @param schedule the schedule string ({@code braid1:...}) that replays this run
     * @param steps the number of scheduling steps the run took
     * @param thread the name of the thread
     * @param stack the thread's stack when the bound was hit
     */
    record Livelock(String schedule, long steps, String thread, List<StackTraceElement> stack)
            implements SimResult {
        /** Copies the list. */
        public Livelock {
            stack = List.copyOf(stack);
        }
    }

    /**
     * A replay did not follow its schedule: the program made different choices than when the
     * schedule was recorded (it reads the real clock, real randomness, or state left over from
     * earlier runs).
     *
     * @param schedule the schedule string ({@code braid1:...}) that replays this run
     * @param steps the number of scheduling steps the run took
     * @param detail what differed from the recorded schedule
     */
    record Nondeterminism(String schedule, long steps, String detail) implements SimResult {}

    /**
     * Two accesses to instrumented plain state ({@code dev.braid.atomic.Plain}), at least one a
     * write, by different threads, not ordered by happens-before.
     *
     * @param cell a label for the cell ({@code Plain#n}, numbered by first access in the run)
     * @param first the earlier access
     * @param second the access that found the race
     * @param schedule the schedule string ({@code braid1:...}) that replays this run
     * @param steps the number of scheduling steps the run took
     */
    record DataRace(String schedule, long steps, String cell, Access first, Access second)
            implements SimResult {}

    /**
     * One side of a {@link DataRace}.
     *
     * @param thread the accessing thread's name
     * @param write whether it wrote
     * @param site its stack at the access, innermost first
     */
    record Access(String thread, boolean write, List<StackTraceElement> site) {
        /** Copies the list. */
        public Access {
            site = List.copyOf(site);
        }
    }
}
