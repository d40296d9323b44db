package dev.braid.cancel;

import java.util.List;

/**
 * Thrown by {@link CancellationSource#cancel} (or {@link CancellationToken#onCancel}, when it runs
 * the callback at once) after <em>every</em> callback has run, if one or more of them threw. The
 * first failure is the cause, the others are suppressed. The cancellation itself has fully taken
 * place.
 */
public final class CancellationCallbackException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CancellationCallbackException(List<Throwable> failures) {
        super(failures.size() + " cancellation callback(s) failed", failures.get(0));
        for (int i = 1; i < failures.size(); i++) {
            addSuppressed(failures.get(i));
        }
    }
}
