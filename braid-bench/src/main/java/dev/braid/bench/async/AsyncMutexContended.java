package dev.braid.bench.async;

import dev.braid.async.Async;
import dev.braid.async.AsyncExecutor;
import dev.braid.async.AsyncMutex;
import dev.braid.async.Context;
import dev.braid.async.Poll;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A contended critical section: {@value #WORKERS} workers each enter it {@value #ROUNDS} times and
 * bump a plain counter. braid: tasks on a {@link BraidExecutor} taking an {@link AsyncMutex}
 * (waiting is pending, FIFO hand-off). Peer: one virtual thread per worker around a fair {@code
 * Semaphore(1)} (a waiting virtual thread unmounts; FIFO as well). Time per whole workload; the
 * final count is checked so the section cannot be optimised away or run unguarded.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class AsyncMutexContended {
    static final int WORKERS = 8;
    static final int ROUNDS = 500;

    /** The guarded counter and the countdown of workers left. */
    static final class Shared {
        int counter; // guarded by the lock under test
        final AtomicInteger left = new AtomicInteger(WORKERS);
        final CompletableFuture<Integer> done = new CompletableFuture<>();

        void workerDone() {
            if (left.decrementAndGet() == 0) {
                done.complete(counter);
            }
        }
    }

    /** A task that takes the mutex {@link #ROUNDS} times, bumping the counter under it. */
    static Async<Void> locker(AsyncMutex m, Shared s) {
        return new Async<>() {
            int round;
            Async<AsyncMutex.Guard> pending;

            @Override
            public Poll<Void> poll(Context cx) {
                while (round < ROUNDS) {
                    if (pending == null) {
                        pending = m.lock();
                    }
                    if (!(pending.poll(cx) instanceof Poll.Ready<AsyncMutex.Guard>(var g))) {
                        return Poll.pending();
                    }
                    pending = null;
                    s.counter++;
                    g.close();
                    round++;
                }
                s.workerDone();
                return Poll.ready(null);
            }
        };
    }

    static int check(int count) {
        if (count != WORKERS * ROUNDS) {
            throw new IllegalStateException("lost updates: " + count);
        }
        return count;
    }

    /**
     * The tasks on a braid executor.
     *
     * @param b the executor
     * @return the final count
     */
    @Benchmark
    public int braidAsyncMutex(BraidExecutor b) {
        AsyncExecutor ex = b.ex;
        AsyncMutex m = new AsyncMutex("bench");
        Shared s = new Shared();
        for (int i = 0; i < WORKERS; i++) {
            ex.spawn(locker(m, s));
        }
        return check(s.done.join());
    }

    /**
     * The peer: virtual threads around a fair semaphore of one permit.
     *
     * @return the final count
     */
    @Benchmark
    public int virtualThreadsSemaphore() {
        Semaphore sem = new Semaphore(1, true);
        Shared s = new Shared();
        for (int i = 0; i < WORKERS; i++) {
            Thread.ofVirtual()
                    .start(
                            () -> {
                                for (int k = 0; k < ROUNDS; k++) {
                                    sem.acquireUninterruptibly();
                                    try {
                                        s.counter++;
                                    } finally {
                                        sem.release();
                                    }
                                }
                                s.workerDone();
                            });
        }
        return check(s.done.join());
    }
}
