package dev.braid.testkit.internal;

import dev.braid.testkit.SimResult;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs schedules 1.. of a randomized exploration on one or more worker threads, each an independent
 * engine that is also the carrier of its runs, until the first failure or the end; optionally only
 * one shard's indexes.
 */
final class Sweep {
    /*
     * Implementation notes
     *
     * Algorithm. Workers claim schedule indexes in increasing order from one counter (next), CLAIM
     * at a time (a block runs in order; one shared increment per block, not per schedule). A
     * failure at index f lowers `failed` (the smallest failing index so far, CAS) and workers stop
     * claiming indexes above it; the ones they already claimed below it still run. When all
     * workers are done, every index below the smallest failing one has run and passed, so the
     * reported failure is the one a sequential run reports: the first failing index, with the same
     * schedule (schedule i depends only on the base seed, i and schedule 0's profile, which is
     * computed before the workers start and published by Thread.start).
     *
     * Shards. Shard k of n runs the indexes i >= 1 with i mod n = k (schedule 0, the profiling run,
     * runs in every shard), so n machines together run the schedules of one long exploration.
     *
     * State. The engine keeps all per-run state in its Scheduler and routes seam calls by a
     * ScopedValue bound on each simulated thread, so runs on different controller threads do not
     * meet; Rt's simulator is installed once per JVM and is stateless. Shared here: the claim
     * counter (once per block), `done` (a LongAdder: each worker thread adds to its own cell),
     * `failed` (read per schedule, written only at a failure) and the failure (written under the
     * CAS winner's index, read after join).
     *
     * Workers. Each worker is a platform thread that is the controller and the carrier of its runs
     * (Engine.runInline, ADR 0068), also with parallelism 1, so a schedule never wakes another
     * thread. A run whose simulated thread holds its worker forever (a spin without yield points)
     * is reported by the shared Watchdog, which records it and starts a replacement worker (it
     * registers in `live` before the held one's party leaves, so the phase cannot advance early).
     *
     * Progress. An exploration that runs longer than PROGRESS_NANOS prints one line per period to
     * standard error: schedules done, schedules per second, failures.
     */

    static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Indexes a worker claims at once. */
    private static final int CLAIM = 8;

    private final Explorer explorer;
    private final int schedules;
    private final int workers;
    private final int shard;
    private final int shards;
    private final boolean progress;
    private final AtomicInteger next = new AtomicInteger();
    private final LongAdder done = new LongAdder();
    private final AtomicInteger failed = new AtomicInteger(Integer.MAX_VALUE);
    private final ConcurrentHashMap<Integer, SimResult> byIndex = new ConcurrentHashMap<>();
    private volatile boolean stop;
    private volatile Throwable crash;

    /** The first failure (smallest index), after {@link #run()}. */
    SimResult failure;

    Sweep(Explorer explorer, SearchConfig config) {
        this.explorer = explorer;
        this.schedules = config.schedules();
        this.workers = Math.max(1, config.parallelism());
        this.shard = config.shard();
        this.shards = config.shards();
        this.progress = config.progress();
    }

    /** Schedules run by this sweep. */
    int ran() {
        return done.intValue();
    }

    /** Schedules of this shard up to and including the failure, counting schedule 0. */
    int ranUpToFailure() {
        int f = failed.get();
        int count = 1;
        for (int m = 0; ; m++) {
            int i = index(m);
            if (i > f) {
                return count;
            }
            count++;
        }
    }

    /** The m-th schedule index of this shard after schedule 0. */
    private int index(int m) {
        int i = shard + m * shards;
        return shard == 0 ? i + shards : i;
    }

    void run() {
        long start = System.nanoTime();
        Phaser live = new Phaser(1); // this thread's party; each worker registers its own
        for (int w = 0; w < workers; w++) {
            startWorker(live, "braid-explore-" + w, 0, 0);
        }
        int phase = live.arrive();
        long report = start + PROGRESS_NANOS;
        boolean interrupted = false;
        while (true) {
            try {
                live.awaitAdvanceInterruptibly(phase, 200, TimeUnit.MILLISECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                stop = true; // stop claiming; let the running schedules end
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                if (now - report >= 0) {
                    report(now - start);
                    report = now + PROGRESS_NANOS;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (crash instanceof RuntimeException e) {
            throw e;
        } else if (crash instanceof Error e) {
            throw e;
        } else if (crash != null) {
            throw new IllegalStateException(crash);
        }
        int f = failed.get();
        failure = f == Integer.MAX_VALUE ? null : byIndex.get(f);
    }

    /**
     * Starts a worker: a platform thread that claims schedules and is the carrier of their runs
     * (one engine, one thread: ADR 0068), beginning with the claimed indexes {@code from} up to
     * {@code to} (m values; none when equal).
     */
    private void startWorker(Phaser live, String name, int from, int to) {
        live.register();
        Thread.ofPlatform()
                .name(name)
                .daemon()
                .start(
                        () -> {
                            try {
                                // the block lives in locals, not in an object: two workers' block
                                // objects, written at every schedule, ended up on one cache line
                                int m = from;
                                int end = to;
                                while (true) {
                                    if (m == end) {
                                        m = next.getAndAdd(CLAIM);
                                        end = m + CLAIM;
                                    }
                                    int claimed = m++;
                                    if (!work(live, name, claimed, m, end)) {
                                        break;
                                    }
                                }
                            } catch (Engine.Superseded e) {
                                return; // the rescuer recorded the run and took over our party
                            } catch (Throwable e) {
                                crash = e;
                                stop = true;
                            }
                            live.arriveAndDeregister();
                        });
    }

    /**
     * Runs claimed index {@code m}; false if it is past the end, the first failure or a stop. A
     * replacement worker for a held run takes over the rest of the block, {@code restFrom} to
     * {@code restTo}.
     */
    private boolean work(Phaser live, String name, int m, int restFrom, int restTo) {
        int i = index(m);
        if (stop || m < 0 || i < 0 || i >= schedules || i > failed.get()) {
            return false;
        }
        SimResult r =
                explorer.runSchedule(
                        i,
                        rescued -> {
                            // a simulated thread holds this worker: report its run, go on with
                            // a new worker (it takes over the rest of the block), and give up
                            // this one's party
                            record(i, rescued);
                            startWorker(live, name + "+", restFrom, restTo);
                            live.arriveAndDeregister();
                        });
        record(i, r);
        return true;
    }

    private void record(int i, SimResult r) {
        done.increment();
        if (r.isFailure()) {
            byIndex.put(i, r);
            int f;
            do {
                f = failed.get();
            } while (i < f && !failed.compareAndSet(f, i));
        }
    }

    private void report(long elapsedNanos) {
        if (!progress) {
            return;
        }
        int n = done.intValue() + 1;
        double perSecond = n / (elapsedNanos / 1e9);
        int f = failed.get() == Integer.MAX_VALUE ? 0 : 1;
        PrintStream err = System.err;
        err.println(
                String.format(
                        Locale.ROOT,
                        "braid explore: %d of %d schedules, %.0f schedules/s, %d failure(s)",
                        n,
                        schedules,
                        perSecond,
                        f));
    }
}
