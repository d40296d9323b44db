package dev.braid.testkit.internal;

/**
 * One store in a location's history: its value, its position in modification order ({@link #rank},
 * renumbered when a store is inserted before it), and the view it publishes to an acquiring reader
 * ({@link #message}; {@code null} for a relaxed store without a preceding release fence).
 */
final class Store {
    final Location loc;
    final Object value;
    final int writer;
    final boolean rmw;
    int rank;
    View message;

    Store(Location loc, Object value, int writer, boolean rmw) {
        this.loc = loc;
        this.value = value;
        this.writer = writer;
        this.rmw = rmw;
    }
}
