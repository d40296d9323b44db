package dev.braid.time;

import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown when a {@link TimerWheel} already holds its maximum number of pending timers. Nothing was
 * scheduled. A JFR event {@code dev.braid.TimerOverload} is emitted when recording.
 */
public final class TimerOverloadException extends RejectedExecutionException {
    private static final long serialVersionUID = 1L;

    /** The wheel's bound on pending timers. */
    private final int capacity;

    TimerOverloadException(String wheel, int capacity) {
        super(
                wheel
                        + " is full: "
                        + capacity
                        + " timers pending; cancel unused timers or raise the bound");
        this.capacity = capacity;
    }

    /**
     * The wheel's bound on pending timers.
     *
     * @return the wheel's bound on pending timers
     */
    public int capacity() {
        return capacity;
    }
}
