package dev.braid.internal.rt;

/**
 * Plumbing for the testkit's deadlock report: lets code that waits without parking (an async task
 * registered on a channel) say what it awaits, so the wait-for graph can show it as if a thread
 * were parked there. Outside a simulation nothing calls these.
 */
public final class SimWait {
    private SimWait() {}

    /**
     * Implemented by a wake callback that wants to know what a blocked thread would have parked on
     * for the same operation.
     */
    public interface Sink {
        /**
         * Tells the callback's owner the blocker of the operation it registered for.
         *
         * @param blocker the object a parked thread would wait on (its text is the wait's label)
         */
        void awaiting(Object blocker);
    }

    /** Implemented by a park blocker that stands for a wait on another resource. */
    public interface Delegate {
        /**
         * The resource this wait is really on (its holders are the ones who can end the wait).
         *
         * @return the underlying blocker, or null if none is known
         */
        Object waitsOn();
    }

    /**
     * Implemented by a park blocker whose wait any thread may end by acting on the resource, not
     * only one that holds it (a channel's other side: any thread that can reach the channel may
     * send or receive). Its holders are the threads seen to act on the other side; while none of
     * them is alive, the testkit's deadlock report assumes every other live thread could (ADR
     * 0135).
     */
    public interface Open {}

    /**
     * Implemented by a park blocker that stands for a wait on any one of several resources (a
     * select): the holders of each of them can end the wait.
     */
    public interface AnyOf {
        /**
         * The resources this wait is really on, in no particular order.
         *
         * @return the underlying blockers (a {@link Thread} stands for its end)
         */
        java.util.List<Object> waitsOnAny();
    }

    /**
     * Whether async tasks record what they await outside a simulation too: {@code
     * -Dbraid.async.observe=true} (read once), the switch that makes every executor observed, so
     * its live-task dump says what each pending task awaits (ADR 0183).
     */
    public static final boolean OBSERVING = Boolean.getBoolean("braid.async.observe");

    /**
     * Under a simulation, or with {@link #OBSERVING}, tells {@code callback} (if it is a {@link
     * Sink}) what it awaits.
     *
     * @param callback the registered wake callback
     * @param blocker what a blocked thread would park on
     */
    public static void note(Object callback, Object blocker) {
        if ((Rt.simulating() || OBSERVING) && callback instanceof Sink s) {
            s.awaiting(blocker);
        }
    }
}
