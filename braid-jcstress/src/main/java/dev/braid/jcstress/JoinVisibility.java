package dev.braid.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.ThreadBuilder;
import dev.braid.thread.Threads;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * What a braid thread wrote before it finished is visible to whoever sees it finished through its
 * {@link JoinHandle}.
 *
 * <p>Each sample spawns a braid thread whose body writes a plain field and returns a value (which
 * the handle keeps in a plain field). Two actors then look at the handle in the two ways a caller
 * can:
 *
 * <ul>
 *   <li>{@code joiner} spawned the thread and calls {@code join()}, which usually parks and is
 *       woken by the finishing thread: r1 = the body's field, r2 = the value {@code join()}
 *       returned.
 *   <li>{@code observer} races with the body: it polls {@code isFinished()} once (no parking, so no
 *       park/unpark pairing can hide a missing release), and only if the thread is finished reads
 *       the body's field and calls {@code join()}, which then returns at once: r3, r4. If the
 *       handle is not published yet or the thread is still running it records -1, -1.
 * </ul>
 *
 * <p>The only edge from the body's writes to these reads is the handle's completion: the finishing
 * thread swaps DONE in with a volatile getAndSet, and both join() and isFinished() read it with
 * getAcquire. Anything but the two outcomes below means that edge is missing. One nested test per
 * kind of thread, since virtual threads finish through a different path in the JDK.
 */
public final class JoinVisibility {
    private JoinVisibility() {}

    /** The state shared by the body and both actors; one per sample. */
    abstract static class Sample {
        /** Written plainly by the spawned body; no synchronisation besides the handle's. */
        int written;

        /** Publishes the handle from joiner to observer. */
        volatile JoinHandle<Integer> handle;

        abstract ThreadBuilder builder();

        void join(IIII_Result r) {
            JoinHandle<Integer> h =
                    builder()
                            .spawn(
                                    () -> {
                                        written = 1;
                                        return 1;
                                    });
            handle = h;
            try {
                Integer v = h.join();
                r.r1 = written;
                r.r2 = v == null ? 0 : v;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r.r1 = -9;
                r.r2 = -9;
            }
        }

        void observe(IIII_Result r) {
            JoinHandle<Integer> h = handle;
            if (h == null || !h.isFinished()) {
                r.r3 = -1;
                r.r4 = -1;
                return;
            }
            r.r3 = written;
            try {
                Integer v = h.join(); // finished: returns without waiting
                r.r4 = v == null ? 0 : v;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r.r4 = -9;
            }
        }
    }

    /** Platform threads ({@code Threads.builder().platform()}). */
    @JCStressTest
    @Outcome(id = "1, 1, -1, -1", expect = ACCEPTABLE, desc = "observer: thread still running")
    @Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "observer: finished, writes visible")
    @Outcome(expect = FORBIDDEN, desc = "a write of the body was not visible after finishing")
    @State
    public static class Platform extends Sample {
        @Override
        ThreadBuilder builder() {
            return Threads.builder().platform();
        }

        @Actor
        public void joiner(IIII_Result r) {
            join(r);
        }

        @Actor
        public void observer(IIII_Result r) {
            observe(r);
        }
    }

    /** Virtual threads ({@code Threads.builder().virtual()}). */
    @JCStressTest
    @Outcome(id = "1, 1, -1, -1", expect = ACCEPTABLE, desc = "observer: thread still running")
    @Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "observer: finished, writes visible")
    @Outcome(expect = FORBIDDEN, desc = "a write of the body was not visible after finishing")
    @State
    public static class Virtual extends Sample {
        @Override
        ThreadBuilder builder() {
            return Threads.builder().virtual();
        }

        @Actor
        public void joiner(IIII_Result r) {
            join(r);
        }

        @Actor
        public void observer(IIII_Result r) {
            observe(r);
        }
    }
}
