package dev.braid.testkit.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;

/** Bugs whose minimal preemption count is known by construction. */
final class PlantedBugs {
    private PlantedBugs() {}

    /**
     * A lost update: two threads each load and then store {@code x + 1}. One preemption (between a
     * thread's load and its store) loses an update; no schedule without a preemption does.
     */
    static void lostUpdate() throws InterruptedException {
        AtomicI32 x = new AtomicI32(0);
        Runnable inc =
                () -> {
                    int v = x.load(Ordering.SEQ_CST);
                    x.store(v + 1, Ordering.SEQ_CST);
                };
        JoinHandle<Void> a = Threads.spawn(inc);
        JoinHandle<Void> b = Threads.spawn(inc);
        a.join();
        b.join();
        assertThat(x.load(Ordering.SEQ_CST)).as("x").isEqualTo(2);
    }

    /** A control: two threads increment with fetchAdd; never fails. */
    static void atomicCounter() throws InterruptedException {
        AtomicI32 x = new AtomicI32(0);
        Runnable inc = () -> x.fetchAdd(1, Ordering.SEQ_CST);
        JoinHandle<Void> a = Threads.spawn(inc);
        JoinHandle<Void> b = Threads.spawn(inc);
        a.join();
        b.join();
        assertThat(x.load(Ordering.SEQ_CST)).as("x").isEqualTo(2);
    }

    /**
     * Each of {@code n >= 2} threads raises its own flag, reads the next thread's flag, and lowers
     * its own. The assertion fails if every thread saw its neighbour's flag raised. Every thread
     * must be preempted inside its raise..lower window (a thread cannot block there, and a switch
     * at a thread's end comes after its window), so the bug needs exactly {@code n} preemptions:
     * with {@code n = 2} it is the classic depth-2 store-buffering shape. The root is thread 0.
     */
    static void ringOfFlags(int n) throws InterruptedException {
        AtomicI32[] flags = new AtomicI32[n];
        for (int i = 0; i < n; i++) {
            flags[i] = new AtomicI32(0);
        }
        List<JoinHandle<Integer>> others = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            int me = i;
            others.add(Threads.spawn(() -> window(flags, me)));
        }
        int seen = window(flags, 0);
        for (JoinHandle<Integer> h : others) {
            seen += h.join();
        }
        assertThat(seen).as("threads that saw their neighbour's flag").isLessThan(n);
    }

    private static int window(AtomicI32[] flags, int me) {
        flags[me].store(1, Ordering.SEQ_CST);
        int next = flags[(me + 1) % flags.length].load(Ordering.SEQ_CST);
        flags[me].store(0, Ordering.SEQ_CST);
        return next;
    }
}
