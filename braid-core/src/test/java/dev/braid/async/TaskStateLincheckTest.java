package dev.braid.async;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the task state machine (wake / run / cancel / complete) and the handle's
 * outcome: concurrent wakes, cancels and runs behave like some sequential order of them. The future
 * completes at its third poll and fails the run if two polls ever overlap; a stale or duplicated
 * queue entry makes a run throw; after each scenario the validation drains the queue and checks the
 * state word (no wake left without a queue entry, references exact).
 */
class TaskStateLincheckTest {
    // Smoke sizes by default (the model checker is slow on this state machine: ~10 s per 100
    // invocations here); the long run is ./mvnw -pl braid-core -Plincheck test -Dtest='*Lincheck*'.
    private static final int ITERATIONS = Integer.getInteger("braid.lincheck.iterations", 3);
    private static final int INVOCATIONS = Integer.getInteger("braid.lincheck.invocations", 100);

    /** The operations; Lincheck creates one instance per scenario. */
    public static class Ops {
        private final ConcurrentLinkedQueue<RawTask<?>> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean inPoll = new AtomicBoolean();
        private final RawTask<Integer> task;
        private final TaskHandle<Integer> handle;

        public Ops() {
            Async<Integer> thirdPoll =
                    new Async<>() {
                        int polls;

                        @Override
                        public Poll<Integer> poll(Context cx) {
                            if (!inPoll.compareAndSet(false, true)) {
                                throw new AssertionError("polled by two threads at once");
                            }
                            try {
                                return ++polls == 3 ? Poll.ready(polls) : Poll.pending();
                            } finally {
                                inPoll.set(false);
                            }
                        }
                    };
            TaskScheduler scheduler =
                    new TaskScheduler() {
                        @Override
                        public void schedule(RawTask<?> t) {
                            queue.add(t);
                        }

                        @Override
                        public void completed(RawTask<?> t) {}
                    };
            task = new RawTask<>("lincheck", 1, thirdPoll, scheduler, null);
            handle = new TaskHandle<>(task);
            scheduler.schedule(task);
        }

        @Operation
        public void wake() {
            task.wake();
        }

        @Operation
        public boolean cancel() {
            return handle.cancel();
        }

        @Operation
        public void run() {
            RawTask<?> t = queue.poll();
            if (t != null) {
                t.run(); // throws if the entry was stale (the task not NOTIFIED, or RUNNING)
            }
        }

        /**
         * After every scenario: drain the queue, then no wake may be pending without an entry (a
         * lost wake-up), and the references must be exactly the live set's (none once complete).
         */
        @Validate
        public void stateWordIsConsistent() {
            for (RawTask<?> t; (t = queue.poll()) != null; ) {
                t.run();
            }
            int s = task.state();
            int flags = s & (RawTask.REF_ONE - 1);
            int refs = s / RawTask.REF_ONE;
            boolean complete = (flags & RawTask.COMPLETE) != 0;
            if ((flags & (RawTask.NOTIFIED | RawTask.RUNNING)) != 0
                    || refs != (complete ? 0 : 1)
                    || complete != handle.isFinished()) {
                throw new IllegalStateException("inconsistent task state " + s);
            }
        }
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(ITERATIONS)
                .invocationsPerIteration(INVOCATIONS * 2)
                .threads(3)
                .actorsPerThread(3)
                .check(Ops.class);
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(Math.max(1, ITERATIONS - 1))
                .invocationsPerIteration(Math.max(20, INVOCATIONS / 4))
                .threads(3)
                .actorsPerThread(3)
                .check(Ops.class);
    }
}
