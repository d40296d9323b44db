/**
 * braid's runtime: threads with join handles, locks that own their data, and the runtime seam
 * through which every blocking, waking, spawning, clock and randomness operation passes.
 *
 * <p>The seam package {@code dev.braid.internal.rt} is exported only to the testkit, which replaces
 * the JDK behind it with a deterministic scheduler.
 */
module dev.braid {
    requires jdk.jfr;

    exports dev.braid.atomic;
    exports dev.braid.cancel;
    exports dev.braid.time;
    exports dev.braid.thread;
    exports dev.braid.sync;
    exports dev.braid.rc;
    exports dev.braid.channel;
    exports dev.braid.pool;
    exports dev.braid.async;
    exports dev.braid.internal.rt to
            dev.braid.testkit;
}
