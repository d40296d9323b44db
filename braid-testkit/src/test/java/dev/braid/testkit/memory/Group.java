package dev.braid.testkit.memory;

import dev.braid.testkit.Sim;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The threads of one litmus run, spawned together in an order drawn from the schedule's seed. A
 * uniformly random scheduler favours threads spawned early; shuffling the spawn order evens out the
 * interleavings so every allowed outcome shows up within a few thousand schedules.
 */
final class Group {
    private final List<Callable<?>> bodies = new ArrayList<>();
    private final List<JoinHandle<?>> handles = new ArrayList<>();

    /** A thread of the group, joinable once the group has started. */
    static final class Slot<T> {
        private final Group group;
        private final int index;

        private Slot(Group group, int index) {
            this.group = group;
            this.index = index;
        }

        @SuppressWarnings("unchecked")
        T join() throws InterruptedException {
            group.start();
            return (T) group.handles.get(index).join();
        }
    }

    <T> Slot<T> add(Callable<T> body) {
        bodies.add(body);
        return new Slot<>(this, bodies.size() - 1);
    }

    Slot<Void> add(Runnable body) {
        return add(
                () -> {
                    body.run();
                    return null;
                });
    }

    private void start() {
        if (!handles.isEmpty()) {
            return;
        }
        int n = bodies.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = Sim.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        JoinHandle<?>[] spawned = new JoinHandle<?>[n];
        for (int i : order) {
            spawned[i] = Threads.spawn(bodies.get(i));
        }
        handles.addAll(List.of(spawned));
    }
}
