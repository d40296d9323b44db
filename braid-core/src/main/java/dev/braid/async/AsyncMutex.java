package dev.braid.async;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimWait;
import dev.braid.internal.util.Args;
import java.util.Optional;
import java.util.function.Function;

/**
 * A fair mutual-exclusion lock for async tasks: {@link #lock()} is a future of a {@link Guard}, and
 * closing the guard unlocks. A task waiting for the lock is pending, not blocking a thread.
 *
 * <pre>{@code
 * AsyncMutex m = new AsyncMutex("cache");
 * Async<Integer> update =
 *         m.lock().map(guard -> {
 *             try (guard) {
 *                 return cache.merge(key, 1, Integer::sum);
 *             }
 *         });
 * }</pre>
 *
 * <p><b>Fairness.</b> Waiters get the lock in the order they first polled their lock future (FIFO).
 * An unlock hands the lock straight to the first waiter, so a newcomer never overtakes a waiter.
 *
 * <p><b>Cancellation.</b> Dropping a lock future (its task was cancelled, it lost a race, its
 * timeout elapsed) leaves no trace: a waiting one leaves the queue; one that had already been
 * handed the lock but not yet returned it passes the lock on to the next waiter. Once it returned
 * the guard, the guard is the caller's: a future that holds it across a pending point and is then
 * dropped leaves the mutex locked for ever, unless something closes the guard. {@link #withLock}
 * does that (it closes the guard when its work finishes, fails or is dropped); by hand, add {@code
 * ensure(guard::close)} to the work.
 *
 * <p><b>Threads.</b> Not owned by a thread: a guard may be closed by any thread or task. From a
 * (virtual) thread, {@code Async.await(m.lock())} waits without pinning.
 *
 * <p><b>Not reentrant.</b> A task that holds the lock and polls a new lock future of the same mutex
 * would wait for itself for ever; the poll throws {@link IllegalStateException} instead (the task
 * panics with a message naming the mutex and the task). The holder is the task that polled the
 * future which returned the guard (or called {@link #tryLock()}); if it hands its guard to another
 * task, it must not lock again before that guard is closed. The same holds for a thread that took
 * the lock outside any poll ({@code Async.await(m.lock())} or {@code tryLock()}): its next {@code
 * Async.await(m.lock())} throws the {@link IllegalStateException} instead of waiting for itself, as
 * braid's {@link dev.braid.sync.Mutex} refuses a re-entrant lock.
 */
public final class AsyncMutex {
    /*
     * Implementation notes
     *
     * Algorithm. A FIFO queue of waiting lock futures and a `locked` flag, both guarded by this
     * object's monitor (held for a few field writes only: never across a poll, a wake or a
     * yield point). An unlock with waiters does not clear `locked`: it marks the first waiter
     * GRANTED and wakes it (direct hand-off, as tokio's fair Mutex over its batch semaphore), so
     * the lock is never free while someone waits, and fairness needs no extra rule.
     *
     * State of a lock future: NEW (not polled) -> WAITING (queued) -> GRANTED (owns the lock, not
     * yet returned it) -> DONE (returned the guard); or -> DROPPED. Drop from WAITING unlinks the
     * node (O(1), a doubly linked queue); drop from GRANTED unlocks (passing the lock on).
     *
     * Memory ordering. The monitor: an unlock (under it) happens-before the poll (under it) that
     * finds the future GRANTED, so what the previous holder wrote is visible to the next. Wakers
     * are called after the monitor is released. The testkit does not see monitors: unlock()
     * releases into the mutex (Rt.releaseTo), and a tryLock, a poll that returns the guard and an
     * isLocked() that answers false acquire from it (edges15: each was a false data race).
     *
     * Liveness. Every operation is a bounded critical section; a waiter is woken exactly when it
     * is granted the lock. The cooperative budget: a lock future that finds the lock but whose
     * task's budget is spent keeps it (GRANTED) and yields; its next poll returns the guard.
     *
     * References. tokio sync::Mutex (FIFO over a semaphore, direct hand-off); Mellor-Crummey and
     * Scott, "Algorithms for Scalable Synchronization on Shared-Memory Multiprocessors" (1991), for
     * FIFO hand-off locks.
     */

    private final String name;
    private boolean locked; // guarded by this
    private LockFuture head; // first waiter; guarded by this
    private LockFuture tail; // guarded by this
    // the task that took the lock, or the thread outside any poll (Async.await, tryLock) that took
    // it; null while unlocked or when taken by a hand-made poll; guarded by this
    private Object holder;

