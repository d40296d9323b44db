package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;
import java.util.Arrays;

/**
 * What one run looked like, for strategies that need an estimate of a run's length: how many choice
 * points it had (PCT places its change points among them) and how many operations each task
 * announced (SURW weighs tasks by what they have left).
 *
 * @param choicePoints scheduling points with two or more options
 * @param perTask operations announced per task id (SPIN, YIELD and CLOCK not counted)
 */
public record Profile(int choicePoints, int[] perTask) {
    /** Copies the array. */
    public Profile {
        perTask = perTask.clone();
    }

    /** Operations announced by {@code task}, 0 if the profiled run had no such task. */
    int operations(int task) {
        return task < perTask.length ? perTask[task] : 0;
    }

    /** Whether SURW counts {@code op} as an operation of its thread. */
    static boolean counted(Op op) {
        return op != Op.SPIN && op != Op.YIELD && op != Op.CLOCK;
    }

    /** Wraps a strategy and records the profile of its run. */
    static final class Recorder implements Strategy {
        private final Strategy inner;
        private int choices;
        private int[] perTask = new int[4];

        Recorder(Strategy inner) {
            this.inner = inner;
        }

        Profile profile() {
            return new Profile(choices, perTask);
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public long seed() {
            return inner.seed();
        }

        @Override
        public int choose(int[] runnable, int count, int current, Op op, long step) {
            choices++;
            return inner.choose(runnable, count, current, op, step);
        }

        @Override
        public int chooseMemory(int count, int current, long step) {
            return inner.chooseMemory(count, current, step);
        }

        @Override
        public void onSpawn(int id) {
            inner.onSpawn(id);
        }

        @Override
        public void onYield(int task, Op op, Object resource) {
            if (counted(op)) {
                if (task >= perTask.length) {
                    perTask = Arrays.copyOf(perTask, Math.max(task + 1, perTask.length * 2));
                }
                perTask[task]++;
            }
            inner.onYield(task, op, resource);
        }

        @Override
        public String finish(int choicesMade, int fingerprint) {
            return inner.finish(choicesMade, fingerprint);
        }
    }
}
