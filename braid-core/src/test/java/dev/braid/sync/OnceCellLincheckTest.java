package dev.braid.sync;

import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link OnceCell} against itself run sequentially: the first successful {@code
 * set}/{@code getOrInit} wins and every later read sees its value. {@code getOrInit} may wait for a
 * concurrent initializer; Lincheck's model checker explores those parks.
 */
class OnceCellLincheckTest {
    /** The operations; Lincheck creates one instance per scenario. */
    public static class Ops {
        private final OnceCell<String> cell = OnceCell.named("lincheck");

        public Ops() {}

        @Operation
        public String get() {
            return cell.get().orElse("empty");
        }

        @Operation
        public boolean setA() {
            return cell.set("a");
        }

        @Operation
        public String getOrInitB() {
            return cell.getOrInit(() -> "b");
        }

        @Operation
        public String getOrInitC() {
            return cell.getOrInit(() -> "c");
        }
    }

    @Test
    void stress() {
        LincheckSizes.stress().check(Ops.class);
    }

    @Test
    void modelChecking() {
        LincheckSizes.modelChecking().check(Ops.class);
    }
}
