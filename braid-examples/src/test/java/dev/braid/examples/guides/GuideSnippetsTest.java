package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.async.Async;
import dev.braid.async.AsyncMutex;
import dev.braid.async.LocalExecutor;
import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvRegistration;
import dev.braid.channel.RecvResult;
import dev.braid.channel.SelectLoop;
import dev.braid.pool.WorkStealingPool;
import dev.braid.sync.Condvar;
import dev.braid.sync.Latch;
import dev.braid.sync.Mutex;
import dev.braid.sync.RwLock;
import dev.braid.testkit.Fault;
import dev.braid.testkit.Schedule;
import dev.braid.testkit.Sim;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.junit.SimTest;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.PanicException;
import dev.braid.thread.Threads;
import dev.braid.time.Timeout;
import dev.braid.time.TimerWheel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Guide examples that the per-guide tests hold only in a paraphrase (other variable names, an
 * assertion around a call): here each is held line for line as the guide shows it, compiled, run,
 * and checked against what the guide's text says. {@link DocSnippetsTest} names the guide line when
 * one of them changes without this file.
 */
@SuppressWarnings("try") // some guards are held for their scope only, as in the guides
class GuideSnippetsTest {
    record Job(int id) {}

    record Report(String text) {}

    private final List<String> log = new CopyOnWriteArrayList<>();

    // ---- docs/async.md ----

    private Async<String> fetch(String url) {
        return Async.sleep(Duration.ofMillis(1)).map(v -> "<html>" + url + "</html>");
    }