    /**
     * A new, unlocked mutex.
     *
     * @param name its name (in messages and the testkit's deadlock reports)
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public AsyncMutex(String name) {
        this.name = Args.notBlank(name, "name");
    }

    /**
     * A future of the lock: ready with a guard once this task holds it. Waiting starts at its first
     * poll; dropping it before it returned leaves no trace (see the class comment).
     *
     * @return a new lock future (poll it from one task)
     */
    public Async<Guard> lock() {
        return new LockFuture();
    }

    /**
     * A future that takes the lock, then runs the future {@code body} makes with the guard, and
     * unlocks when that future finishes, fails, or is dropped (its task cancelled, a timeout
     * elapsed, it lost a race): the lock cannot stay held by a future nobody polls any more, as it
     * does when a future that holds a guard from {@link #lock()} across a pending point is dropped
     * before it closes the guard (probe15). The body may close the guard earlier; a second close
     * does nothing.
     *
     * @param <T> the value type
     * @param body makes the work to do while holding the lock, from the guard; what it throws (or a
     *     null future) fails this future, after the unlock
     * @return a new future (poll it from one task)
     * @throws NullPointerException if {@code body} is null
     */
    public <T> Async<T> withLock(Function<? super Guard, ? extends Async<T>> body) {
        Args.notNull(body, "body");
        return Combinators.Then.then(
                lock(),
                guard -> {
                    Async<T> work;
                    try {
                        work = body.apply(guard);
                        Args.notNull(work, "the future that withLock's body returned");
                    } catch (Throwable t) {
                        guard.close();
                        throw t;
                    }
                    return work.ensure(guard::close);
                },
                "AsyncMutex.withLock(...)");
    }

    /**
     * Takes the lock if it is free and nobody waits for it.
     *
     * @return the guard, or empty if the lock is held (also by the calling task: a try never waits,
     *     so it is not refused as a re-entrant {@link #lock()} is)
     */
    public Optional<Guard> tryLock() {
        Rt.yieldPoint(Op.LOCK, this);
        synchronized (this) {
            if (locked) {
                return Optional.empty();
            }
            locked = true;
            holder = currentHolder();
        }
        Rt.acquireFrom(this); // the testkit: the last unlock released into the mutex
        return Optional.of(new Guard(this));
    }

    /**
     * Whether the lock is held (or being handed to a waiter); a snapshot, for tests and dumps.
     *
     * @return true if held
     */
    public boolean isLocked() {
        synchronized (this) {
            if (locked) {
                return true;
            }
        }
        Rt.acquireFrom(this); // the testkit: as the monitor, ordered after the last unlock
        return false;
    }

    /** The number of lock futures waiting (a snapshot, for tests and dumps). */
    synchronized int waiters() {
        int n = 0;
        for (LockFuture f = head; f != null; f = f.next) {
            n++;
        }
        return n;
    }

    /** Releases the lock: to the first waiter if any (woken here, outside the monitor). */
    private void unlock() {
        Rt.yieldPoint(Op.UNLOCK, this);
        // the testkit: the monitor's edge to the next holder (tryLock, a granted poll) and to
        // isLocked() answering false, which the model does not see through synchronized blocks
        Rt.releaseTo(this);
        Waker w = null;
        synchronized (this) {
            holder = null;
            LockFuture f = head;
            if (f == null) {
                locked = false;
                return;
            }
            unlink(f);
            f.state = GRANTED;
            w = f.waker;
            f.waker = null;
        }
        try {
            w.wake();
        } catch (RuntimeException e) {
            Completion.reportWakerFailure(e); // the lock was handed on: unlocking succeeded
        }
    }

    private void enqueue(LockFuture f) { // under the monitor
        f.prev = tail;
        if (tail == null) {
            head = f;
        } else {
            tail.next = f;
        }
        tail = f;
    }

    private void unlink(LockFuture f) { // under the monitor
        if (f.prev == null) {
            head = f.next;
        } else {
            f.prev.next = f.next;
        }
        if (f.next == null) {
            tail = f.prev;
        } else {
            f.next.prev = f.prev;
        }
        f.prev = null;
        f.next = null;
    }

    /**
     * The mutex's name and state: unlocked, or locked (by which task, or by which thread when a
     * thread took it outside any poll) and how many lock futures wait; a snapshot.
     *
     * @return for example {@code AsyncMutex[cache, locked by task 'writer', 2 waiting]}
     */
    @Override
    public String toString() {
        String state;
        synchronized (this) {
            if (!locked) {
                state = "unlocked";
            } else {
                int n = 0;
                for (LockFuture f = head; f != null; f = f.next) {
                    n++;
                }
                state =
                        (holder != null ? "locked by " + describe(holder) : "locked")
                                + (n > 0 ? ", " + n + " waiting" : "");
            }
        }
        return "AsyncMutex[" + name + ", " + state + "]";
    }

    private String label() {
        return "AsyncMutex[" + name + "]";
    }

