package dev.braid.internal.util;

import java.time.Duration;

/** Argument checks whose messages name the argument. */
public final class Args {
    private Args() {}

    /** Returns {@code value}, or throws {@link NullPointerException} naming {@code name}. */
    public static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }

    /** Throws {@link IllegalArgumentException} naming {@code name} unless {@code value >= 0}. */
    public static long nonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
        return value;
    }

    /** Returns a non-blank string, or throws naming {@code name}. */
    public static String notBlank(String value, String name) {
        notNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    /** Returns a non-null, non-negative duration, or throws naming {@code name}. */
    public static Duration nonNegative(Duration value, String name) {
        notNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }
}
