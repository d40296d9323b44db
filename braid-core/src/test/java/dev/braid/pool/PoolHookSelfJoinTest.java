package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A {@link PoolHooks#beforeTask} hook that joins the task it is told about (docs13). The hook runs
 * on the thread that has already claimed the task and will run it next, so the join waits for
 * itself: before the fix every form of it parked that thread for ever (the task's runner was
 * recorded only once the task body started, so the self-join check of ADR 0065 did not see it). Now
 * it fails fast with the self-join {@link IllegalStateException}, as a join from inside the task
 * does, and the task still runs. Every wait is bounded.
 */
class PoolHookSelfJoinTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** What each self-join from the hook threw, by the task's value; the hook catches it. */
    private final Map<TaskHandle<?>, String> seen = new ConcurrentHashMap<>();

    private final List<String> ran = new CopyOnWriteArrayList<>();

    /** shutdownNow interrupts a hook parked in its self-join (the code before), so close ends. */
    private static void closeEvenIfAHookHangs(WorkStealingPool pool) {
        pool.shutdownNow();
        assertTimeoutPreemptively(LIMIT, pool::close);
    }

    private PoolHooks selfJoining(String form) {
        return new PoolHooks() {
            @Override
            public void beforeTask(Thread worker, TaskHandle<?> task) {
                try {
                    switch (form) {
                        case "join" -> task.join();
                        case "timed" -> task.join(Duration.ofDays(1));
                        default -> ((Future<?>) task).get();
                    }
                    seen.put(task, "returned");
                } catch (Exception e) {
                    seen.put(task, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
        };
    }

    /**
     * Fails on the code before: the only worker parked in its own hook, the join never returned.
     */
    @Test
    void aBeforeTaskHookJoiningItsTaskOnAWorkerFailsFastInEveryForm() {
        for (String form : List.of("join", "timed", "get")) {
            seen.clear();
            var pool =
                    WorkStealingPool.builder()
                            .parallelism(1)
                            .namePrefix("hooked")
                            .hooks(selfJoining(form))
                            .build();
            try {
                TaskHandle<String> h = pool.submit(() -> form);
                String value = assertTimeoutPreemptively(LIMIT, () -> h.join(), form);
                assertThat(value).isEqualTo(form);
            } finally {
                closeEvenIfAHookHangs(pool);
            }
            assertThat(seen).as(form).hasSize(1);
            assertThat(seen.values().iterator().next())
                    .as(form)
                    .startsWith(
                            "IllegalStateException: a task of pool 'hooked' joins its own handle")
                    .contains("on thread 'hooked-worker-0'")
                    .contains("it would wait for itself for ever");
        }
    }

    /**
     * The other path into {@code beforeTask}: an outside joiner that runs a queued task itself
     * while every worker is busy (ADR 0049/0084). Fails on the code before: the joiner parked in
     * the hook.
     */
    @Test
    void aBeforeTaskHookJoiningATaskRunInlineByItsOutsideJoinerFailsFast() {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        var pool =
                WorkStealingPool.builder()
                        .parallelism(1)
                        .namePrefix("inline")
                        .hooks(selfJoining("join"))
                        .build();
        try {
            TaskHandle<String> blocker =
                    pool.submit(
                            () -> {
                                busy.countDown();
                                release.await();
                                return "blocker";
                            });
            assertTimeoutPreemptively(LIMIT, () -> busy.await());
            TaskHandle<String> queued =
                    pool.submit(
                            () -> {
                                ran.add(Thread.currentThread().getName());
                                return "queued";
                            });
            String value = assertTimeoutPreemptively(LIMIT, () -> queued.join());
            release.countDown();
            assertThat(value).isEqualTo("queued");
            assertThat(assertTimeoutPreemptively(LIMIT, () -> blocker.join())).isEqualTo("blocker");
            // the outside joiner ran it (every worker was busy), so its hook ran on the joiner
            assertThat(ran).singleElement().asString().doesNotStartWith("inline-worker");
        } finally {
            release.countDown();
            closeEvenIfAHookHangs(pool);
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.values())
                .allSatisfy(
                        s ->
                                assertThat(s)
                                        .startsWith(
                                                "IllegalStateException: a task of pool 'inline'"
                                                        + " joins its own handle"));
    }

    /** Pinned: a hook may still join another task, and afterTask may join the task it reports. */
    @Test
    void hooksMayJoinOtherTasksAndTheFinishedTaskTheyReport() {
        List<String> log = new CopyOnWriteArrayList<>();
        try (var pool =
                WorkStealingPool.builder()
                        .parallelism(2)
                        .hooks(
                                new PoolHooks() {
                                    @Override
                                    public void afterTask(
                                            Thread worker, TaskHandle<?> task, Throwable failure) {
                                        try {
                                            log.add("after " + task.join());
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                    }
                                })
                        .build()) {
            TaskHandle<Integer> h = pool.submit(() -> 7);
            assertThat(assertTimeoutPreemptively(LIMIT, () -> h.join())).isEqualTo(7);
        }
        assertThat(log).containsExactly("after 7");
    }
}
