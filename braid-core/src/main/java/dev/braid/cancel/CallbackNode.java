package dev.braid.cancel;

/**
 * A callback in a token's registry, which is also the registration handed to the caller. The
 * algorithm, the meaning of each field and the ordering of every access are in {@link
 * CancellationToken}'s implementation notes; this class only holds the fields.
 */
final class CallbackNode implements CancellationRegistration {
    /** Status: registered; runs when the token is cancelled. */
    static final int LIVE = 0;

    /** Status: a deregister marked it and is reading whether the token is cancelled. */
    static final int DECIDING = 1;

    /** Status: a deregister removed it before the cancellation; it never runs. */
    static final int REMOVED = 2;

    /** Status: a deregister came after the cancellation; it runs (or ran) all the same. */
    static final int KEPT = 3;

    final CancellationToken token;

    /** Set at construction; cleared by the deregister that removes it, or by the canceller. */
    Runnable callback;

    /** The next older node; rewritten only to skip removed nodes (CancellationToken.NEXT). */
    CallbackNode next;

    /** Number of pushes onto the token up to this one (wrapping); fixed before publication. */
    int seq;

    /** LIVE, DECIDING, REMOVED or KEPT; accessed through CancellationToken.STATUS. */
    @SuppressWarnings("unused") // accessed through CancellationToken.STATUS
    volatile int status;

    CallbackNode(CancellationToken token, Runnable callback) {
        this.token = token;
        this.callback = callback;
    }

    @Override
    public boolean deregister() {
        return token.deregister(this);
    }

    /** The token and where this registration stands: live, deciding, removed or kept. */
    @Override
    public String toString() {
        String state =
                switch (status) {
                    case LIVE -> "live";
                    case DECIDING -> "deciding";
                    case REMOVED -> "removed";
                    default -> "kept (the token was cancelled first)";
                };
        return "CancellationRegistration[" + state + ", on " + token + "]";
    }
}
