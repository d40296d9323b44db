package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.async.LocalExecutor;
import dev.braid.atomic.AtomicI64;
import dev.braid.atomic.Ordering;
import dev.braid.cancel.CancelScope;
import dev.braid.channel.Channel;
import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import dev.braid.sync.Mutex;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The README's "A taste" block, compiled and run in one piece, line for line as the README shows it
 * (its {@code ...} stands for the guarded work; {@code compute}, {@code work}, {@code run}, {@code
 * render} and the records are small local stand-ins). {@link DocSnippetsTest} fails when a line of
 * the README's block is no longer held here or in another test.
 */
class ReadmeTasteTest {
    record Job(int id) {}

    record Scene(String name) {}

    record Image(String of) {}

    private final List<String> done = new CopyOnWriteArrayList<>();
    private final List<Job> ran = new CopyOnWriteArrayList<>();

    private int compute() {
        return 42;
    }

    private void work(String part) {
        done.add(part);
    }

    private void run(Job j) {
        ran.add(j);
    }

    private Image render(Scene scene) {
        return new Image(scene.name());
    }

    @Test
    void theTasteRunsAsTheReadmeSays() throws Exception {
        String left = "left";
        String right = "right";
        Job job = new Job(7);
        Scene scene = new Scene("teapot");

        // --- README.md, "A taste"
        JoinHandle<Integer> h = Threads.builder().name("worker").spawn(() -> compute());
        int v = h.join();

        Mutex<Map<String, Integer>> scores = new Mutex<>(new HashMap<>());
        try (var g = scores.lock()) {
            g.get().merge("ada", 1, Integer::sum);
        }

        Threads.scope(
                s -> {
                    s.spawn(() -> work(left));
                    s.spawn(() -> work(right));
                });

        int joined =
                CancelScope.withTimeout(
                        Duration.ofSeconds(2),
                        () -> {
                            try (var g = scores.lock()) {
                                g.get().merge("ada", 1, Integer::sum); // the README's "..."
                            }
                            return h.join();
                        });

        AtomicI64 hits = new AtomicI64(0);
        hits.fetchAdd(1, Ordering.RELAXED);

        Channel<Job> jobs = Channel.bounded(16);
        jobs.send(job);
        jobs.close();
        for (Job j : jobs) run(j);

        List<TaskHandle<Image>> images = new ArrayList<>();
        try (var pool = WorkStealingPool.builder().build()) {
            TaskHandle<Image> img = pool.submit(() -> render(scene));
            images.add(img);
        }

        String hello;
        try (var ex = LocalExecutor.create("main")) {
            String s = ex.blockOn(Async.sleep(Duration.ofMillis(10)).map(x -> "hello"));
            hello = s;
        }
        // ---

        assertThat(v).isEqualTo(42);
        assertThat(joined).isEqualTo(42);
        int ada = scores.withLock(m -> m.get("ada"));
        assertThat(ada).isEqualTo(2);
        assertThat(done).containsExactlyInAnyOrder("left", "right");
        assertThat(hits.load(Ordering.SEQ_CST)).isEqualTo(1);
        assertThat(ran).containsExactly(job);
        assertThat(images.getFirst().join())
                .isEqualTo(new Image("teapot")); // close() waited for the task
        assertThat(hello).isEqualTo("hello");
    }
}
