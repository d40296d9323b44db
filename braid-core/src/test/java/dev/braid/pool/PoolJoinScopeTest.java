package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.channel.Channel;
import dev.braid.thread.PanicException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which {@link CancelScope} a task runs in, for every way work enters the pool (docs/pool.md's
 * table, ADR 0131): the halves of {@code join}/{@code joinLong} run in the caller's scope wherever
 * they run (stolen, or with the whole join called from outside the pool), and a stop by that scope
 * surfaces as the {@link CancelledException} itself; {@code submit} and {@link PoolTask} forks do
 * not carry it (ADR 0124, 0131). The stolen-half and outside cases hung before ADR 0131: a bound
 * only turns a hang into a failure.
 */
class PoolJoinScopeTest {
    private static final Duration HANG = Duration.ofSeconds(60);
    private static final Duration SOON = Duration.ofMillis(100);

    private final WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build();

    @AfterEach
    void close() {
        pool.shutdownNow(); // interrupts a half left blocked by a failing case
        pool.close();
    }

    /**
     * A join whose second half is stolen for sure: the first half waits (in a braid wait, bounded
     * by the caller's scope) until the second has started on the other worker.
     */
    private static <B> B joinWithStolenSecond(
            WorkStealingPool pool, Channel<Integer> started, Callable<B> second) {
        return pool.join(
                        () -> started.recv(),
                        () -> {
                            started.send(1);
                            return second.call();
                        })
                .second();
    }

    /**
     * A half that only a stop of its scope ends: checkpoints in a loop (an interrupt from {@code
     * shutdownNow} ends it too, so that a failing case does not leave a spinning worker).
     */
    private static long spinAtCheckpoints() {
        while (!Thread.currentThread().isInterrupted()) {
            CancelScope.checkpoint();
            Thread.onSpinWait();
        }
        throw new IllegalStateException("interrupted: the scope never stopped this half");
    }

