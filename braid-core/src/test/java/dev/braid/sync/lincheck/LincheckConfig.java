package dev.braid.sync.lincheck;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * Sizes for the Lincheck runs: a small smoke configuration in the default build, a long one with
 * {@code -Dbraid.lincheck=long} (e.g. {@code ./mvnw verify -pl braid-core -Dbraid.lincheck=long
 * -Dtest='*Lincheck*'}).
 */
final class LincheckConfig {
    private LincheckConfig() {}

    static boolean isLong() {
        return "long".equals(System.getProperty("braid.lincheck"));
    }

    static ModelCheckingOptions modelChecking() {
        return new ModelCheckingOptions()
                .iterations(isLong() ? 200 : 15)
                .invocationsPerIteration(isLong() ? 5_000 : 300)
                .threads(3)
                .actorsPerThread(3)
                // no init/post parts: they run on a parallel part's JVM thread under a different
                // thread id, which would look like reentrancy to the owner checks
                .actorsBefore(0)
                .actorsAfter(0);
    }

    static StressOptions stress() {
        return new StressOptions()
                .iterations(isLong() ? 200 : 10)
                .invocationsPerIteration(isLong() ? 10_000 : 500)
                .threads(3)
                .actorsPerThread(3)
                // no init/post parts: they run on a parallel part's JVM thread under a different
                // thread id, which would look like reentrancy to the owner checks
                .actorsBefore(0)
                .actorsAfter(0);
    }
}
