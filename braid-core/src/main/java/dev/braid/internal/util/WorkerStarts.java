package dev.braid.internal.util;

/**
 * The one failure of a multi-thread start (ADR 0162): a pool or executor that could not start all
 * its worker threads stops the ones it started and throws this, naming how many started and why.
 */
public final class WorkerStarts {
    private WorkerStarts() {}

    /**
     * The exception for a start that failed at worker {@code started} of {@code total}.
     *
     * @param owner what was starting, as the message names it ({@code pool 'p'})
     * @param started the workers started before the failure (the index of the one that failed)
     * @param total the workers it meant to start
     * @param cause why the next start failed
     * @return the exception to throw once the started workers are stopped
     */
    public static IllegalStateException failed(
            String owner, int started, int total, Throwable cause) {
        return new IllegalStateException(
                owner
                        + " started "
                        + started
                        + " of "
                        + total
                        + " worker threads, then starting worker "
                        + started
                        + " failed ("
                        + cause
                        + "); the started ones are stopped",
                cause);
    }
}
