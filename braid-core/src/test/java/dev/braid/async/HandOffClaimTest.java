package dev.braid.async;

import static dev.braid.async.OpenedExecutors.joined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.async.StealingSchedulerTest.CountDown;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.JoinOutcome;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task spawned by a first poll on a ThreadedExecutor worker is handed off to that worker and
 * claimed for it as it is spawned (ADR 0173): its run takes no claim CAS. The claim must be given
 * back whenever the hand-off is queued instead of run next (displaced by a later spawn, queued
 * before the joiners' wakes of a finishing task, moved to the local queue after the LIFO runs), or
 * the queue holds a RUNNING task that no run can claim (the worker fails and the task is lost); and
 * a cancel that comes in while the task is claimed must still stop it before its poll.
 */
class HandOffClaimTest {
    private static final Duration BOUND = OpenedExecutors.BOUND;

    private final OpenedExecutors opened = new OpenedExecutors();

    private ThreadedExecutor open(int workers) {
        return opened.add(ThreadedExecutor.create("handoff", workers));
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        opened.closeAll("a lost hand-off keeps one open");
    }

    /** Ready at once with {@code v}; counts its polls. */
    private static Async<Integer> counted(int v, AtomicInteger polls) {
        return cx -> {
            polls.incrementAndGet();
            return Poll.ready(v);
        };
    }

    @Test
    void aChainOfSpawnsFromFirstPollsRunsEachTaskOnce() throws Exception {
        ThreadedExecutor ex = open(1);
        AtomicInteger polls = new AtomicInteger();
        Completion<Integer> end = new Completion<>();
        ex.spawn("chain-0", chain(ex, 0, 10_000, polls, end));
        assertThat(end.await(Deadline.after(BOUND), false, this))
                .as("the chain ended within %s", BOUND)
                .isNotNull();
        assertThat(polls.get()).as("one poll per link").isEqualTo(10_001);
    }

    private static Async<Void> chain(
            ThreadedExecutor ex, int i, int n, AtomicInteger polls, Completion<Integer> end) {
        return cx -> {
            polls.incrementAndGet();
            if (i == n) {
                end.complete(new Completion.Success<>(i));
            } else {
                ex.spawn(chain(ex, i + 1, n, polls, end));
            }
            return Poll.ready(null);
        };
    }

    @Test
    void handOffsDisplacedByLaterSpawnsAreQueuedUnclaimedAndRunOnce() throws Exception {
        ThreadedExecutor ex = open(1);
        AtomicInteger polls = new AtomicInteger();
        List<TaskHandle<Integer>> kids = new ArrayList<>();
        AtomicBoolean release = new AtomicBoolean();
        CountDown started = new CountDown(1);
        TaskHandle<Integer> parent =
                ex.spawn(
                        "parent",
                        cx -> {
                            // each spawn displaces the last one's hand-off to the local queue
                            for (int i = 0; i < 40; i++) {
                                kids.add(ex.spawn("kid-" + i, counted(i, polls)));
                            }
                            spinner(release, started).poll(cx);
                            return Poll.ready(-1);
                        });
        started.await();
        List<String> dump = ex.dumpTasks();
        release.set(true);
        assertThat(joined(parent)).isEqualTo(-1);
        // the last one waits in the hand-off, claimed; the displaced ones were given back to
        // scheduled as they went to the local queue (a queue never holds a claimed task)
        assertThat(dump)
                .filteredOn(l -> l.contains("handed off"))
                .singleElement()
                .asString()
                .startsWith("task 'kid-39'");
        assertThat(dump).filteredOn(l -> l.startsWith("task 'kid-")).hasSize(40);
        int sum = 0;
        for (TaskHandle<Integer> k : kids) {
            sum += joined(k);
            assertThat(k.pollCount()).as("%s polled once", k.name()).isEqualTo(1);
        }
        assertThat(sum).isEqualTo(40 * 39 / 2);
        assertThat(polls.get()).isEqualTo(40);
    }

    @Test
    void aHandOffCancelledByItsSpawnerBeforeItRunsIsDroppedUnpolled() throws Exception {
        ThreadedExecutor ex = open(1);
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger drops = new AtomicInteger();
        AtomicReference<TaskHandle<Integer>> kid = new AtomicReference<>();
        TaskHandle<Boolean> parent =
                ex.spawn(
                        "parent",
                        cx -> {
                            TaskHandle<Integer> h =
                                    ex.spawn(
                                            "kid",
                                            new Async<Integer>() {
                                                @Override
                                                public Poll<Integer> poll(Context c) {
                                                    polls.incrementAndGet();
                                                    return Poll.ready(1);
                                                }

                                                @Override
                                                public void drop() {
                                                    drops.incrementAndGet();
                                                }
                                            });
                            kid.set(h);
                            return Poll.ready(h.cancel()); // while it waits in the hand-off
                        });
        // no join of the parent before it finishes: a registered joiner would make its finish
        // queue the hand-off (and give the claim back) instead of handing it to the worker loop
        long until = System.nanoTime() + BOUND.toNanos();
        while (kid.get() == null && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertThatThrownBy(() -> kid.get().join(BOUND)).isInstanceOf(CancelledException.class);
        assertThat(joined(parent)).as("the cancel was requested").isTrue();
        assertThat(polls.get()).as("a task cancelled before its run is never polled").isZero();
        assertThat(drops.get()).as("its future dropped once").isEqualTo(1);
        assertThat(kid.get().pollCount()).isZero();
    }

    @Test
    void aHandOffOfATaskWithJoinersIsQueuedBeforeTheirWakesAndRunsOnce() throws Exception {
        ThreadedExecutor ex = open(1);
        AtomicBoolean releaseGate = new AtomicBoolean();
        CountDown gateStarted = new CountDown(1);
        TaskHandle<Void> gate = ex.spawn("gate", spinner(releaseGate, gateStarted));
        gateStarted.await();
        AtomicInteger polls = new AtomicInteger();
        AtomicReference<TaskHandle<Integer>> kid = new AtomicReference<>();
        TaskHandle<Integer> parent =
                ex.spawn(
                        "parent",
                        cx -> {
                            kid.set(ex.spawn("kid", counted(7, polls)));
                            return Poll.ready(3);
                        });
        // a joiner registered before the parent's first poll: the parent's finish queues its
        // hand-off first, then wakes the joiner (ADR 0153), so the claim must be given back
        JoinHandle<Integer> joiner = Threads.builder().name("joiner").spawn(() -> parent.join());
        long until = System.nanoTime() + BOUND.toNanos();
        while (!parent.raw().hasWaiters() && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertThat(parent.raw().hasWaiters()).as("the joiner registered").isTrue();
        releaseGate.set(true);
        joined(gate);
        assertThat(joiner.join()).isEqualTo(3);
        assertThat(joined(kid.get())).isEqualTo(7);
        assertThat(polls.get()).isEqualTo(1);
    }

    @Test
    void aDumpNamesAHandOffAsScheduledNotRunning() throws Exception {
        ThreadedExecutor ex = open(1);
        AtomicBoolean release = new AtomicBoolean();
        CountDown started = new CountDown(1);
        AtomicInteger polls = new AtomicInteger();
        AtomicReference<TaskHandle<Integer>> kid = new AtomicReference<>();
        TaskHandle<Void> busy =
                ex.spawn(
                        "busy",
                        cx -> {
                            if (kid.get() == null) {
                                kid.set(ex.spawn("kid", counted(1, polls)));
                            }
                            return spinner(release, started).poll(cx);
                        });
        started.await();
        List<String> dump = ex.dumpTasks();
        String kidState = kid.get().toString();
        long kidPolls = kid.get().pollCount();
        release.set(true);
        joined(busy);
        assertThat(dump)
                .filteredOn(l -> l.startsWith("task 'kid'"))
                .singleElement()
                .asString()
                .contains("scheduled (handed off to its worker)", "polls=0");
        assertThat(dump)
                .filteredOn(l -> l.startsWith("task 'busy'"))
                .singleElement()
                .asString()
                .contains("running");
        assertThat(kidState).contains("scheduled").doesNotContain("running");
        assertThat(kidPolls).as("a claimed hand-off reads as never polled").isZero();
        assertThat(joined(kid.get())).isEqualTo(1);
    }

    @Test
    void aCancelFromAnotherThreadRacingHandOffRunsEndsEveryTask() throws Exception {
        ThreadedExecutor ex = open(2);
        int n = 2_000;
        List<TaskHandle<Integer>> kids = new ArrayList<>();
        AtomicInteger polls = new AtomicInteger();
        LinkedBlockingQueue<TaskHandle<Integer>> toCancel = new LinkedBlockingQueue<>();
        JoinHandle<Integer> canceller =
                Threads.builder()
                        .name("canceller")
                        .spawn(
                                () -> {
                                    int cancelled = 0;
                                    for (int i = 0; i < n; i++) {
                                        TaskHandle<Integer> h =
                                                toCancel.poll(
                                                        BOUND.toMillis(), TimeUnit.MILLISECONDS);
                                        if (h != null && h.cancel()) {
                                            cancelled++;
                                        }
                                    }
                                    return cancelled;
                                });
        for (int i = 0; i < n; i++) {
            int v = i;
            TaskHandle<Integer> spawner =
                    ex.spawn(
                            "spawner-" + i,
                            cx -> {
                                TaskHandle<Integer> h = ex.spawn("kid-" + v, counted(1, polls));
                                toCancel.add(h);
                                synchronized (kids) {
                                    kids.add(h);
                                }
                                return Poll.ready(v);
                            });
            assertThat(joined(spawner)).isEqualTo(i);
        }
        int cancelled = canceller.join();
        int finished = 0;
        int dropped = 0;
        for (TaskHandle<Integer> k : kids) {
            try {
                JoinOutcome<Integer> o = k.join(BOUND);
                assertThat(o).isInstanceOf(JoinOutcome.Finished.class);
                finished++;
            } catch (CancelledException e) {
                dropped++;
                assertThat(k.pollCount()).as("a cancelled kid was never polled").isZero();
            }
        }
        assertThat(finished + dropped).isEqualTo(n);
        assertThat(polls.get()).isEqualTo(finished);
        assertThat(dropped).isLessThanOrEqualTo(cancelled);
        assertThat(ex.dumpTasks()).isEmpty();
    }

    /** Spins (bounded) until {@code release} is set, having counted {@code started} down. */
    private static Async<Void> spinner(AtomicBoolean release, CountDown started) {
        return cx -> {
            started.down();
            long until = System.nanoTime() + BOUND.toNanos();
            while (!release.get() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return Poll.ready(null);
        };
    }
}
