package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.async.Context;
import dev.braid.async.Poll;
import dev.braid.async.TaskHandle;
import dev.braid.async.ThreadedExecutor;
import dev.braid.cancel.CancelledException;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ADR 0173 under the deterministic scheduler: a task spawned by a first poll is claimed for its
 * worker as it is spawned, and the claim is given back when the hand-off is displaced to the local
 * queue (where the other worker may steal it). Another thread cancels the spawned tasks while they
 * wait claimed, queued, stolen or running: every task ends exactly once, a cancelled one was never
 * polled, nothing is polled twice, and the executor closes with no task left.
 */
class HandOffClaimSimTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** Ready at once; counts its polls and drops. */
    private static Async<Integer> counted(AtomicInteger polls, AtomicInteger drops) {
        return new Async<>() {
            @Override
            public Poll<Integer> poll(Context cx) {
                polls.incrementAndGet();
                return Poll.ready(1);
            }

            @Override
            public void drop() {
                drops.incrementAndGet();
            }
        };
    }

    private static void program() throws Exception {
        ThreadedExecutor ex = ThreadedExecutor.create("claims", 2);
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger drops = new AtomicInteger();
        List<TaskHandle<Integer>> kids = new CopyOnWriteArrayList<>();
        TaskHandle<Integer> parent =
                ex.spawn(
                        "parent",
                        cx -> {
                            // kid-0 is handed off, then displaced to the local queue by kid-1
                            for (int i = 0; i < 2; i++) {
                                kids.add(ex.spawn("kid-" + i, counted(polls, drops)));
                            }
                            return Poll.ready(0);
                        });
        JoinHandle<Integer> canceller =
                Threads.builder()
                        .name("canceller")
                        .spawn(
                                () -> {
                                    int n = 0;
                                    for (TaskHandle<Integer> k : kids) {
                                        n += k.cancel() ? 1 : 0;
                                    }
                                    return n;
                                });
        assertThat(parent.join()).isZero();
        int requested = canceller.join();
        int finished = 0;
        List<String> cancelledButPolled = new ArrayList<>();
        for (TaskHandle<Integer> k : kids) {
            try {
                finished += k.join();
            } catch (CancelledException e) {
                if (k.pollCount() != 0) {
                    cancelledButPolled.add(k.name());
                }
            }
        }
        assertThat(cancelledButPolled).as("cancelled tasks that were polled").isEmpty();
        assertThat(polls.get()).as("each finished task polled once, no other").isEqualTo(finished);
        assertThat(drops.get()).as("each cancelled task dropped once").isEqualTo(2 - finished);
        assertThat(2 - finished).isLessThanOrEqualTo(requested);
        ex.close();
        assertThat(ex.dumpTasks()).isEmpty();
    }

    @Test
    void cancelsRacingClaimedDisplacedAndStolenHandOffsEndEveryTaskOnce() {
        Simulation sim = Simulation.builder().seed(175).schedules(1_000).build();
        Exploration e = sim.explore(HandOffClaimSimTest::program);
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(1_000);
    }
}
