package dev.braid.async;

import static dev.braid.async.OpenedExecutors.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.StealingSchedulerTest.CountDown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A ThreadedExecutor worker replaces its polling cell (with its LIFO slot and injector batch) every
 * few thousand runs so the cell stays young (ADR 0165). Here every run, so each test crosses many
 * replacements: the thread's cell and the worker's must stay one, or the task being polled is lost
 * to {@code Interop.polling()} (misuse checks) or to the dump; and a cell is replaced only while it
 * holds no task, or a kept batch or a LIFO task would be lost (never run).
 */
class WorkerCellRenewalTest {
    private static final Duration BOUND = OpenedExecutors.BOUND;

    private final OpenedExecutors opened = new OpenedExecutors();

    /** One worker that takes a fresh cell before every run it can. */
    private ThreadedExecutor open() {
        return opened.add(ThreadedExecutor.createRenewingCells("cells", 1, 1));
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        opened.closeAll("a task lost with a replaced cell keeps one open");
    }

    /** Runs {@code n} one-poll tasks one after another: n runs, so n chances to renew. */
    private static void runSome(ThreadedExecutor ex, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            joined(ex.spawn("warm-" + i, done()));
        }
    }

    private static Async<Void> done() {
        return cx -> Poll.ready(null);
    }

    /** Spins (bounded) until {@code release} is set, having counted {@code started} down. */
    private static void spin(AtomicBoolean release, CountDown started) {
        started.down();
        long until = System.nanoTime() + BOUND.toNanos();
        while (!release.get() && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @Test
    void theTaskBeingPolledIsTheThreadsAndTheDumpsAfterReplacements() throws Exception {
        ThreadedExecutor ex = open();
        runSome(ex, 8);
        long before = ex.cellsMade();
        assertThat(before).as("cells replaced by 8 runs").isGreaterThanOrEqualTo(7);
        AtomicBoolean release = new AtomicBoolean();
        CountDown started = new CountDown(1);
        AtomicReference<Object> seenByThread = new AtomicReference<>();
        AtomicReference<Object> self = new AtomicReference<>();
        TaskHandle<Void> busy =
                ex.spawn(
                        "busy",
                        cx -> {
                            self.set(cx); // a task polls with itself as the context
                            seenByThread.set(Interop.polling());
                            spin(release, started);
                            return Poll.ready(null);
                        });
        started.await();
        List<String> dump = ex.dumpTasks();
        release.set(true);
        joined(busy);
        assertThat(ex.cellsMade()).as("a fresh cell for this run too").isGreaterThan(before);
        assertThat(seenByThread.get())
                .as("Interop.polling() inside the poll (the thread-local follows the cell)")
                .isSameAs(self.get());
        assertThat(dump).as("dump %s", dump).hasSize(1);
        assertThat(dump.getFirst()).startsWith("task 'busy'").contains("running");
    }

    @Test
    void aLifoTaskAndTheLocalQueueOutliveReplacements() throws Exception {
        ThreadedExecutor ex = open();
        runSome(ex, 4);
        AtomicBoolean release = new AtomicBoolean();
        CountDown started = new CountDown(1);
        List<TaskHandle<Void>> kids = new ArrayList<>();
        AtomicInteger polls = new AtomicInteger();
        TaskHandle<Void> busy =
                ex.spawn(
                        "busy",
                        cx -> {
                            if (polls.getAndIncrement() == 0) { // a yield: linked after this poll
                                cx.waker().wake();
                                return Poll.pending();
                            }
                            // a second poll: its spawns go to the cell's LIFO slot, the ones
                            // displaced from it to the local queue (no first-poll hand-off)
                            for (int i = 0; i < 4; i++) {
                                kids.add(ex.spawn("kid-" + i, done()));
                            }
                            spin(release, started);
                            return Poll.ready(null);
                        });
        started.await();
        int local = ex.locallyQueued();
        List<String> dump = ex.dumpTasks();
        release.set(true);
        joined(busy);
        for (TaskHandle<Void> h : kids) {
            joined(h); // kid-3 sat in the slot while the worker renewed its cell
        }
        assertThat(local).as("kids in the local queue (one more in the LIFO slot)").isEqualTo(3);
        assertThat(dump).as("dump %s", dump).hasSize(5);
        for (int i = 0; i < 4; i++) {
            String kid = "task 'kid-" + i + "'";
            assertThat(dump).as("dump %s", dump).anyMatch(l -> l.startsWith(kid));
        }
        assertThat(ex.dumpTasks()).isEmpty();
    }

    @Test
    void aKeptBatchIsNotReplacedAway() throws Exception {
        ThreadedExecutor ex = open();
        runSome(ex, 4);
        AtomicBoolean releaseGate = new AtomicBoolean();
        CountDown gateStarted = new CountDown(1);
        TaskHandle<Void> gate =
                ex.spawn(
                        "gate",
                        cx -> {
                            spin(releaseGate, gateStarted);
                            return Poll.ready(null);
                        });
        gateStarted.await();
        // while the worker is busy: a spinner and five more into the injector, which the sole
        // worker then takes in one batch and keeps in its cell (ADR 0099)
        AtomicBoolean release = new AtomicBoolean();
        CountDown started = new CountDown(1);
        TaskHandle<Void> busy =
                ex.spawn(
                        "busy",
                        cx -> {
                            spin(release, started);
                            return Poll.ready(null);
                        });
        List<TaskHandle<Void>> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(ex.spawn("batch-" + i, done()));
        }
        releaseGate.set(true);
        joined(gate);
        started.await();
        List<String> dump = ex.dumpTasks();
        release.set(true);
        joined(busy);
        for (TaskHandle<Void> h : batch) {
            joined(h);
        }
        assertThat(dump).as("busy and the kept batch in %s", dump).hasSize(6);
        assertThat(ex.dumpTasks()).isEmpty();
    }

    @Test
    void aChainOfSpawnsHandedOffAcrossReplacementsRunsInOrder() throws Exception {
        ThreadedExecutor ex = open();
        int hops = 2_000;
        List<Integer> order = new ArrayList<>(); // written by the one worker only
        CountDown done = new CountDown(1);
        ex.spawn("hop-0", hop(ex, 0, hops, order, done));
        done.await();
        assertThat(order).hasSize(hops);
        for (int i = 0; i < hops; i++) {
            assertThat(order.get(i)).isEqualTo(i);
        }
        assertThat(ex.cellsMade())
                .as("cells replaced along the chain")
                .isGreaterThanOrEqualTo(hops - 1);
    }

    /** A task that records its number and spawns the next (from its first poll: a hand-off). */
    private static Async<Void> hop(
            ThreadedExecutor ex, int i, int hops, List<Integer> order, CountDown done) {
        return cx -> {
            order.add(i);
            if (i + 1 < hops) {
                ex.spawn("hop-" + (i + 1), hop(ex, i + 1, hops, order, done));
            } else {
                done.down();
            }
            return Poll.ready(null);
        };
    }
}
