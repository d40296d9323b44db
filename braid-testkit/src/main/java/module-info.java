/**
 * braid's deterministic testing harness: runs code under a controlled scheduler where exactly one
 * simulated thread runs at a time, explores schedules with a seeded strategy, and prints a string
 * that replays any failing schedule exactly.
 *
 * <p>{@code dev.braid.testkit.internal} holds the engine and is not exported. JUnit is optional
 * ({@code requires static}): {@code Simulation} works without it on the module path, and no JUnit
 * class is loaded unless {@code @SimTest} (package {@code dev.braid.testkit.junit}) is used.
 */
module dev.braid.testkit {
    requires transitive dev.braid;
    requires static transitive org.junit.jupiter.api;

    exports dev.braid.testkit;
    exports dev.braid.testkit.junit;
}