    /** {@code started.recv()} for a {@code LongSupplier} half. */
    private static long await(Channel<Integer> started) {
        try {
            return started.recv();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code started.send(1)} for a {@code LongSupplier} half. */
    private static void signal(Channel<Integer> started) {
        try {
            started.send(1);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs {@code body} as a task of the pool and returns what its join threw there (null if it
     * returned), bounded by {@link #HANG}.
     */
    private RuntimeException stopInTask(Callable<?> body) {
        return assertTimeoutPreemptively(
                HANG,
                () ->
                        inTask(
                                () -> {
                                    try {
                                        body.call();
                                        return null;
                                    } catch (RuntimeException e) {
                                        return e;
                                    }
                                }));
    }

    /** Calls {@code join} from this (outside) thread inside a {@link #SOON} deadline: it stops. */
    private static void assertTheDeadlineStops(Callable<?> join) {
        assertTimeoutPreemptively(
                HANG,
                () ->
                        assertThatThrownBy(() -> CancelScope.withTimeout(SOON, join::call))
                                .isInstanceOf(DeadlineExceededException.class));
    }

    /** Runs {@code body} as a task of the pool and returns its value or rethrows its failure. */
    private <T> T inTask(Callable<T> body) throws Exception {
        return pool.submit(body).join();
    }

    @Test
    void aDeadlineAroundAJoinInsideThePoolStopsTheStolenHalf() {
        Channel<Integer> never = Channel.rendezvous();
        Channel<Integer> started = Channel.bounded(1);
        assertTimeoutPreemptively(
                HANG,
                () ->
                        assertThatThrownBy(
                                        () ->
                                                inTask(
                                                        () ->
                                                                CancelScope.withTimeout(
                                                                        SOON,
                                                                        () ->
                                                                                joinWithStolenSecond(
                                                                                        pool,
                                                                                        started,
                                                                                        never
                                                                                                ::recv))))
                                .isInstanceOf(PanicException.class) // the task's own handle
                                .hasCauseInstanceOf(DeadlineExceededException.class));
        assertThat(never.blockedReceivers()).isZero();
    }

    @Test
    void aJoinInsideThePoolRethrowsTheStopOfItsStolenHalfAsItIs() {
        Channel<Integer> never = Channel.rendezvous();
        Channel<Integer> started = Channel.bounded(1);
        Throwable stop =
                stopInTask(
                        () ->
                                CancelScope.withTimeout(
                                        SOON,
                                        () -> joinWithStolenSecond(pool, started, never::recv)));
        assertThat(stop)
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("receive");
    }

    @Test
    void aCancelledTokenAroundAJoinLongInsideThePoolStopsTheStolenHalf() {
        Channel<Integer> started = Channel.bounded(1);
        CancellationSource request = new CancellationSource();
        Throwable stop =
                stopInTask(
                        () ->
                                CancelScope.withToken(
                                        request.token(),
                                        () ->
                                                pool.joinLong(
                                                        () -> {
                                                            await(started);
                                                            request.cancel("user pressed stop");
                                                            return 1L;
                                                        },
                                                        () -> {
                                                            signal(started);
                                                            return spinAtCheckpoints();
                                                        },
                                                        Long::sum)));
        assertThat(stop)
                .isInstanceOf(CancelledException.class)
                .isNotInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("user pressed stop");
    }

    @Test
    void aDeadlineAroundAJoinFromOutsideThePoolStopsBothHalves() {
        Channel<Integer> never = Channel.rendezvous();
        assertTheDeadlineStops(() -> pool.join(never::recv, never::recv));
        assertThat(never.blockedReceivers()).isZero();
    }

    @Test
    void aDeadlineAroundAJoinLongFromOutsideStopsAStolenCheckpointLoop() {
        Channel<Integer> started = Channel.bounded(1);
        assertTheDeadlineStops(
                () ->
                        pool.joinLong(
                                () -> await(started),
                                () -> {
                                    signal(started);
                                    return spinAtCheckpoints();
                                },
                                Long::sum));
    }

    @Test
    void bothHalvesRunInTheCallersScopeWhereverTheyRun() throws Exception {
        Deadline d = Deadline.after(Duration.ofMinutes(5));
        Channel<Integer> started = Channel.bounded(1);
        // from outside: both halves on workers, the second stolen
        Deadline[] outside =
                CancelScope.withDeadline(
                        d,
                        () -> {
                            var r =
                                    pool.join(
                                            () -> {
                                                started.recv();
                                                return CancelScope.current().deadline();
                                            },
                                            () -> {
                                                started.send(1);
                                                return CancelScope.current().deadline();
                                            });
                            return new Deadline[] {r.first(), r.second()};
                        });
        assertThat(outside).containsExactly(d, d);
        // inside: the stolen half
        Deadline inside =
                inTask(
                        () ->
                                CancelScope.withDeadline(
                                        d,
                                        () ->
                                                joinWithStolenSecond(
                                                        pool,
                                                        started,
                                                        () -> CancelScope.current().deadline())));
        assertThat(inside).isEqualTo(d);
    }

    @Test
    void withNoScopeTheHalvesRunWithNone() throws Exception {
        Channel<Integer> started = Channel.bounded(1);
        assertThat(pool.join(() -> CancelScope.current().isActive(), () -> false).first())
                .isFalse();
        assertThat(
                        inTask(
                                () ->
                                        joinWithStolenSecond(
                                                pool,
                                                started,
                                                () -> CancelScope.current().isActive())))
                .isFalse();
    }

    @Test
    void aHalfThatThrowsItsOwnDeadlineOutsideAStoppedScopeIsStillAPanic() {
        assertThatThrownBy(
                        () ->
                                pool.join(
                                        () ->
                                                CancelScope.withTimeout(
                                                        Duration.ZERO,
                                                        () -> Channel.<Integer>rendezvous().recv()),
                                        () -> 0))
                .isInstanceOf(PanicException.class)
                .hasCauseInstanceOf(DeadlineExceededException.class);
    }

    // ---- the rest of the table: what does not carry the scope, pinned ----

    @Test
    void submittedTasksRunWithoutTheSubmittersScopeFromOutsideAndInside() throws Exception {
        AtomicReference<Boolean> inside = new AtomicReference<>();
        boolean outside =
                CancelScope.withTimeout(
                        Duration.ofMinutes(5),
                        () -> pool.submit(() -> CancelScope.current().isActive()).join());
        boolean view =
                CancelScope.withTimeout(
                        Duration.ofMinutes(5),
                        () ->
                                pool.asExecutorService()
                                        .submit(() -> CancelScope.current().isActive())
                                        .get());
        inTask(
                () ->
                        CancelScope.withTimeout(
                                Duration.ofMinutes(5),
                                () -> {
                                    // the view's submissions are stealable (ADR 0108):
                                    // another worker runs it while this one spins
                                    var h =
                                            pool.asExecutorService()
                                                    .submit(() -> CancelScope.current().isActive());
                                    while (!h.isDone()) {
                                        Thread.onSpinWait();
                                    }
                                    inside.set(h.get());
                                    return null;
                                }));
        assertThat(outside).isFalse();
        assertThat(view).isFalse();
        assertThat(inside.get()).isFalse();
        // one exception: a task that a join runs while it helps (here the submitter's own join,
        // which takes the task back from its LIFO slot) runs in the joiner's scope
        boolean helped =
                inTask(
                        () ->
                                CancelScope.withTimeout(
                                        Duration.ofMinutes(5),
                                        () ->
                                                pool.submit(() -> CancelScope.current().isActive())
                                                        .join()));
        assertThat(helped).isTrue();
    }

    @Test
    void scopeTasksRunInTheSpawnersScope() {
        Deadline d = Deadline.after(Duration.ofMinutes(5));
        AtomicReference<Deadline> seen = new AtomicReference<>();
        CancelScope.withDeadline(
                d,
                () -> {
                    pool.scope(s -> s.spawn(() -> seen.set(CancelScope.current().deadline())));
                    return null;
                });
        assertThat(seen.get()).isEqualTo(d);
    }

    /** A PoolTask that reports whether it ran in an active scope. */
    static final class SeesScope extends PoolTask<Boolean> {
        @Override
        protected Boolean compute() {
            return CancelScope.current().isActive();
        }
    }

    @Test
    void poolTasksDoNotCarryTheScopeWhenSubmittedOrStolen() throws Exception {
        boolean invoked =
                CancelScope.withTimeout(Duration.ofMinutes(5), () -> pool.invoke(new SeesScope()));
        assertThat(invoked).isFalse();
        boolean stolen =
                inTask(
                        () ->
                                CancelScope.withTimeout(
                                        Duration.ofMinutes(5),
                                        () -> {
                                            SeesScope t = new SeesScope();
                                            t.fork();
                                            while (!t.isFinished()) { // never joined: a thief runs
                                                // it
                                                Thread.onSpinWait();
                                            }
                                            return t.join();
                                        }));
        assertThat(stolen).isFalse();
        boolean inPlace =
                inTask(
                        () ->
                                CancelScope.withTimeout(
                                        Duration.ofMinutes(5), () -> new SeesScope().invoke()));
        assertThat(inPlace).as("invoke() runs on the caller, in its scope").isTrue();
    }
}
