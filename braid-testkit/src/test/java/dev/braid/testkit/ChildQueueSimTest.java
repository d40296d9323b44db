package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.Ordering;
import dev.braid.atomic.Plain;
import dev.braid.internal.util.ChildQueue;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pruned-children queue of the three scopes (ChildQueue) under the testkit: a prune racing an
 * add racing a scope's end. The prune's check of each child reads a braid atomic, so the explored
 * schedules interleave the pass over the queue with the other threads. At the end (drain, then
 * {@code awaitPrune()}): every child added before the drain began was either drained or dropped by
 * a prune, a dropped child had finished, and the end happens-after it (its plain write is read
 * without a race report).
 */
class ChildQueueSimTest {
    private static final int FIRST_PRUNE = 64; // ChildQueue.PRUNE_MIN

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** A child whose finish writes a plain cell, then publishes with a release store. */
    static final class Child {
        final int id;
        final Plain<Integer> payload = new Plain<>(0);
        final AtomicBool done = new AtomicBool(false);
        final AtomicBool added = new AtomicBool(false);

        Child(int id) {
            this.id = id;
        }

        void finish() {
            payload.set(42);
            done.store(true, Ordering.RELEASE);
        }

        @Override
        public String toString() {
            return "child " + id;
        }
    }

    private static void program() throws Exception {
        ConcurrentLinkedQueue<Child> dropped = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Child> droppedUnfinished = new ConcurrentLinkedQueue<>();
        ChildQueue<Child> q =
                new ChildQueue<>(
                        c -> c.done.load(Ordering.ACQUIRE),
                        c -> {
                            if (!c.done.load(Ordering.RELAXED)) {
                                droppedUnfinished.add(c);
                            }
                            dropped.add(c);
                        });
        List<Child> early = new ArrayList<>();
        for (int i = 0; i < FIRST_PRUNE - 2; i++) {
            Child c = new Child(i);
            if (i % 3 != 0) {
                c.finish();
            }
            early.add(c);
            q.add(c);
        }
        Child a = new Child(100);
        Child b = new Child(101);
        Child c = new Child(102);
        // two adders from outside the scope: one of them makes the 64th add and prunes
        JoinHandle<Void> adder1 = Threads.spawn(() -> addAll(q, a, b));
        JoinHandle<Void> adder2 = Threads.spawn(() -> addAll(q, c));
        JoinHandle<Void> finisher =
                Threads.spawn(
                        () -> {
                            a.finish();
                            early.get(0).finish();
                            c.finish();
                            b.finish();
                            early.get(3).finish();
                            return null;
                        });
        // the scope's end: what it must account for is what was added before its drain
        List<Child> mustSee = new ArrayList<>(early);
        for (Child late : List.of(a, b, c)) {
            if (late.added.load(Ordering.ACQUIRE)) {
                mustSee.add(late);
            }
        }
        List<Child> drained = new ArrayList<>();
        for (Child x; (x = q.poll()) != null; ) {
            drained.add(x);
        }
        q.awaitPrune();
        assertThat(droppedUnfinished).as("children dropped before they finished").isEmpty();
        for (Child x : mustSee) {
            assertThat(drained.contains(x) || dropped.contains(x))
                    .as("%s was added before the end's drain: drained or dropped", x)
                    .isTrue();
        }
        for (Child x : dropped) {
            assertThat(x.payload.get()).as("%s's write, seen by the end", x).isEqualTo(42);
        }
        adder1.join();
        adder2.join();
        finisher.join();
    }

    private static Void addAll(ChildQueue<Child> q, Child... children) {
        for (Child x : children) {
            q.add(x);
            x.added.store(true, Ordering.RELEASE);
        }
        return null;
    }

    @Test
    void aPruneRacingAnAddAndTheEndDropsOnlyFinishedChildrenAndLosesNone() {
        Simulation sim = Simulation.builder().seed(16).schedules(400).build();
        Exploration e = sim.explore(ChildQueueSimTest::program);
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(400);
    }
}
