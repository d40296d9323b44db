package dev.braid.cancel;

/** The registrations that are not list nodes. */
final class Registrations {
    private Registrations() {}

    /** A registration whose outcome is settled: the callback ran, or can never run. */
    record Fixed(boolean removable) implements CancellationRegistration {
        @Override
        public boolean deregister() {
            return removable;
        }

        @Override
        public String toString() {
            return removable
                    ? "CancellationRegistration[never runs: the token cannot be cancelled]"
                    : "CancellationRegistration[ran at registration: the token was already cancelled]";
        }
    }

    /** Callback already ran (token was cancelled at registration). */
    static final CancellationRegistration RAN = new Fixed(false);

    /** Callback can never run (token cannot be cancelled). */
    static final CancellationRegistration NEVER = new Fixed(true);

    /** Several registrations that deregister together. */
    record Composite(CancellationRegistration[] parts) implements CancellationRegistration {
        @Override
        public boolean deregister() {
            boolean all = true;
            for (CancellationRegistration p : parts) {
                all &= p.deregister();
            }
            return all;
        }

        @Override
        public String toString() {
            return "CancellationRegistration" + java.util.Arrays.toString(parts);
        }
    }
}
