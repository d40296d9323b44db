package dev.braid.cancel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token's callback registry (see CancellationToken's implementation notes): lazy unlinking
 * keeps a long-lived token's memory bounded by its live registrations, order and exactly-once hold
 * across sweeps, and deregistration from inside a callback.
 */
class CallbackRegistryTest {
    private static final Runnable NOTHING = () -> {};

    @Test
    void registerDeregisterPairsLeaveAtMostOneNode() {
        CancellationToken token = new CancellationSource().token();
        for (int i = 0; i < 1_000_000; i++) {
            assertThat(token.onCancel(NOTHING).deregister()).isTrue();
        }
        assertThat(token.retainedNodes()).isLessThanOrEqualTo(1);
    }

    /** Deregistering oldest-first buries removed nodes under live ones: only sweeps free them. */
    @ParameterizedTest
    @ValueSource(ints = {1, 10, 100, 1000})
    void oldestFirstDeregistrationKeepsRetainedNodesProportionalToLiveOnes(int live) {
        CancellationToken token = new CancellationSource().token();
        ArrayDeque<CancellationRegistration> window = new ArrayDeque<>();
        // at most live + 1 at a time, and fewer pushes than one sweep interval since the last sweep
        int bound = live + 1 + Math.max(CancellationToken.SWEEP_MIN, live + 1);
        int worst = 0;
        for (int i = 0; i < 200_000; i++) {
            window.addLast(token.onCancel(NOTHING));
            if (window.size() > live) {
                assertThat(window.removeFirst().deregister()).isTrue();
            }
            if (i % 997 == 0) {
                worst = Math.max(worst, token.retainedNodes());
            }
        }
        worst = Math.max(worst, token.retainedNodes());
        assertThat(worst).as("nodes retained with %d live", live).isLessThanOrEqualTo(bound);
    }

