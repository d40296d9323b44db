package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.channel.Channel;
import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import dev.braid.sync.Mutex;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.junit.SimTest;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import org.junit.jupiter.api.Test;

/** The examples of {@code docs/testkit.md}, compiled and run. */
class TestkitGuideTest {
    @Test
    void exploreAndAssert() {
        // --- docs/testkit.md, the opening example
        Simulation.builder()
                .seed(42)
                .schedules(1000)
                .build()
                .explore(
                        () -> {
                            Mutex<Integer> counter = new Mutex<>(0);
                            JoinHandle<Void> a =
                                    Threads.spawn(
                                            () -> {
                                                counter.update(v -> v + 1);
                                            });
                            JoinHandle<Void> b =
                                    Threads.spawn(
                                            () -> {
                                                counter.update(v -> v + 1);
                                            });
                            a.join();
                            b.join();
                            int total = counter.withLock(v -> v);
                            assertThat(total).isEqualTo(2);
                        })
                .assertPassed();
        // ---
    }

    @Test
    void aLostUpdateIsFoundAndReplayed() {
        Simulation sim = Simulation.builder().seed(42).schedules(1000).build();
        Exploration found =
                sim.explore(
                        () -> {
                            Mutex<Integer> counter = new Mutex<>(0);
                            Runnable racy =
                                    () -> {
                                        int seen = counter.withLock(v -> v); // read, then
                                        counter.update(v -> seen + 1); // write: a lost update
                                    };
                            JoinHandle<Void> a = Threads.spawn(racy);
                            JoinHandle<Void> b = Threads.spawn(racy);
                            a.join();
                            b.join();
                            int total = counter.withLock(v -> v);
                            assertThat(total).isEqualTo(2);
                        });
        assertThat(found.passed()).isFalse();
        assertThat(found.message()).contains("braid1:");
    }

    // --- docs/testkit.md, "JUnit 5"
    @SimTest(schedules = 1000, seed = 42)
    void transfersKeepTheTotal() throws InterruptedException {
        // ---
        Mutex<long[]> accounts = new Mutex<>(new long[] {100, 0});
        JoinHandle<Void> t =
                Threads.spawn(
                        () -> {
                            try (var g = accounts.lock()) {
                                g.get()[0] -= 30;
                                g.get()[1] += 30;
                            }
                        });
        long total;
        try (var g = accounts.lock()) {
            total = g.get()[0] + g.get()[1];
        }
        t.join();
        assertThat(total).isEqualTo(100);
    }

    @Test
    void aPoolTaskDrainsAChannel() {
        // --- docs/testkit.md, "Testing channel, pool and async code"
        Exploration e =
                Simulation.builder()
                        .seed(7)
                        .schedules(500)
                        .build()
                        .explore(
                                () -> {
                                    Channel<Integer> jobs =
                                            Channel.<Integer>builder()
                                                    .name("jobs")
                                                    .bounded(1)
                                                    .build();
                                    try (WorkStealingPool pool =
                                            WorkStealingPool.builder().parallelism(2).build()) {
                                        TaskHandle<Integer> total =
                                                pool.submit(
                                                        () -> {
                                                            int sum = 0;
                                                            for (Integer j :
                                                                    jobs) { // until closed and
                                                                // drained
                                                                sum += j;
                                                            }
                                                            return sum;
                                                        });
                                        for (int j = 1; j <= 3; j++) {
                                            jobs.send(j);
                                        }
                                        jobs.close();
                                        assertThat(total.join()).isEqualTo(6);
                                    }
                                });
        e.assertPassed();
        // ---
    }

    @Test
    void checkingLenThenReceivingIsFound() {
        SimBody checkThenAct =
                () -> {
                    Channel<Integer> jobs =
                            Channel.<Integer>builder().name("jobs").bounded(1).build();
                    try (WorkStealingPool pool =
                            WorkStealingPool.builder().parallelism(2).build()) {
                        TaskHandle<Integer> total =
                                pool.submit(
                                        () -> {
                                            int sum = 0;
                                            while (jobs.len() > 0) {
                                                sum += jobs.recv();
                                            }
                                            return sum;
                                        });
                        for (int j = 1; j <= 3; j++) {
                            jobs.send(j);
                        }
                        jobs.close();
                        assertThat(total.join()).isEqualTo(6);
                    }
                };
        Exploration e = Simulation.builder().seed(7).schedules(500).build().explore(checkThenAct);
        assertThat(e.passed()).isFalse();
        assertThat(e.message()).contains("expected: 6").contains("replay: braid1:");
    }
}
