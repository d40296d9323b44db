package dev.braid.sync;

import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the semaphore's non-blocking operations against the sequential semaphore (a
 * counter): each operations class, run sequentially, is the specification. Taken permits are simply
 * not returned.
 */
class SemaphoreLincheckTest {
    /** Operations on an unfair semaphore with 2 permits. */
    public static class Unfair {
        final Semaphore s;

        public Unfair() {
            this(false);
        }

        Unfair(boolean fair) {
            s = Semaphore.named("lincheck", 2, fair);
        }

        @Operation
        public boolean tryAcquire1() {
            return s.tryAcquire(1).isPresent();
        }

        @Operation
        public boolean tryAcquire2() {
            return s.tryAcquire(2).isPresent();
        }

        @Operation
        public void release1() {
            s.release(1);
        }

        @Operation
        public int available() {
            return s.availablePermits();
        }
    }

    /** The same over a fair semaphore. */
    public static class Fair extends Unfair {
        public Fair() {
            super(true);
        }
    }

    @Test
    void unfairStress() {
        LincheckSizes.stress().check(Unfair.class);
    }

    @Test
    void unfairModelChecking() {
        LincheckSizes.modelChecking().check(Unfair.class);
    }

    @Test
    void fairModelChecking() {
        LincheckSizes.modelChecking().check(Fair.class);
    }
}