    @Test
    void concurrentPairsOnOneTokenStayBounded() throws Exception {
        CancellationToken token = new CancellationSource().token();
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        AtomicInteger lost = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            Thread th =
                    new Thread(
                            () -> {
                                try {
                                    start.await();
                                } catch (Exception e) {
                                    throw new AssertionError(e);
                                }
                                for (int i = 0; i < 100_000; i++) {
                                    CancellationRegistration a = token.onCancel(NOTHING);
                                    CancellationRegistration b = token.onCancel(NOTHING);
                                    // oldest first half of the time: buries a under b
                                    boolean first = (i & 1) == 0;
                                    if (!(first ? a : b).deregister()) {
                                        lost.incrementAndGet();
                                    }
                                    if (!(first ? b : a).deregister()) {
                                        lost.incrementAndGet();
                                    }
                                }
                            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        assertThat(lost).as("deregisters that failed on an uncancelled token").hasValue(0);
        // a few pushes finish the last sweep interval
        for (int i = 0; i < CancellationToken.SWEEP_MIN; i++) {
            token.onCancel(NOTHING).deregister();
        }
        assertThat(token.retainedNodes()).isLessThanOrEqualTo(2 * CancellationToken.SWEEP_MIN);
    }

    @Test
    void aRemovedNodeUnderALiveOneBecomesUnreachable() {
        var src = new CancellationSource();
        CancellationToken token = src.token();
        CancellationRegistration buried = token.onCancel(NOTHING);
        AtomicInteger ran = new AtomicInteger();
        CancellationRegistration live = token.onCancel(ran::incrementAndGet);
        assertThat(buried.deregister()).isTrue();
        WeakReference<CancellationRegistration> weak = new WeakReference<>(buried);
        buried = null;
        for (int i = 0; i < 2 * CancellationToken.SWEEP_MIN; i++) {
            token.onCancel(NOTHING).deregister();
        }
        assertThat(dev.braid.Collected.cleared(weak))
                .as("removed node still reachable from the token")
                .isTrue();
        src.cancel();
        assertThat(ran).hasValue(1);
        assertThat(live.deregister()).isFalse();
    }

    @Test
    void deregisterFromACallbackOfAPendingOneReturnsFalseAndItStillRuns() {
        var src = new CancellationSource();
        List<String> log = new ArrayList<>();
        CancellationRegistration[] older = new CancellationRegistration[1];
        older[0] = src.token().onCancel(() -> log.add("older ran"));
        CancellationRegistration[] self = new CancellationRegistration[1];
        self[0] =
                src.token()
                        .onCancel(
                                () -> {
                                    log.add("newer ran");
                                    log.add("older deregistered: " + older[0].deregister());
                                    log.add("self deregistered: " + self[0].deregister());
                                });
        src.cancel();
        assertThat(log)
                .containsExactly(
                        "newer ran",
                        "older deregistered: false",
                        "self deregistered: false",
                        "older ran");
    }

    /**
     * Random register/deregister sequences against a model, with sweeps on every push, every other
     * push, and at the default interval; then cancel runs exactly the survivors, newest first.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, CancellationToken.SWEEP_MIN})
    void randomSequencesMatchAModel(int sweepMin) {
        for (int round = 0; round < 200; round++) {
            long seed = ThreadLocalRandom.current().nextLong();
            Random rnd = new Random(seed);
            var src = CancellationSource.sweepingEvery(sweepMin);
            List<Integer> ran = new ArrayList<>();
            List<Integer> live = new ArrayList<>(); // model: registration ids, oldest first
            List<CancellationRegistration> regs = new ArrayList<>();
            List<Boolean> removed = new ArrayList<>();
            int peak = 0;
            int ops = rnd.nextInt(300);
            for (int op = 0; op < ops; op++) {
                if (regs.isEmpty() || rnd.nextInt(3) != 0) {
                    int id = regs.size();
                    regs.add(src.token().onCancel(() -> ran.add(id)));
                    removed.add(false);
                    live.add(id);
                    peak = Math.max(peak, live.size());
                } else {
                    int id = rnd.nextInt(regs.size());
                    boolean expected = !removed.get(id);
                    assertThat(regs.get(id).deregister())
                            .as("deregister #%d, seed %d", id, seed)
                            .isEqualTo(expected);
                    removed.set(id, true);
                    live.remove(Integer.valueOf(id));
                }
            }
            // the last sweep kept at most `peak`; fewer than one interval of pushes came after it
            assertThat(src.token().retainedNodes())
                    .as("seed %d", seed)
                    .isLessThanOrEqualTo(peak + Math.max(sweepMin, peak));
            src.cancel();
            List<Integer> newestFirst = new ArrayList<>(live.reversed());
            assertThat(ran).as("seed %d", seed).isEqualTo(newestFirst);
            for (CancellationRegistration r : regs) {
                assertThat(r.deregister()).as("seed %d", seed).isFalse();
            }
        }
    }

    /**
     * Threads register and deregister while another cancels: every callback runs exactly once
     * unless its deregister returned true, and then never.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, CancellationToken.SWEEP_MIN})
    void concurrentDeregistrationsAndCancelAgree(int sweepMin) throws Exception {
        int threads = 3;
        for (int round = 0; round < 200; round++) {
            var src = CancellationSource.sweepingEvery(sweepMin);
            int perThread = 200;
            AtomicInteger[][] runs = new AtomicInteger[threads][perThread];
            boolean[][] removed = new boolean[threads][perThread];
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                Thread th =
                        new Thread(
                                () -> {
                                    await(start);
                                    CancellationRegistration[] mine =
                                            new CancellationRegistration[perThread];
                                    for (int i = 0; i < perThread; i++) {
                                        AtomicInteger c = new AtomicInteger();
                                        runs[me][i] = c;
                                        mine[i] = src.token().onCancel(c::incrementAndGet);
                                        if (i % 3 != 0) {
                                            int victim = i % 2 == 0 ? i : i / 2;
                                            removed[me][victim] |= mine[victim].deregister();
                                        }
                                    }
                                });
                ts.add(th);
                th.start();
            }
            await(start);
            Thread.onSpinWait();
            src.cancel();
            for (Thread th : ts) {
                th.join();
            }
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < perThread; i++) {
                    int expected = removed[t][i] ? 0 : 1;
                    assertThat(runs[t][i].get())
                            .as("thread %d registration %d (round %d)", t, i, round)
                            .isEqualTo(expected);
                }
            }
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
