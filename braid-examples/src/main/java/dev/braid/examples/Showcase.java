package dev.braid.examples;

import dev.braid.sync.Mutex;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.PanicException;
import dev.braid.thread.PanicHook;
import dev.braid.thread.Panics;
import dev.braid.thread.Threads;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A tour of braid: threads with join handles and panics, scoped threads, a Mutex that owns its
 * data, the testkit finding and replaying two planted bugs, a work-stealing merge sort, channels (a
 * pipeline, a select with a timeout, a planted bug) and async tasks (a crawler with timeouts over a
 * channel, a planted lost wake-up). Run it with {@code ./mvnw -q -Pshowcase -pl braid-examples -am
 * package}.
 */
public final class Showcase {
    private Showcase() {}

    public static void main(String[] args) throws Exception {
        PanicHook previous =
                Panics.setHook(
                        (t, e) ->
                                line("  [panic hook] thread '" + t.getName() + "' panicked: " + e));
        try {
            title("1. Spawn and join; a panic crosses the join");
            line("  join() returned " + spawnAndJoin());
            PanicException p = panicThroughJoin();
            line("  join() threw " + p.getClass().getSimpleName() + ": " + p.getMessage());
            line(
                    "  original exception preserved: "
                            + p.getCause().getClass().getName()
                            + " at "
                            + p.getCause().getStackTrace()[0]);

            title("2. Scoped threads borrow local data and are all joined before the scope ends");
            line("  sum of 1..1000 computed by 4 scoped threads: " + scopedSum(1000, 4));

            title("3. A Mutex that owns its counter");
            line("  8 virtual threads x 10,000 increments = " + mutexCounter(8, 10_000));
        } finally {
            Panics.setHook(previous);
        }

        title("4. The testkit finds a lost update (read and write in two critical sections)");
        Demo lost = lostUpdate();
        print(lost);

        title("5. The testkit finds an ABBA deadlock");
        Demo abba = deadlock();
        print(abba);
        Exploration ordered = orderedLocking();
        line("  the fix (both threads lock a before b): " + ordered.message());

        title("6. A work-stealing pool: parallel merge sort with join(a, b), and its metrics");
        PoolShowcase.lines().forEach(Showcase::line);

        title("7. Channels: a bounded pipeline, a select with a timeout, a planted channel bug");
        line("  sum of squares of 1..100 via 3 squarers: " + ChannelShowcase.pipeline(100, 3));
        for (String r : ChannelShowcase.selectWithTimeout()) {
            line("  select over replies, the service's end and a timeout: " + r);
        }
        line("  the testkit looks for a producer that closes a channel another still sends on:");
        print(findAndReplay(ChannelShowcase.EARLY_CLOSE));

        title("8. Async tasks: a crawler of tasks with timeouts, a channel, a lost wake-up found");
        Duration perPage = Duration.ofMillis(500);
        line(
                "  one task per page on 2 workers, each fetch bounded by "
                        + perPage.toMillis()
                        + " ms, reports over channel 'fetched' to this thread:");
        for (String r : AsyncShowcase.crawl("/", perPage)) {
            line("    " + r);
        }
        line("  the testkit looks for a lost wake-up in a future that checks, then publishes:");
        print(findAndReplay(AsyncShowcase.lostWakeUp(true)));
        line(
                "  the fix (publish the waker, then check): "
                        + Simulation.builder()
                                .seed(1)
                                .schedules(1000)
                                .build()
                                .explore(AsyncShowcase.lostWakeUp(false))
                                .message());
    }

    // ---- 1-3: the runtime ----

    static int spawnAndJoin() throws InterruptedException {
        JoinHandle<Integer> h = Threads.builder().name("answer").spawn(() -> 6 * 7);
        return h.join();
    }

    static PanicException panicThroughJoin() throws InterruptedException {
        JoinHandle<String> h =
                Threads.builder()
                        .name("config-loader")
                        .spawn(
                                () -> {
                                    throw new IOException("braid.conf not found");
                                });
        try {
            h.join();
        } catch (PanicException e) {
            return e;
        }
        throw new AssertionError("the loader was supposed to fail");
    }

    static long scopedSum(int n, int threads) {
        int[] numbers = IntStream.rangeClosed(1, n).toArray();
        long[] partial = new long[threads];
        Threads.scope(
                s -> {
                    for (int t = 0; t < threads; t++) {
                        int id = t;
                        s.spawn(
                                () -> {
                                    for (int i = id; i < numbers.length; i += threads) {
                                        partial[id] += numbers[i];
                                    }
                                    return null;
                                });
                    }
                });
        long sum = 0;
        for (long x : partial) {
            sum += x; // safe: the scope joined every writer
        }
        return sum;
    }

