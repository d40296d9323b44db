package dev.braid.testkit;

/**
 * What a callback wrapped with {@link Sim#callback(Runnable)} throws when the testkit injects
 * {@link Fault#CALLBACK}: an unchecked exception standing for any exception user code may throw.
 * Code under test that runs callbacks should treat it like any other exception from a callback.
 */
public final class InjectedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The fault, with a message that names its origin. */
    public InjectedFault() {
        super("a callback threw: fault injected by the braid testkit (Fault.CALLBACK)");
    }
}
