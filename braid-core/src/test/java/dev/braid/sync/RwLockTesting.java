package dev.braid.sync;

/** Test access to RwLock's package-private switches, for tests in other packages (Lincheck). */
public final class RwLockTesting {
    private RwLockTesting() {}

    /** A lock whose readers are striped from the start. */
    public static <T> RwLock<T> striped(T value) {
        return RwLock.builder().striped(true).build(value);
    }
}
