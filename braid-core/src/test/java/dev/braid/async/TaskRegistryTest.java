package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The lock-free live set (ADR 0072): completed tasks are unlinked in batches so the set stays
 * bounded, a prune never unlinks a live (idle) task, so close() still cancels every one, and spawns
 * racing completions and dumps from several threads lose no live task.
 */
class TaskRegistryTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** A registry whose scheduler runs nothing: tasks stay as the test leaves them. */
    private static TaskRegistry inert() {
        return inert(false);
    }

    /** As {@link #inert()}; {@code linksAtSpawn}: PoolExecutor's mode (ADR 0140, decision 4). */
    private static TaskRegistry inert(boolean linksAtSpawn) {
        return new TaskRegistry(
                "reg",
                new TaskScheduler() {
                    @Override
                    public void schedule(RawTask<?> task) {}

                    @Override
                    public void completed(RawTask<?> task) {}

                    @Override
                    public boolean linksAtSpawn() {
                        return linksAtSpawn;
                    }
                });
    }

    /** A future that stays pending and counts its drops. */
    private static Async<Integer> idle(AtomicInteger drops) {
        return new Async<>() {
            @Override
            public Poll<Integer> poll(Context cx) {
                return Poll.pending();
            }

            @Override
            public void drop() {
                drops.incrementAndGet();
            }
        };
    }

    @Test
    void completedTasksAreUnlinkedSoTheSetStaysBounded() {
        TaskRegistry reg = inert();
        for (int i = 0; i < 20_000; i++) {
            reg.spawn(null, Async.ready(i), null).raw().run(); // completes at once
        }
        assertThat(reg.linked())
                .as("dead tasks still linked after 20,000 spawns")
                .isLessThanOrEqualTo(16 * (TaskRegistry.PRUNE_MIN + 1));
        assertThat(reg.isEmpty()).isTrue();
        assertThat(reg.linked()).as("isEmpty() unlinks the dead prefix it looks at").isZero();
    }

    @Test
    void aPruneKeepsEveryIdleTaskSoCloseCancelsThemAll() {
        TaskRegistry reg = inert();
        AtomicInteger drops = new AtomicInteger();
        List<TaskHandle<Integer>> idle = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            if (i % 7 == 0) {
                TaskHandle<Integer> h = reg.spawn("idle-" + i, idle(drops), null);
                h.raw().run(); // polled once: pending, nobody will wake it
                idle.add(h);
            } else {
                reg.spawn(null, Async.ready(i), null).raw().run();
            }
        }
        assertThat(reg.live()).hasSameSizeAs(idle);
        assertThat(reg.dump()).hasSize(idle.size()).allMatch(l -> l.contains("idle (awaiting"));
        assertThat(reg.close()).isTrue();
        for (TaskHandle<Integer> h : idle) {
            h.raw().run(); // the cancel queued it once more: its run drops the future
            assertThatThrownBy(() -> h.join(LIMIT)).isInstanceOf(CancelledException.class);
        }
        assertThat(drops).hasValue(idle.size());
        assertThat(reg.isEmpty()).isTrue();
    }

    @Test
    void racingSpawnsCompletionsAndSnapshotsLoseNoLiveTask() throws Exception {
        TaskRegistry reg = inert();
        int threads = 3;
        int perThread = 4_000;
        List<List<TaskHandle<Integer>>> idle = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        AtomicInteger drops = new AtomicInteger();
        for (int k = 0; k < threads; k++) {
            List<TaskHandle<Integer>> mine = new ArrayList<>();
            idle.add(mine);
            ts.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        try {
                                            go.await();
                                        } catch (InterruptedException e) {
                                            return;
                                        }
                                        for (int i = 0; i < perThread; i++) {
                                            if (i % 5 == 0) {
                                                TaskHandle<Integer> h =
                                                        reg.spawn(null, idle(drops), null);
                                                h.raw().run();
                                                mine.add(h);
                                            } else {
                                                reg.spawn(null, Async.ready(i), null).raw().run();
                                            }
                                        }
                                    }));
        }
        go.countDown();
        do { // at least one snapshot: the spawners may all be done before this thread gets here
            reg.live(); // a reader racing the prunes must not break the lists
            reg.isEmpty();
        } while (ts.stream().anyMatch(Thread::isAlive));
        for (Thread t : ts) {
            t.join();
        }
        int expected = idle.stream().mapToInt(List::size).sum();
        assertThat(reg.live()).as("every idle task is still in the set").hasSize(expected);
        assertThat(reg.isEmpty()).isFalse();
    }

    /** Pending for ever; counts its polls and its drops. */
    private static Async<Integer> counted(AtomicInteger polls, AtomicInteger drops) {
        return new Async<>() {
            @Override
            public Poll<Integer> poll(Context cx) {
                polls.incrementAndGet();
                return Poll.pending();
            }

            @Override
            public void drop() {
                drops.incrementAndGet();
            }
        };
    }

    @Test
    void aTaskThatCompletesOnItsFirstPollIsNeverLinked() {
        TaskRegistry reg = inert();
        TaskHandle<Integer> h = reg.spawn(null, Async.ready(1), null);
        assertThat(reg.linked()).as("ADR 0140: not linked at spawn").isZero();
        assertThat(reg.isEmpty()).as("queued, never run: live").isFalse();
        h.raw().run();
        assertThat(reg.linked()).as("completed on its first poll: never linked").isZero();
        assertThat(reg.isEmpty()).isTrue();
    }

    @Test
    void aQueuedTaskNeverRunIsLiveInTheDumpAndCloseCancelsItUnpolled() {
        TaskRegistry reg = inert();
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger drops = new AtomicInteger();
        TaskHandle<Integer> h = reg.spawn("queued", counted(polls, drops), null);
        assertThat(reg.size()).isOne();
        assertThat(reg.dump()).singleElement().asString().contains("1 task(s) not listed");
        assertThat(reg.close()).isTrue();
        assertThat(reg.isEmpty()).as("close() cannot finish it: its run must").isFalse();
        h.raw().run(); // the queue entry close() could not see: its first run reads closed
        assertThat(polls).as("polled after close()").hasValue(0);
        assertThat(drops).hasValue(1);
        assertThatThrownBy(() -> h.join(LIMIT)).isInstanceOf(CancelledException.class);
        assertThat(reg.isEmpty()).isTrue();
    }

    @Test
    void aCloseDuringAFirstPollCancelsTheTaskItsPollLeftPending() {
        TaskRegistry reg = inert();
        AtomicInteger drops = new AtomicInteger();
        TaskHandle<Integer> h =
                reg.spawn(
                        "closes",
                        new Async<Integer>() {
                            @Override
                            public Poll<Integer> poll(Context cx) {
                                reg.close(); // close() walks the set before this task is linked
                                return Poll.pending();
                            }

                            @Override
                            public void drop() {
                                drops.incrementAndGet();
                            }
                        },
                        null);
        h.raw().run(); // pending: linked, then reads closed and cancels itself (re-queued)
        assertThat(h.raw().isQueued()).as("cancelled and queued again").isTrue();
        h.raw().run();
        assertThat(drops).hasValue(1);
        assertThatThrownBy(() -> h.join(LIMIT)).isInstanceOf(CancelledException.class);
        assertThat(reg.isEmpty()).isTrue();
    }

    @Test
    void aSchedulerThatLinksAtSpawnSeesEveryQueuedTaskInTheLiveSet() {
        TaskRegistry reg = inert(true);
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger drops = new AtomicInteger();
        TaskHandle<Integer> h = reg.spawn("queued", counted(polls, drops), null);
        assertThat(reg.live()).as("linked at spawn, never run").containsExactly(h.raw());
        assertThat(reg.dump()).singleElement().asString().contains("task 'queued'");
        assertThat(reg.close()).isTrue();
        h.raw().run();
        assertThat(polls).hasValue(0);
        assertThat(drops).hasValue(1);
        assertThat(reg.isEmpty()).isTrue();
    }
}