    static int mutexCounter(int threads, int increments) throws InterruptedException {
        Mutex<Integer> counter = new Mutex<>(0);
        List<JoinHandle<Void>> hs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            hs.add(
                    Threads.builder()
                            .virtual()
                            .spawn(
                                    () -> {
                                        for (int i = 0; i < increments; i++) {
                                            counter.update(v -> v + 1);
                                        }
                                    }));
        }
        for (JoinHandle<Void> h : hs) {
            h.join();
        }
        return counter.withLock(v -> v);
    }

    // ---- 4-5: the testkit ----

    /** What a testkit demo found, and what replaying its schedule gave. */
    record Demo(Exploration found, SimResult replayed) {}

    /**
     * Two threads increment a shared counter, but read and write it in separate critical sections.
     */
    static final SimBody LOST_UPDATE =
            () -> {
                Mutex<Integer> counter = Mutex.named("counter", 0);
                Threads.scope(
                        s -> {
                            for (String name : List.of("alice", "bob")) {
                                s.spawn(
                                        Threads.builder().name(name),
                                        () -> {
                                            int seen = counter.withLock(v -> v); // read...
                                            return counter.update(
                                                    v -> seen + 1); // ...then write: lost update
                                        });
                            }
                        });
                int total = counter.withLock(v -> v);
                if (total != 2) {
                    throw new AssertionError(
                            "lost update: counter is " + total + " after two increments");
                }
            };

    /** Two threads take two mutexes in opposite orders. */
    static final SimBody ABBA =
            () -> {
                Mutex<String> a = Mutex.named("a", "A");
                Mutex<String> b = Mutex.named("b", "B");
                JoinHandle<Void> t1 = Threads.builder().name("T1").spawn(() -> lockBoth(a, b));
                JoinHandle<Void> t2 = Threads.builder().name("T2").spawn(() -> lockBoth(b, a));
                t1.join();
                t2.join();
            };

    /** The fix: both threads take the mutexes in the same order. */
    static final SimBody ORDERED =
            () -> {
                Mutex<String> a = Mutex.named("a", "A");
                Mutex<String> b = Mutex.named("b", "B");
                JoinHandle<Void> t1 = Threads.builder().name("T1").spawn(() -> lockBoth(a, b));
                JoinHandle<Void> t2 = Threads.builder().name("T2").spawn(() -> lockBoth(a, b));
                t1.join();
                t2.join();
            };

    private static void lockBoth(Mutex<String> first, Mutex<String> second) {
        try (var g1 = first.lock();
                var g2 = second.lock()) {
            g1.set(g1.get() + g2.get());
        }
    }

    static Demo lostUpdate() {
        return findAndReplay(LOST_UPDATE);
    }

    static Demo deadlock() {
        return findAndReplay(ABBA);
    }

    static Exploration orderedLocking() {
        return Simulation.builder().seed(1).schedules(1000).build().explore(ORDERED);
    }

    static Demo findAndReplay(SimBody body) {
        Simulation sim = Simulation.builder().seed(1).schedules(1000).build();
        Exploration found = sim.explore(body);
        SimResult replayed = found.failure().map(f -> sim.rerun(f.schedule(), body)).orElse(null);
        return new Demo(found, replayed);
    }

    private static void print(Demo demo) {
        if (demo.found().passed()) {
            line("  not found: " + demo.found().message());
            return;
        }
        SimResult failure = demo.found().failure().orElseThrow();
        line("  found after " + demo.found().schedulesRun() + " schedule(s):");
        demo.found().message().lines().forEach(l -> line("    " + l));
        SimResult again = demo.replayed();
        boolean same =
                again.isFailure()
                        && again.getClass() == failure.getClass()
                        && again.schedule().equals(failure.schedule())
                        && firstLine(again).equals(firstLine(failure));
        line("  replaying " + failure.schedule());
        line(
                "    -> "
                        + (same ? "the same failure again: " : "DIFFERENT outcome: ")
                        + firstLine(again));
    }

    static String firstLine(SimResult r) {
        return r.message().lines().findFirst().orElse("");
    }

    private static void title(String s) {
        System.out.println();
        System.out.println(s);
    }

    private static void line(String s) {
        System.out.println(s);
    }
}
