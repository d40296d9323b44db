package dev.braid.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * Lincheck run sizes: a smoke run by default (seconds), a long run with {@code
 * -Dbraid.lincheck=long} (e.g. {@code ./mvnw verify -pl braid-core -Dbraid.lincheck=long
 * -Dtest='*Lincheck*'}).
 */
final class LincheckSizes {
    static final boolean LONG = "long".equals(System.getProperty("braid.lincheck"));

    private LincheckSizes() {}

    static StressOptions stress() {
        return new StressOptions()
                .iterations(LONG ? 200 : 5)
                .invocationsPerIteration(LONG ? 10_000 : 500)
                .threads(3)
                .actorsPerThread(3);
    }

    static ModelCheckingOptions modelChecking() {
        return new ModelCheckingOptions()
                .iterations(LONG ? 200 : 5)
                .invocationsPerIteration(LONG ? 5_000 : 100)
                .threads(3)
                .actorsPerThread(3);
    }
}
