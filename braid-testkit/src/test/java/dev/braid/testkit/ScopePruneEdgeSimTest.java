package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.AtomicRef;
import dev.braid.atomic.Ordering;
import dev.braid.atomic.Plain;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Scope;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code Threads.scope} still happens-after a child that a prune dropped, under the testkit too,
 * when the prune was made by a thread outside the scope (prune16). The scope's end joins the
 * children still queued; the ones a prune dropped it orders through the pruned-children queue's
 * edge. Before, only PoolScope's queue gave that edge: a read after the scope of what a pruned
 * child wrote was reported as a data race, though on the JVM the scope's end had acquired it.
 */
class ScopePruneEdgeSimTest {
    private static final int FIRST_PRUNE = 64; // the pruned-children queue's first threshold

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static void program() throws Exception {
        List<Plain<Integer>> written = new ArrayList<>();
        AtomicRef<Scope> shared = new AtomicRef<>(null);
        AtomicBool spawned = new AtomicBool(false);
        JoinHandle<Void> outsider =
                Threads.builder()
                        .name("outsider")
                        .spawn(
                                () -> {
                                    Scope s;
                                    while ((s = shared.load(Ordering.ACQUIRE)) == null) {
                                        Sim.yieldNow();
                                    }
                                    s.spawn(() -> {}); // the 64th child: this spawn prunes
                                    spawned.store(true, Ordering.RELAXED); // orders nothing
                                });
        Threads.scope(
                s -> {
                    List<JoinHandle<Void>> children = new ArrayList<>();
                    for (int i = 0; i < FIRST_PRUNE - 1; i++) {
                        Plain<Integer> cell = new Plain<>(0);
                        written.add(cell);
                        children.add(s.spawn(() -> cell.set(42)));
                    }
                    shared.store(s, Ordering.RELEASE);
                    while (!spawned.load(Ordering.RELAXED)) {
                        Sim.yieldNow();
                    }
                });
        for (Plain<Integer> cell : written) {
            assertThat(cell.get()).isEqualTo(42); // the scope has ended: every child has
        }
        outsider.join();
    }

    @Test
    void theEndOfAScopeHappensAfterTheChildrenAPruneDropped() {
        Simulation sim = Simulation.builder().seed(16).schedules(300).build();
        Exploration e = sim.explore(ScopePruneEdgeSimTest::program);
        assertThat(e.passed()).as(e.message()).isTrue();
    }
}
