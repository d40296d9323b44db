package dev.braid.sync;

import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Function;

/**
 * {@link RwLock#readOptimistic}: a read that takes no hold when no writer interferes, validated by
 * the write sequence in the lock's state word (StampedLock's optimistic read), with a read hold as
 * the fallback. The state word, its bits and the rest of the protocol are described in RwLock's
 * implementation notes.
 */
final class RwLockOptimistic {
    /*
     * Implementation notes
     *
     * Algorithm. getAcquire of the state word; if a writer holds (odd sequence), wait out the
     * write briefly (READER_SPINS backoffs of READER_BACKOFF spin-waits, ADR 0018) or fall back to
     * a read hold; else run the reader on the value, then validate: acquireFence and re-read the
     * sequence; equal means no write came and went, so the view was consistent. A reader that
     * throws a RuntimeException may have seen a torn view: it is run again under a read hold,
     * which decides. After SPIN_LIMIT failed validations it takes a hold too.
     *
     * Memory ordering. The getAcquire keeps the reader's loads after the first look; the
     * acquireFence keeps them before the validating load (the StampedLock validate() argument).
     * `poison` is read after the sequence: a poisoning writer changes the sequence, so a stale
     * read of it cannot validate.
     *
     * Split. Moved out of RwLock unchanged (no behaviour change) to keep RwLock under the house
     * rule's 1,000 lines. RwLock.readOptimistic() is a one-line call here that the JIT inlines;
     * this method's bytecode is within C2's inlining size for hot call sites, as it was in place.
     *
     * References. The JDK's StampedLock implementation notes (sequence-validated optimistic reads).
     */

    /** Failed validations (a write came and went meanwhile) before the read takes a hold. */
    static final int SPIN_LIMIT = 32;

    /** The lock's state word ({@code RwLock.state}). */
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(RwLock.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RwLockOptimistic() {}

    /** Runs {@code reader} on {@code lock}'s value optimistically; see RwLock.readOptimistic. */
    static <T, R> R read(RwLock<T> lock, Function<? super T, ? extends R> reader) {
        // An optimistic read takes no hold, so it cannot starve a writer: it ignores waiters and
        // only waits out a write in progress, briefly, before falling back to a read hold. There
        // is one call of `reader` and one result: were the fallback a second call (withRead), the
        // JIT would have to merge two results and could no longer scalar-replace a boxed one.
        int held = RwLock.NOT_HELD; // else the slot of the read hold taken as the fallback
        int attempt = 0;
        int waits = 0;
        while (true) {
            long s = (long) STATE.getAcquire(lock); // acquire: the value read below is this new
            if (held == RwLock.NOT_HELD) {
                Poison.check(lock.poison, lock);
                if ((s & RwLock.WRITER) != 0) {
                    if (++waits <= (Rt.sim() == null ? RwLock.READER_SPINS : 1)) {
                        Waiter.pause(RwLock.READER_BACKOFF); // looks again once the writer is done
                    } else {
                        held = RwLockAcquisitions.holdForRead(lock);
                    }
                    continue;
                }
            }
            R r;
            try {
                r = reader.apply(lock.value);
            } catch (Throwable e) {
                if (held != RwLock.NOT_HELD) {
                    RwLockAcquisitions.releaseHeld(lock, held);
                    throw e; // under a hold the view was consistent: the reader's own failure
                }
                if (!(e instanceof RuntimeException)) {
                    throw e;
                }
                // maybe an inconsistent view: decide under a read hold
                held = RwLockAcquisitions.holdForRead(lock);
                continue;
            }
            if (held != RwLock.NOT_HELD) {
                RwLockAcquisitions.releaseHeld(lock, held);
                return r;
            }
            VarHandle.acquireFence(); // keeps the reader's loads before the validating load
            if ((((long) STATE.getOpaque(lock) ^ s) & RwLock.SEQUENCE) == 0) {
                return r;
            }
            if (++attempt >= SPIN_LIMIT) {
                held = RwLockAcquisitions.holdForRead(lock);
            }
        }
    }
}
