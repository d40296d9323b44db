package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.async.StealingSchedulerTest.CountDown;
import dev.braid.cancel.CancelledException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Count lanes (ADR 0141, on by default; {@code -Dbraid.async.countLanes=false} turns them off): a
 * worker counts the tasks it spawns and the first runs it ends in cells of its own, with plain
 * stores. The registry must sum the lanes with its shared cells, so emptiness, the dump's count
 * line and close() see every lane; and a worker that exits wakes the others to look again. The
 * executor test runs with lanes on and off, so the off path stays covered whatever the default.
 */
class CountLanesTest {

    /** A registry with two lanes whose scheduler runs nothing and counts spawns in lane 1. */
    private static TaskRegistry twoLanes() {
        return new TaskRegistry(
                "lanes",
                new TaskScheduler() {
                    @Override
                    public void schedule(RawTask<?> task) {}

                    @Override
                    public void scheduleSpawned(RawTask<?> task, TaskRegistry counts) {
                        counts.countSpawned(task, 1);
                        schedule(task);
                    }

                    @Override
                    public void completed(RawTask<?> task) {}
                },
                null,
                2);
    }

    /** The polling cell of a thread that owns lane {@code lane} of {@code reg}. */
    private static Interop.Polling laneCell(TaskRegistry reg, int lane) {
        Interop.Polling cell = new Interop.Polling();
        cell.laneOwner = reg;
        cell.lane = lane;
        return cell;
    }

    @Test
    void spawnsAndFirstRunsCountedInLanesAddUpWithTheSharedCells() {
        TaskRegistry reg = twoLanes();
        TaskHandle<Integer> a = reg.spawn("a", Async.ready(1), null); // lane 1
        TaskHandle<Integer> b = reg.spawn("b", cx -> Poll.pending(), null); // lane 1
        assertThat(reg.unstarted()).isEqualTo(2);
        assertThat(reg.isEmpty()).isFalse();
        a.raw().run(laneCell(reg, 0)); // started in lane 0: lanes are summed across
        assertThat(reg.unstarted()).isEqualTo(1);
        reg.republishLane(0); // an exiting worker's volatile re-store changes no count
        reg.republishLane(1);
        assertThat(reg.unstarted()).isEqualTo(1);
        b.raw().run(new Interop.Polling()); // no lane: the shared started cell
        assertThat(reg.unstarted()).isZero();
        assertThat(reg.linked()).as("pending: linked by its first poll").isEqualTo(1);
        assertThat(reg.dump()).hasSize(1).allMatch(l -> l.startsWith("task 'b'"));
        assertThat(reg.isEmpty()).isFalse();
        reg.close();
        b.raw().run(laneCell(reg, 1));
        assertThat(reg.isEmpty()).isTrue();
        assertThatThrownBy(b::join).isInstanceOf(CancelledException.class);
    }

    @Test
    void aCellOfAnotherRegistryCountsInTheSharedCells() {
        TaskRegistry reg = twoLanes();
        TaskRegistry other = twoLanes();
        TaskHandle<Integer> a = reg.spawn("a", Async.ready(1), null);
        a.raw().run(laneCell(other, 0)); // this thread owns a lane of `other`, not of `reg`
        assertThat(reg.unstarted()).isZero();
        assertThat(other.unstarted()).isZero();
        assertThat(reg.isEmpty()).isTrue();
    }

    @Test
    void aLaneBeyondTheRegistrysLanesIsRefused() {
        TaskRegistry reg = twoLanes();
        RawTask<Integer> t = reg.spawn("a", Async.ready(1), null).raw();
        assertThatThrownBy(() -> reg.countSpawned(t, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lane");
    }

    static Async<Void> chain(AsyncExecutor ex, int n, CompletableFuture<Void> done) {
        return cx -> {
            if (n == 0) {
                done.complete(null);
            } else {
                ex.spawn(chain(ex, n - 1, done));
            }
            return Poll.ready(null);
        };
    }

    /**
     * A ThreadedExecutor counts in lanes unless {@code -Dbraid.async.countLanes=false} (read once:
     * this JVM's setting decides); one lane per worker.
     */
    @Test
    void lanesAreOnUnlessThePropertyTurnsThemOff() {
        String set = System.getProperty("braid.async.countLanes");
        boolean on = set == null || Boolean.parseBoolean(set);
        try (ThreadedExecutor ex = ThreadedExecutor.create("default", 3)) {
            assertThat(ex.countLanes()).as("braid.async.countLanes=%s", set).isEqualTo(on ? 3 : 0);
        }
        try (ThreadedExecutor ex = ThreadedExecutor.create("off", 3, false)) {
            assertThat(ex.countLanes()).isZero();
        }
    }

    /**
     * Chains, outside spawns and tasks left pending on two workers, lanes on and off; then close():
     * every pending task is cancelled, close() returns (every worker exited: none parked on a stale
     * read of another's lane), and the dump is empty. Fifty executors in a row.
     */
    @ParameterizedTest(name = "lanes {0}")
    @ValueSource(booleans = {true, false})
    void chainsAndOutsideSpawnsRunAndCloseEndsEveryWorker(boolean lanes) throws Exception {
        for (int round = 0; round < 50; round++) {
            ThreadedExecutor ex = ThreadedExecutor.create("lanes", 2, lanes);
            assertThat(ex.countLanes()).isEqualTo(lanes ? 2 : 0);
            CompletableFuture<Void> done = new CompletableFuture<>();
            ex.spawn(chain(ex, 2_000, done));
            AtomicInteger ran = new AtomicInteger();
            CountDown all = new CountDown(500);
            for (int i = 0; i < 500; i++) {
                ex.spawn(
                        cx -> {
                            ran.incrementAndGet();
                            all.down();
                            return Poll.ready(null);
                        });
            }
            List<TaskHandle<Void>> stuck = new ArrayList<>();
            CountDown spawned = new CountDown(1);
            ex.spawn(
                    cx -> {
                        for (int i = 0; i < 20; i++) {
                            synchronized (stuck) {
                                stuck.add(ex.spawn(c -> Poll.pending()));
                            }
                        }
                        spawned.down();
                        return Poll.ready(null);
                    });
            done.join();
            all.await();
            spawned.await();
            assertThat(ran).hasValue(500);
            ex.close();
            assertThat(ex.dumpTasks()).as("round %d", round).isEmpty();
            synchronized (stuck) {
                for (TaskHandle<Void> h : stuck) {
                    assertThat(h.isFinished()).isTrue();
                    assertThatThrownBy(h::join).isInstanceOf(CancelledException.class);
                }
            }
        }
    }
}
