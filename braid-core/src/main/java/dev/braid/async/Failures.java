package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.Deadline;
import dev.braid.cancel.DeadlineExceededException;

/** Throwing helpers shared by the package. */
final class Failures {
    private Failures() {}

    /** Throws {@code t} as it is, checked or not (the compiler is told it is unchecked). */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** The exception braid's blocking operations throw for {@code deadline}, which has passed. */
    static DeadlineExceededException exceeded(Deadline deadline) {
        try {
            CancelScope.withDeadline(
                    deadline,
                    () -> {
                        CancelScope.checkpoint();
                        return null;
                    });
        } catch (DeadlineExceededException e) {
            return e;
        }
        throw new IllegalStateException("deadline has not passed: " + deadline);
    }
}
