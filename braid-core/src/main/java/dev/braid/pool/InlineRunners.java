package dev.braid.pool;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The outside threads that are running a task of the pool inline, in its joiner (ADR 0049): such a
 * task runs in the pool as a worker's does, so {@code shutdownNow()} interrupts its thread and the
 * pool does not terminate before it ends (ADR 0071).
 */
final class InlineRunners {
    /*
     * Implementation notes
     *
     * A fixed array of slots, each null or the Thread running a task inline; a slot is taken by
     * one CAS (null -> thread) and freed by one CAS (thread -> null), the only atomics the inline
     * path adds. Slots sit STRIDE references apart so that joiners on different slots do not
     * share a cache line. When every slot is taken the joiner does not run the task inline and
     * parks instead, as it would if a worker had claimed it: the pool stays correct, only that
     * join loses the inline shortcut.
     *
     * Interrupting. shutdownNow() swaps a thread to INTERRUPTING, interrupts it, and stores
     * INTERRUPTED. The runner's free CAS then fails; it waits out INTERRUPTING (a few
     * instructions of the interrupter) and clears its interrupt status before it frees the slot:
     * the interrupt was meant for the task and must not outlive it on the joiner's thread, as a
     * worker clears one between tasks. Because the interrupter swaps the slot first, it never
     * interrupts a thread that has left its task.
     *
     * Counting. Each slot has its own counter of the tasks run in it, in a long[] laid out with
     * the slots' stride (128 bytes apart): only the slot's holder writes it (the slot's CASes
     * order successive holders), metrics sum them. It was one pool-wide AtomicI64 that the JVM
     * placed on the cache line of the pool's run state, which every worker reads once or twice
     * per task: each inline run invalidated that line in both workers' caches (ADR 0084).
     *
     * Termination. The joiner takes its slot and then reads the run state (both sequentially
     * consistent); shutdown writes the run state and a terminating pool reads the slots after its
     * workers exited. So a joiner that saw RUNNING is seen by isTerminated() and shutdownNow(), and
     * a joiner that registers later sees the shutdown and frees its slot without running anything.
     */

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle RUNS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int STRIDE = 16; // 64 bytes of compressed references
    private static final Object INTERRUPTING = new Object();
    private static final Object INTERRUPTED = new Object();

    private final Object[] slots;
    private final long[] runs; // tasks run in each slot, at the slot's index: see Counting
    private final int count;

    InlineRunners(int parallelism) {
        this.count = Math.max(4, Math.min(64, 2 * parallelism));
        this.slots = new Object[count * STRIDE];
        this.runs = new long[count * STRIDE];
    }

    /** Takes a slot for {@code me}; returns its index, or -1 if every slot is taken. */
    int enter(Thread me) {
        int start = (int) Math.floorMod(Rt.threadId(me), (long) count);
        for (int i = 0; i < count; i++) {
            int idx = ((start + i) % count) * STRIDE;
            if (SLOT.getOpaque(slots, idx) == null
                    && SLOT.compareAndSet(slots, idx, (Object) null, (Object) me)) {
                return idx;
            }
        }
        return -1;
    }

    /**
     * Counts one task run inline in slot {@code idx}; called by its holder, before {@link #exit}.
     */
    void countRun(int idx) {
        // the holder is the only writer while it holds the slot, and the slot's CASes order it
        // after the previous holder: a plain read, and an opaque write so readers never see a tear
        RUNS.setOpaque(runs, idx, (long) RUNS.get(runs, idx) + 1);
    }

    /** The number of tasks run inline so far (a snapshot). */
    long runs() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += (long) RUNS.getOpaque(runs, i * STRIDE);
        }
        return n;
    }

    /** Frees {@code me}'s slot; clears the interrupt that shutdownNow gave the task, if any. */
    void exit(int idx, Thread me) {
        Rt.yieldPoint(Op.RMW, this);
        if (SLOT.compareAndSet(slots, idx, (Object) me, (Object) null)) {
            return;
        }
        while (SLOT.getVolatile(slots, idx) == INTERRUPTING) {
            Rt.spinWait(); // the interrupter is between its swap and its interrupt
        }
        Thread.interrupted(); // meant for the task, which has ended
        SLOT.setVolatile(slots, idx, (Object) null);
    }

    /** Interrupts every thread running a task inline now (once per run). */
    void interruptAll() {
        for (int i = 0; i < count; i++) {
            int idx = i * STRIDE;
            if (SLOT.getVolatile(slots, idx) instanceof Thread t
                    && SLOT.compareAndSet(slots, idx, (Object) t, INTERRUPTING)) {
                Rt.interrupt(t);
                SLOT.setVolatile(slots, idx, INTERRUPTED);
            }
        }
    }

    /** The number of tasks running inline now. */
    int running() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (SLOT.getVolatile(slots, i * STRIDE) != null) {
                n++;
            }
        }
        return n;
    }
}