    @Test
    void directStyleAwaitOnAVirtualThread() throws Exception {
        String url = "https://example.invalid/a";
        CompletableFuture<String> seen = new CompletableFuture<>();
        Thread vt =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        String page =
                                                Async.await(
                                                                fetch(url)
                                                                        .timeout(
                                                                                Duration.ofSeconds(
                                                                                        2)))
                                                        .value();
                                        seen.complete(page);
                                    } catch (InterruptedException e) {
                                        seen.completeExceptionally(e);
                                    }
                                });
        vt.join();
        assertThat(seen.get()).isEqualTo("<html>" + url + "</html>");
    }

    private Async<Integer> fetchCount(String key) {
        return Async.ready(key.length());
    }

    @Test
    void theAsyncMutexHoldsItsLockAcrossAPendingPoint() throws Exception {
        // docs/async.md, "AsyncMutex" (fetch returns a count here)
        AsyncMutex m = new AsyncMutex("counter");
        Map<String, Integer> store = new HashMap<>();
        Async<Integer> increment =
                m.lock()
                        .then(
                                guard ->
                                        fetchCount("k")
                                                .map(
                                                        v -> {
                                                            try (guard) {
                                                                return store.merge(
                                                                        "k", v, Integer::sum);
                                                            }
                                                        }));
        try (LocalExecutor ex = LocalExecutor.create("counter")) {
            assertThat(ex.blockOn(increment)).isEqualTo(1);
        }
        assertThat(m.isLocked()).isFalse(); // try (guard) released it
    }

    // ---- docs/cancellation.md ----

    /** A stand-in for the guide's connection: records the abort. */
    static final class Connection {
        final AtomicInteger aborts = new AtomicInteger();

        void abort() {
            aborts.incrementAndGet();
        }
    }

    @Test
    void tokensAsTheGuideWritesThem() {
        Connection connection = new Connection();
        var source = new CancellationSource();
        CancellationToken token = source.token();
        try (var r = token.onCancel(() -> connection.abort())) {
            source.cancel(new IOException("client went away")); // while registered: runs once
        }
        assertThat(connection.aborts).hasValue(1);
        assertThat(token.cause()).get().isInstanceOf(IOException.class);
        assertThatThrownBy(
                        () -> {
                            token.throwIfCancelled();
                        })
                .isInstanceOf(CancelledException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void linkedSourcesAsTheGuideWritesThem() {
        var request = new CancellationSource();
        var shutdown = new CancellationSource();
        CancellationToken requestToken = request.token();
        CancellationToken shutdownToken = shutdown.token();
        try (var perCall = CancellationSource.linkedTo(requestToken, shutdownToken)) {
            perCall.cancelAfter(Duration.ofMillis(300));
            assertThat(perCall.token().deadline().isNever()).isFalse();
        }
        assertThat(request.isCancelled()).isFalse(); // close() detaches, it does not cancel
        assertThat(shutdown.isCancelled()).isFalse();
    }

    private String fetchBlocking(String url) throws InterruptedException {
        CancelScope.checkpoint();
        return url;
    }

    @Test
    void aThreadOptsIntoTheRequestScope() throws Exception {
        String url = "u";
        AtomicReference<Deadline> seen = new AtomicReference<>();
        Deadline requestDeadline =
                CancelScope.withTimeout(
                        Duration.ofSeconds(30),
                        () -> {
                            CancelScope request = CancelScope.current();
                            JoinHandle<Async<String>> h =
                                    Threads.spawn(() -> request.enter(() -> fetch(url)));
                            h.join();
                            Threads.spawn(
                                            () ->
                                                    request.enter(
                                                            () -> {
                                                                seen.set(
                                                                        CancelScope.current()
                                                                                .deadline()); // bounded like the request
                                                                return null;
                                                            }))
                                    .join();
                            return request.deadline();
                        });
        assertThat(requestDeadline.isNever()).isFalse();
        assertThat(seen.get()).isEqualTo(requestDeadline);
    }

    @Test
    void aFailFastScopeCancelsTheOtherFetch() {
        String a = "slow";
        String b = "fails";
        AtomicBoolean stopped = new AtomicBoolean();
        assertThatThrownBy(
                        () ->
                                Threads.scope(
                                        s -> {
                                            s.spawn(() -> fetch(a));
                                            s.spawn(() -> fetch(b));
                                            s.spawn(() -> fetchOrFail(a, stopped));
                                            s.spawn(() -> fetchOrFail(b, stopped));
                                        }))
                .isInstanceOf(PanicException.class)
                .hasRootCauseMessage("fetch failed: fails");
        assertThat(stopped).isTrue();
    }

    private String fetchOrFail(String url, AtomicBoolean stopped) throws InterruptedException {
        if (url.equals("fails")) {
            throw new IllegalStateException("fetch failed: " + url);
        }
        try {
            Threads.sleep(
                    Duration.ofSeconds(30)); // a braid wait: stops when the scope is cancelled
            return url;
        } catch (CancelledException e) {
            stopped.set(true);
            throw e;
        }
    }

    /** A stand-in for the guide's logger. */
    final class Log {
        void warn(String message) {
            log.add(message);
        }
    }

    @Test
    void aTimeoutOnTheSharedWheelIsCancelledInOneCall() throws Exception {
        Log log = new Log();
        Timeout t =
                TimerWheel.shared().schedule(Duration.ofSeconds(5), () -> log.warn("slow call"));
        t.cancel();
        assertThat(t.isCancelled()).isTrue();
        assertThat(this.log).isEmpty();
    }

    // ---- docs/channels.md ----

    private final List<Job> ran = new CopyOnWriteArrayList<>();

    private void run(Job j) {
        ran.add(j);
    }

    @Test
    void theOpeningExampleAsTwoThreads() throws Exception {
        List<Job> work = List.of(new Job(1), new Job(2), new Job(3));
        Channel<Job> jobs = Channel.<Job>builder().name("jobs").bounded(16).build();
        JoinHandle<Void> producer =
                Threads.spawn(
                        () -> {
                            for (Job j : work) jobs.send(j);
                            jobs.close();
                            return null;
                        });
        for (Job j : jobs) {
            run(j);
        }
        producer.join();
        assertThat(ran).containsExactlyElementsOf(work);
    }

    private void shutDown(Optional<Throwable> cause) {
        log.add("closed " + cause.isPresent());
    }

    private void heartbeat() {
        log.add("heartbeat");
    }

    @Test
    void anExhaustiveSwitchOverATimedReceive() throws Exception {
        Channel<Job> jobs = Channel.bounded(4);
        jobs.send(new Job(1));
        jobs.close();
        for (int i = 0; i < 2; i++) {
            switch (jobs.recv(Duration.ofSeconds(1))) {
                case RecvResult.Received<Job> r -> run(r.value());
                case RecvResult.Closed<Job> c -> shutDown(c.cause());
                case RecvResult.TimedOut<Job> t -> heartbeat();
                case RecvResult.Empty<Job> e ->
                        throw new AssertionError("only tryRecv reports empty");
            }
        }
        assertThat(ran).containsExactly(new Job(1));
        assertThat(log).containsExactly("closed false");
    }

    private final List<String> applied = new CopyOnWriteArrayList<>();

    private void apply(String command) {
        applied.add(command);
    }

    @Test
    void aSelectLoopServesBothChannelsUntilStopped() throws Exception {
        Channel<Job> jobs = Channel.bounded(4);
        Channel<String> control = Channel.bounded(4);
        CancellationSource src = new CancellationSource();
        CancellationToken shutdown = src.token();
        JoinHandle<Void> server =
                Threads.spawn(
                        () -> {
                            SelectLoop.fair()
                                    .recv(jobs, this::run)
                                    .recv(control, this::apply)
                                    .idle(Duration.ofSeconds(1), this::heartbeat)
                                    .stopOn(shutdown)
                                    .run();
                            return null;
                        });
        jobs.send(new Job(9));
        control.send("reload");
        while (!(ran.size() == 1 && applied.size() == 1)) {
            Thread.sleep(1);
        }
        src.cancel("stop");
        server.join();
        assertThat(ran).containsExactly(new Job(9));
        assertThat(applied).containsExactly("reload");
    }

    /** A stand-in event loop: runs what it is given when drained. */
    static final class Loop {
        final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();

        void schedule(Runnable r) {
            queue.add(r);
        }
    }

    private final Loop loop = new Loop();
    private final AtomicInteger polls = new AtomicInteger();

    private void poll() {
        polls.incrementAndGet();
    }

    @Test
    void aReceiveRegistrationCallsTheLoopBackOnce() throws Exception {
        Channel<Job> jobs = Channel.bounded(4);
        RecvResult<Job> r = jobs.tryRecv();
        boolean readyAtOnce = false;
        if (r instanceof RecvResult.Empty<Job>) {
            RecvRegistration reg = jobs.registerRecv(() -> loop.schedule(this::poll));
            if (reg.isReady()) {
                readyAtOnce = true;
            }
        }
        jobs.send(new Job(1));
        Runnable next = loop.queue.poll();
        assertThat(readyAtOnce).isFalse();
        assertThat(next).as("the waker scheduled the loop's poll").isNotNull();
        next.run();
        assertThat(polls).hasValue(1);
        assertThat(loop.queue).isEmpty(); // called at most once
    }

    // ---- docs/pool.md ----

    record Scene(String name) {}

    record Image(String of) {}

    private Image render(Scene scene) {
        return new Image(scene.name());
    }

    private Report buildReport() {
        return new Report("ok");
    }

    @Test
    void theOpeningPoolExample() throws Exception {
        Scene scene = new Scene("teapot");
        try (var pool = WorkStealingPool.builder().parallelism(2).namePrefix("render").build()) {
            dev.braid.pool.TaskHandle<Image> h = pool.submit(() -> render(scene));
            Image img = h.join();
            assertThat(img).isEqualTo(new Image("teapot"));
        }
    }

    private Report reportWithin(WorkStealingPool pool) throws Exception {
        ExecutorService es = pool.asExecutorService();
        Future<Report> f = es.submit(() -> buildReport());
        try {
            return f.get(2, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw e;
        }
    }

    @Test
    void theExecutorServiceViewWithATimedGet() throws Exception {
        try (var pool = WorkStealingPool.builder().parallelism(2).build()) {
            assertThat(reportWithin(pool)).isEqualTo(new Report("ok"));
        }
    }

    // ---- docs/sync.md ----

    private final AtomicInteger warmed = new AtomicInteger();

    private void warmUp() {
        warmed.incrementAndGet();
    }

    @Test
    void aLatchOpensAfterItsCount() throws Exception {
        Latch ready = Latch.named("workers-ready", 3);
        for (int i = 0; i < 3; i++) {
            Threads.spawn(
                    () -> {
                        warmUp();
                        ready.countDown();
                    });
        }
        ready.await();
        assertThat(warmed).hasValue(3);
    }

    record Config(int port, boolean stale) {}

    private Config reload() {
        return new Config(8081, false);
    }

    private Config load() {
        return new Config(8080, true);
    }

    private final List<Config> used = new CopyOnWriteArrayList<>();

    private void use(Config c) {
        used.add(c);
    }

    @Test
    void theRwLockExampleAsTheGuideWritesIt() throws Exception {
        // --- docs/sync.md, "RwLock"
        RwLock<Config> config = RwLock.named("config", load());
        try (var r = config.read()) {
            use(r.get());
        }
        try (var w = config.write()) {
            w.set(reload());
        }
        long port = config.readOptimistic(c -> c.port()); // StampedLock-style, validated
        try (var u = config.upgradableRead()) { // readers alongside, one upgrader at a time
            if (u.get().stale()) {
                try (var w = u.upgrade()) {
                    w.set(reload());
                } // atomic: no writer in between
            }
        }
        // ---
        assertThat(used).containsExactly(new Config(8080, true));
        assertThat(port).isEqualTo(8081); // the write before it
        int after = config.readOptimistic(c -> c.port());
        assertThat(after).isEqualTo(8081); // the reloaded config is not stale: no second reload
    }

    @Test
    void theCondvarExampleAsTheGuideWritesIt() throws Exception {
        Mutex<java.util.ArrayDeque<String>> queue = new Mutex<>(new java.util.ArrayDeque<>());
        String job = "job-1";
        // --- docs/sync.md, "Condvar" (the waiting side on a thread of its own)
        Condvar nonEmpty = Condvar.named("nonEmpty");
        JoinHandle<String> consumer =
                Threads.spawn(
                        () -> {
                            try (var g = queue.lock()) {
                                nonEmpty.awaitUntil(g, q -> !q.isEmpty()); // re-checks
                                return g.get().poll();
                            }
                        });
        queue.withLock(q -> q.add(job));
        nonEmpty.notifyOne(); // or notifyAllWaiters()
        // ---
        assertThat(consumer.join()).isEqualTo("job-1");
    }

    @Test
    void anUpgradableReadUpgradesWithoutAWriterInBetween() throws Exception {
        RwLock<Config> config = RwLock.named("config", new Config(8080, true));
        try (var u = config.upgradableRead()) {
            if (u.get().stale()) {
                try (var w = u.upgrade()) {
                    w.set(reload());
                }
            }
        }
        int port = config.readOptimistic(c -> c.port());
        assertThat(port).isEqualTo(8081);
    }

    // ---- docs/testkit.md ----

    /** A registry that runs every listener, even after one throws (the guide's code under test). */
    static final class Registry {
        void fireAll(List<Runnable> listeners) {
            for (Runnable l : listeners) {
                try {
                    l.run();
                } catch (RuntimeException e) {
                    // a failing listener must not stop the others
                }
            }
        }
    }

    @Test
    void callbackFaultsReachTheRegistry() {
        Registry registry = new Registry();
        List<String> log = new CopyOnWriteArrayList<>();
        List<Runnable> listeners = List.of(Sim.callback(() -> log.add("a")), () -> log.add("b"));
        Simulation.builder()
                .faults(Fault.CALLBACK)
                .build()
                .explore(() -> registry.fireAll(listeners))
                .assertPassed();
        assertThat(log).contains("b");
    }

    /** The annotation forms of docs/testkit.md (not run here: read reflectively). */
    static final class Shown {
        @SimTest(replay = "braid1:random:13:7:wQI:fbacda73")
        void transfersKeepTheTotal() {}
    }

    @Test
    void theGuidesReplayStringIsAWellFormedSchedule() throws Exception {
        SimTest shown =
                Shown.class.getDeclaredMethod("transfersKeepTheTotal").getAnnotation(SimTest.class);
        Schedule s = Schedule.parse(shown.replay());
        assertThat(s.toString()).isEqualTo("braid1:random:13:7:wQI:fbacda73");
    }

    // ---- README.md, "Testing concurrent code deterministically" ----

    /** Two accounts under one mutex: the total never changes, whatever the interleaving. */
    @SimTest(schedules = 1000, seed = 42) // each schedule is a different interleaving
    void transfersNeverLoseMoney() throws Exception {
        Mutex<int[]> accounts = Mutex.named("accounts", new int[] {100, 100});
        List<JoinHandle<Void>> hs = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int from = t;
            hs.add(
                    Threads.spawn(
                            () -> {
                                accounts.update(
                                        a -> {
                                            a[from] -= 10;
                                            a[1 - from] += 10;
                                            return a;
                                        });
                                return null;
                            }));
        }
        for (JoinHandle<Void> h : hs) {
            h.join();
        }
        int total = accounts.withLock(a -> a[0] + a[1]);
        assertThat(total).isEqualTo(200);
    }

    // ---- docs/threads.md ----

    @Test
    void aPanicKeepsItsCauseAndTheThreadsName() {
        JoinHandle<Integer> bad = Threads.spawn(() -> Integer.parseInt("forty-two"));
        try {
            bad.join();
            throw new AssertionError("join returned");
        } catch (PanicException e) {
            Throwable cause = e.getCause();
            String who = e.threadName();
            assertThat(cause).isInstanceOf(NumberFormatException.class);
            assertThat(who).isEqualTo(bad.name());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
