package dev.braid.rc;

/** What releasing one share did. */
public enum Release {
    /** This was the last share: the resource was closed. */
    CLOSED,
    /** Other shares remain; the resource is still open. */
    SHARED
}
