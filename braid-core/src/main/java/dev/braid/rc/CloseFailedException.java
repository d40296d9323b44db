package dev.braid.rc;

import java.io.Serial;

/**
 * Thrown by the release of a last share when the resource's {@code close()} throws a checked
 * exception (the {@linkplain #getCause() cause}). Unchecked exceptions and errors from {@code
 * close()} propagate as they are. Either way the resource counts as closed: it is never closed
 * again.
 */
public final class CloseFailedException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    CloseFailedException(String what, Exception cause) {
        super("closing " + what + " failed: " + cause, cause);
    }
}