    /**
     * Who takes the lock if it is taken here: the task being polled; outside any poll, the calling
     * thread (through {@code Async.await}, {@code tryLock}, or a poll by hand); null inside a poll
     * of something else.
     */
    private static Object currentHolder() {
        Object polling = Interop.polling();
        if (polling == null) {
            return Thread.currentThread();
        }
        return polling instanceof RawTask<?> t ? t : null;
    }

    /**
     * Whether a new lock future polled here would wait for its own holder: a task that holds the
     * lock (ADR 0065), or a thread that holds it and waits in {@code Async.await} (probe17: it
     * waited for itself for ever, where braid's {@code Mutex} refuses). A poll by hand on a holding
     * thread is not refused: a user's own loop may poll another future there, which waits to be
     * woken as any waiter does.
     */
    private boolean pollWaitsForItself() { // under the monitor
        if (holder == null) {
            return false;
        }
        Object polling = Interop.polling();
        if (polling == null) {
            return holder == Thread.currentThread() && DirectAwait.active();
        }
        return holder == polling;
    }

    private static String describe(Object holder) {
        return holder instanceof Thread t ? "thread '" + t.getName() + "'" : String.valueOf(holder);
    }

    private IllegalStateException reentry(Object holder) {
        return new IllegalStateException(
                describe(holder)
                        + " already holds "
                        + label()
                        + ": it is not reentrant, and this lock would wait for itself for ever;"
                        + " use the guard it already has, or close it before locking again");
    }

    private static final int NEW = 0;
    private static final int WAITING = 1;
    private static final int GRANTED = 2;
    private static final int DONE = 3;
    private static final int DROPPED = 4;

    private final class LockFuture implements Async<Guard> {
        private int state = NEW; // guarded by the mutex
        private Waker waker; // while WAITING; guarded by the mutex
        private LockFuture prev; // queue links; guarded by the mutex
        private LockFuture next;

        @Override
        public Poll<Guard> poll(Context cx) {
            Rt.yieldPoint(Op.LOCK, AsyncMutex.this);
            boolean granted;
            synchronized (AsyncMutex.this) {
                switch (state) {
                    case NEW -> {
                        if (!locked) {
                            locked = true;
                            state = GRANTED;
                        } else if (pollWaitsForItself()) {
                            throw reentry(holder); // state stays NEW: a drop leaves no trace
                        } else {
                            state = WAITING;
                            enqueue(this);
                        }
                    }
                    case WAITING, GRANTED -> {}
                    default -> throw Combinators.pollAfterCompletion("AsyncMutex.lock()");
                }
                granted = state == GRANTED;
                if (!granted) {
                    waker = cx.waker(); // the latest poll's waker is the one to call
                }
            }
            if (!granted) {
                if ((Rt.simulating() || SimWait.OBSERVING)
                        && Interop.polling() instanceof RawTask<?> t) {
                    t.awaiting(AsyncMutex.this); // the testkit's wait-for graph; the dump
                }
                return Poll.pending();
            }
            if (!cx.consumeBudget()) {
                return Poll.pending(); // keeps the lock (GRANTED); the task was woken
            }
            synchronized (AsyncMutex.this) {
                state = DONE;
                holder = currentHolder();
            }
            Rt.acquireFrom(AsyncMutex.this); // the testkit: the last unlock released into it
            return Poll.ready(new Guard(AsyncMutex.this));
        }

        @Override
        public void drop() {
            Rt.yieldPoint(Op.RMW, AsyncMutex.this);
            int was;
            synchronized (AsyncMutex.this) {
                was = state;
                if (was == WAITING) {
                    unlink(this);
                    waker = null;
                }
                if (was != DONE) {
                    state = DROPPED;
                }
            }
            if (was == GRANTED) {
                unlock(); // handed the lock but never returned it: pass it on
            }
        }

        @Override
        public String toString() {
            return "lock of " + label();
        }
    }

    /** Holding the lock: {@link #close()} releases it. Closing again does nothing. */
    public static final class Guard implements AutoCloseable {
        private final AsyncMutex mutex;
        private boolean closed; // guarded by the mutex

        private Guard(AsyncMutex mutex) {
            this.mutex = mutex;
        }

        /**
         * The mutex this guard holds.
         *
         * @return the mutex
         */
        public AsyncMutex mutex() {
            return mutex;
        }

        private boolean closed() {
            synchronized (mutex) {
                return closed;
            }
        }

        /** Releases the lock (to the first waiter, if any); a second close does nothing. */
        @Override
        public void close() {
            synchronized (mutex) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            mutex.unlock();
        }

        @Override
        public String toString() {
            return "Guard[" + mutex.label() + (closed() ? ", closed]" : "]");
        }
    }
}
