package dev.braid.cancel;

/**
 * A callback in a token's list. Fields are guarded by the token's lock until the token is
 * cancelled; then the cancelling thread owns the detached list.
 */
final class CallbackNode implements CancellationRegistration {
    final CancellationToken token;
    Runnable callback;
    CallbackNode prev;
    CallbackNode next;
    boolean linked;

    CallbackNode(CancellationToken token, Runnable callback) {
        this.token = token;
        this.callback = callback;
    }

    @Override
    public boolean deregister() {
        return token.deregister(this);
    }
}
