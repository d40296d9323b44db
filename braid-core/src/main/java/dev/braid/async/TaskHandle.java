package dev.braid.async;

import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimWait;
import dev.braid.internal.util.Args;
import dev.braid.pool.WorkStealingPool;
import dev.braid.thread.JoinOutcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A handle on a spawned task: a future of the task's value that can also be joined blockingly,
 * cancelled, and turned into a {@link CompletableFuture}.
 *
 * <p><b>Outcomes.</b> The task ends in one of three ways, and every join and every poll of the
 * handle (any number, from any threads and tasks) sees the same one: its value; a panic — its
 * future threw, reported as {@link TaskPanicException} naming the task, the original exception as
 * the cause; or a cancellation — reported as {@link dev.braid.cancel.CancelledException} whose
 * cause says why. A future that throws a {@link java.util.concurrent.CancellationException} (it
 * awaited a cancelled stage or handle) ends the task cancelled, not panicked (ADR 0073). Everything
 * the task did happens-before a join or poll that observes its outcome.
 *
 * <p><b>Dropping a handle</b> (polling it no more, or letting it be collected) detaches the task:
 * it keeps running. Use {@link #cancel()} to stop it, or a {@link TaskScope} so that it cannot
 * outlive its owner.
 *
 * @param <T> the task's value type
 */
public final class TaskHandle<T> implements Async<T> {
    private final RawTask<T> task;

    TaskHandle(RawTask<T> task) {
        this.task = task;
    }

    /**
     * The task's name.
     *
     * @return the name given at spawn, or a generated one ({@code <executor>-task-<id>}, built on
     *     first use)
     */
    public String name() {
        return task.name();
    }

    /**
     * How many times the task's future has been polled so far (observability).
     *
     * @return the poll count
     */
    public long pollCount() {
        return task.polls();
    }

    /**
     * The total time the task's observed polls have taken so far (observability; a large value for
     * few polls means blocking inside async code, see the JFR event {@code
     * dev.braid.TaskLongPoll}). A poll is timed only while someone observes, so that an unobserved
     * spawn reads no clock: the executor was created under the testkit or with the system property
     * {@code braid.async.observe=true}, or a JFR recording has {@code dev.braid.TaskLongPoll}
     * enabled. Otherwise this stays {@link Duration#ZERO}.
     *
     * @return the summed time of the timed polls
     */
    public Duration pollTime() {
        return Duration.ofNanos(task.pollNanos());
    }

    /**
     * Whether the task has finished (with a value, a panic, or a cancellation).
     *
     * @return true once its outcome is decided
     */
    public boolean isFinished() {
        return task.outcome() != null; // outcome(): the testkit's acquire edge (ADR 0134)
    }

    /**
     * Asks the task to stop: it is dropped at its next pending point (its future's {@link
     * Async#drop()} runs, which runs its cleanups) instead of being polled again; its outcome is
     * then a cancellation. A task that completes in the poll running at the moment keeps its value.
     * Idempotent and non-blocking; it does not wait for the task to stop (join for that).
     *
     * @return true if this call requested the cancellation; false if the task had already finished
     *     or was cancelled before
     */
    public boolean cancel() {
        return task.cancel(Interop.cancelledToken("task '" + task.name() + "' was cancelled"));
    }

    boolean cancel(CancellationToken why) {
        return task.cancel(why);
    }

    /**
     * Polls the task's outcome (registering the waker until it is decided). Polling again after
     * ready gives the same outcome again. Spends one unit of the cooperative budget when ready.
     *
     * @param cx the poll's context
     * @return the task's value, or pending
     * @throws TaskPanicException if the task panicked
     * @throws dev.braid.cancel.CancelledException if the task was cancelled
     * @throws IllegalStateException if polled by the task itself (it would wait for itself)
     */
    @Override
    public Poll<T> poll(Context cx) {
        Completion.Outcome<T> o = task.poll(cx.waker());
        if (o == null && pollingItself(cx)) {
            throw new IllegalStateException(
                    "task '"
                            + task.name()
                            + "' awaits its own handle: it would wait for itself for ever; return"
                            + " the value instead");
        }
        if (o == null) {
            if ((Rt.simulating() || SimWait.OBSERVING) && cx instanceof RawTask<?> polling) {
                // the testkit's wait-for graph (probe16); with -Dbraid.async.observe the dump's
                polling.awaiting(new AwaitsTask(task));
            }
            return Poll.pending();
        }
        if (!cx.consumeBudget()) {
            return Poll.pending();
        }
        return Poll.ready(result(o));
    }

    /**
     * Under the testkit: a task's wait for another task's handle, as the deadlock report shows it.
     * It stands for what the awaited task awaits in turn (a task awaiting a task awaiting a channel
     * waits for that channel's other end); a chain of such waits is followed a bounded number of
     * steps, so two tasks awaiting each other end the walk instead of looping.
     */
    private record AwaitsTask(RawTask<?> task) implements SimWait.Delegate {
        private static final int MAX_HOPS = 64;

        @Override
        public Object waitsOn() {
            Object on = task.awaiting();
            for (int hops = 0; on instanceof AwaitsTask next && hops < MAX_HOPS; hops++) {
                on = next.task.awaiting();
            }
            return on instanceof AwaitsTask ? null : on; // a cycle of tasks: no resource known
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("join of task '").append(task.name()).append('\'');
            Object on = task.awaiting();
            AwaitsTask last = this;
            for (int hops = 0; on instanceof AwaitsTask next && hops < MAX_HOPS; hops++) {
                sb.append(", which awaits task '").append(next.task.name()).append('\'');
                if (next.task == task) {
                    return sb.append(" (a cycle of tasks)").toString();
                }
                last = next;
                on = next.task.awaiting();
            }
            boolean idle =
                    (last.task.state() & (RawTask.RUNNING | RawTask.NOTIFIED | RawTask.COMPLETE))
                            == 0;
            if (on instanceof Interop.AwaitsWake w && idle) {
                // a future of the user's left it pending: a lost wake? (ADR 0187)
                sb.append(", which is idle (awaiting a wake) from ")
                        .append(Interop.describe(w.future()));
            } else if (on != null && !(on instanceof AwaitsTask)) {
                sb.append(", which awaits ").append(on);
            } else if (on == null && idle) {
                sb.append(", which is idle (awaiting a wake)"); // nothing known: a lost wake?
            }
            return sb.toString();
        }
    }

    /**
     * Whether the caller is this handle's own task. A task's context is the task itself and is used
     * only during its poll, on the polling thread (the Context contract), so a task's context
     * answers without the thread-local lookup; a hand-made context asks the polling marker.
     */
    private boolean pollingItself(Context cx) {
        return cx instanceof RawTask<?> polling ? polling == task : Interop.polling() == task;
    }

    /**
     * Waits for the task and returns its value.
     *
     * @return the task's value
     * @throws TaskPanicException if the task panicked
     * @throws dev.braid.cancel.CancelledException if the task was cancelled, or if the caller has
     *     to wait inside a {@link dev.braid.cancel.CancelScope} that is cancelled (or {@link
     *     dev.braid.cancel.DeadlineExceededException}, whose deadline passes)
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalStateException if called inside a poll (await the handle as a future there),
     *     or if the task belongs to a {@link LocalExecutor} that no thread is driving and nothing
     *     bounds the wait (no ambient {@link dev.braid.cancel.CancelScope} that can stop it):
     *     nothing would ever run the task, so use {@link LocalExecutor#blockOn} with this handle;
     *     or if called from the task's own {@link Async#spawnBlocking} body, whose end the task's
     *     outcome waits for; or if the caller is the thread driving that {@link LocalExecutor},
     *     which alone would run the task. A task's drop ({@link Async#ensure} cleanups) counts as
     *     inside a poll
     */
    public T join() throws InterruptedException {
        return result(await(Deadline.never()));
    }

    /**
     * Waits at most {@code timeout} for the task. A timeout ≤ 0 does not wait.
     *
     * @param timeout how long to wait
     * @return {@link JoinOutcome.Finished} with the value, or {@link JoinOutcome.TimedOut}
     * @throws TaskPanicException if the task panicked
     * @throws dev.braid.cancel.CancelledException as for {@link #join()}
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalStateException if called inside a poll
     * @throws NullPointerException if {@code timeout} is null
     */
    public JoinOutcome<T> join(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        return join(Deadline.after(timeout));
    }

    /**
     * Waits until {@code deadline} at the latest for the task.
     *
     * @param deadline when to give up
     * @return {@link JoinOutcome.Finished} with the value, or {@link JoinOutcome.TimedOut}
     * @throws TaskPanicException if the task panicked
     * @throws dev.braid.cancel.CancelledException as for {@link #join()}
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalStateException if called inside a poll
     * @throws NullPointerException if {@code deadline} is null
     */
    public JoinOutcome<T> join(Deadline deadline) throws InterruptedException {
        Args.notNull(deadline, "deadline");
        Completion.Outcome<T> o = await(deadline);
        return o == null ? new JoinOutcome.TimedOut<>() : new JoinOutcome.Finished<>(result(o));
    }

    private Completion.Outcome<T> await(Deadline deadline) throws InterruptedException {
        Rt.yieldPoint(Op.JOIN, task);
        Completion.Outcome<T> o = task.outcome();
        if (o != null) {
            return o;
        }
        if (Interop.polling() != null) {
            RawTask<?> dropped = Interop.dropping();
            if (dropped != null) {
                throw Interop.waitInDrop("join() on task '" + task.name() + "'", dropped);
            }
            throw new IllegalStateException(
                    "join() inside a poll would block an executor thread: await the handle as a"
                            + " future (then(...)) instead");
        }
        if (deadline.isNever()) {
            refuseUndrivenWait("join()", "join");
        }
        return task.await(deadline, true, task);
    }

    /**
     * ADR 0066: an untimed wait for an unfinished task of a {@link LocalExecutor} that no thread
     * drives would wait for ever, unless an interrupt or an active scope ends it. Every untimed way
     * to wait for the handle asks this: {@link #join()}, {@link Async#await} of the handle, and the
     * untimed {@code join()}/{@code get()} of {@link #toCompletableFuture()}. The same waits from
     * the task's own spawnBlocking body are refused too: the task's outcome waits for that body
     * (ADR 0181, ADR 0194).
     */
    void refuseUndrivenWait(String what, String verb) {
        if (task.outcome() == null
                && Interop.bodyOf() == task) { // the read first: a done task costs no lookup
            throw new IllegalStateException(
                    what
                            + " on task '"
                            + task.name()
                            + "' from its own spawnBlocking body would wait for ever: the task's"
                            + " outcome waits for this body to end (ADR 0181); return the value"
                            + " from the body instead");
        }
        LocalExecutor l = task.local(); // the handle holds only the task: 16 B (ADR 0072)
        if (l != null && l.isDrivenBy(Thread.currentThread()) && task.outcome() == null) {
            // probe17: code the driving thread runs outside any poll (a completion callback of
            // another task's stage; drops are refused before, as polls: ADR 0194) waiting there
            // for a task that only this thread runs waited for ever
            throw new IllegalStateException(
                    what
                            + " on task '"
                            + task.name()
                            + "' on thread '"
                            + Thread.currentThread().getName()
                            + "', which drives its "
                            + l
                            + " (outside a poll: in a completion callback, say), would wait for"
                            + " ever: only this"
                            + " thread runs that task; spawn a task that awaits the handle instead");
        }
        if (l != null
                && !l.isDriven()
                && task.outcome() == null
                && !Thread.currentThread().isInterrupted() // the wait ends at once: let it
                && !dev.braid.cancel.CancelScope.current().isActive()) { // bounded by the scope
            throw new IllegalStateException(
                    what
                            + " on task '"
                            + task.name()
                            + "' would wait for ever: its "
                            + l
                            + " runs tasks only inside blockOn, and no thread is driving it;"
                            + " call blockOn(handle) instead, or "
                            + verb
                            + " while another thread drives it");
        }
    }

    private T result(Completion.Outcome<T> o) {
        return switch (o) {
            case Completion.Success<T>(T value) -> value;
            case Completion.Failure<T>(Throwable failure) ->
                    throw new TaskPanicException(task.name(), failure);
            case Completion.Cancelled<T>(CancellationToken token) -> throw token.toException();
        };
    }

    /** The task behind the handle (tests). */
    RawTask<T> raw() {
        return task;
    }

    /** The outcome once decided, else null (for scopes). */
    Completion.Outcome<T> outcome() {
        return task.outcome();
    }

    /** Registers {@code w} to be woken at completion; the outcome if already decided. */
    Completion.Outcome<T> onComplete(Waker w) {
        return task.poll(w);
    }

    /** The wakers registered with the task now (tests). */
    int registeredWakers() {
        return task.registeredWakers();
    }

    /** Completes a {@link #toCompletableFuture()}; expired once that future is done. */
    private record CompletingWaker<T>(TaskHandle<T> handle, CompletableFuture<T> cf)
            implements Waker, Completion.Expiring {
        @Override
        public void wake() {
            Completion.Outcome<T> o = handle.task.outcome();
            try {
                cf.complete(handle.result(o));
            } catch (Throwable t) {
                cf.completeExceptionally(t);
            }
        }

        @Override
        public boolean expired() {
            return cf.isDone();
        }
    }

    /**
     * A {@link CompletableFuture} of the task's outcome: completed with the value, exceptionally
     * with the {@link TaskPanicException} or the cancellation. Cancelling it (or completing it
     * otherwise) before the task finished cancels the task. Its untimed {@code join()} and {@code
     * get()}, and those of the futures derived from it ({@code thenApply}, ...), throw {@link
     * IllegalStateException} when called unfinished inside a poll: they would block an executor
     * thread, on a one-thread executor for ever (await the handle as a future there). Its own
     * untimed {@code join()} and {@code get()} also throw it, as {@link #join()} does, for an
     * unfinished task of a {@link LocalExecutor} that no thread drives (ADR 0066). On a worker of a
     * {@link dev.braid.pool.WorkStealingPool} they help the pool while the task is unfinished, as
     * {@link #join()} does there (ADR 0138). Otherwise its waits are the JDK's: the ambient {@link
     * dev.braid.cancel.CancelScope} does not bound them (inside a scope, wait with {@link #join()},
     * which it does bound, or with a timed {@code get}). Each call registers a waker with the task
     * until the task finishes (or the returned future is completed or cancelled): call it once and
     * share the future.
     *
     * @return a new completable future tied to this task
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new RefusingFuture<>(this);
        Waker w = new CompletingWaker<>(this, cf);
        if (onComplete(w) != null) {
            w.wake();
        }
        cf.whenComplete(
                (v, ex) -> {
                    if (!isFinished()) {
                        cancel();
                    }
                });
        return cf;
    }

    @Override
    public String toString() {
        return "TaskHandle[" + task.describe() + "]";
    }

    /**
     * Refuses {@code Async.fromStage(h.toCompletableFuture())} polled by {@code h}'s own unfinished
     * task: it would wait for itself for ever, as awaiting {@code h} directly does (probe17, ADR
     * 0194). A future derived from that one does not know the handle and is not checked.
     */
    static void refuseOwnStage(java.util.concurrent.CompletionStage<?> stage) {
        if (stage instanceof RefusingFuture<?> f
                && f.handle != null
                && !f.isDone()
                && Interop.polling() == f.handle.task) {
            throw new IllegalStateException(
                    "task '"
                            + f.handle.task.name()
                            + "' awaits its own handle through Async.fromStage of its"
                            + " toCompletableFuture(): it would wait for itself for ever; return the"
                            + " value instead");
        }
    }

    /**
     * The future {@link #toCompletableFuture()} returns: an untimed wait on it inside a poll fails
     * fast (audit 7), as {@link #join()} does there; derived futures are of this class too.
     */
    private static final class RefusingFuture<T> extends CompletableFuture<T> {
        /** The handle it completes from; null for a derived future. */
        private final TaskHandle<?> handle;

        RefusingFuture(TaskHandle<?> handle) {
            this.handle = handle;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new RefusingFuture<>(null);
        }

        @Override
        public T join() {
            refuseInsideAPoll("join()");
            helpOnAPoolWorker();
            return super.join();
        }

        @Override
        public T get() throws InterruptedException, java.util.concurrent.ExecutionException {
            refuseInsideAPoll("get()");
            helpOnAPoolWorker();
            return super.get();
        }

        /**
         * On a pool worker, waits for the task as {@link TaskHandle#join()} does there, running
         * waiting pool work meanwhile (ADR 0138): the JDK's wait would hold the worker the task may
         * need, and a pool task waiting so for a task of a one-worker {@link PoolExecutor} on that
         * pool waited for ever (probe17). Not bounded by the ambient scope, as the JDK's wait is
         * not; an interrupt ends the help and leaves the status set for the JDK's wait.
         */
        private void helpOnAPoolWorker() {
            if (!isDone() && handle != null && WorkStealingPool.isWorkerThread()) {
                try {
                    handle.task.await(Deadline.never(), false, handle.task);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void refuseInsideAPoll(String what) {
            if (!isDone() && Interop.polling() != null) {
                RawTask<?> dropped = Interop.dropping();
                if (dropped != null) {
                    throw Interop.waitInDrop(
                            "toCompletableFuture()."
                                    + what
                                    + (handle == null
                                            ? ""
                                            : " on task '" + handle.task.name() + "'"),
                            dropped);
                }
                throw new IllegalStateException(
                        "toCompletableFuture()."
                                + what
                                + " inside a poll would block an executor thread (on a one-thread"
                                + " executor, for ever): await the handle as a future (then(...))"
                                + " instead");
            }
            if (!isDone() && handle != null) {
                handle.refuseUndrivenWait("toCompletableFuture()." + what, "wait");
            }
        }
    }
}
