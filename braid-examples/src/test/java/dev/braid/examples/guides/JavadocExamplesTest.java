package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.async.AsyncChannels;
import dev.braid.async.AsyncMutex;
import dev.braid.async.LocalExecutor;
import dev.braid.async.PoolExecutor;
import dev.braid.async.TaskHandle;
import dev.braid.async.TaskScope;
import dev.braid.async.ThreadedExecutor;
import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationCallbackException;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.channel.Channel;
import dev.braid.channel.Select;
import dev.braid.channel.SelectLoop;
import dev.braid.pool.CancelAware;
import dev.braid.pool.Joined;
import dev.braid.pool.PoolTask;
import dev.braid.pool.WorkStealingPool;
import dev.braid.rc.Arc;
import dev.braid.sync.Barrier;
import dev.braid.sync.BarrierWait;
import dev.braid.sync.Condvar;
import dev.braid.sync.Lazy;
import dev.braid.sync.Mutex;
import dev.braid.sync.OnceCell;
import dev.braid.sync.Permits;
import dev.braid.sync.RwLock;
import dev.braid.sync.Semaphore;
import dev.braid.testkit.Fault;
import dev.braid.testkit.Sim;
import dev.braid.testkit.Simulation;
import dev.braid.thread.Exit;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.ScopePolicy;
import dev.braid.thread.Threads;
import dev.braid.time.PeriodicTimer;
import dev.braid.time.Timeout;
import dev.braid.time.TimerWheel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The examples in braid's Javadoc ({@code <pre>{@code ...}</pre>} blocks of braid-core and
 * braid-testkit), compiled and run, each as its class comment shows it, with small local stand-ins
 * for the names the comment leaves free. {@link DocSnippetsTest} names the Javadoc line when one of
 * them changes without this file.
 */
@SuppressWarnings("try") // guards held for their scope, as the examples show
class JavadocExamplesTest {
    record Job(int id) {}

    record Image(String of) {}

    record User(int id) {}

    record Order(int id) {}

    private final List<Object> used = new CopyOnWriteArrayList<>();

    private void use(Object o) {
        used.add(o);
    }

    private final List<Job> ran = new CopyOnWriteArrayList<>();

    private void run(Job j) {
        ran.add(j);
    }

    private Async<String> fetch(String url) {
        return Async.ready("body of " + url);
    }

    // ---- dev.braid.async ----

    @Test
    void asyncChannels() throws Exception {
        Channel<Integer> numbers = Channel.bounded(2);
        numbers.send(20);
        numbers.send(22);
        Async<Integer> sum =
                AsyncChannels.recv(numbers)
                        .then(
                                a ->
                                        AsyncChannels.recv(numbers)
                                                .map(b -> a.orElseThrow() + b.orElseThrow()));
        try (LocalExecutor ex = LocalExecutor.create("sum")) {
            assertThat(ex.blockOn(sum)).isEqualTo(42);
        }
    }

    @Test
    void asyncMutex() throws Exception {
        Map<String, Integer> cache = new HashMap<>();
        String key = "k";
        AsyncMutex m = new AsyncMutex("cache");
        Async<Integer> update =
                m.lock()
                        .map(
                                guard -> {
                                    try (guard) {
                                        return cache.merge(key, 1, Integer::sum);
                                    }
                                });
        try (LocalExecutor ex = LocalExecutor.create("cache")) {
            assertThat(ex.blockOn(update)).isEqualTo(1);
        }
        assertThat(m.isLocked()).isFalse();
    }

    @Test
    void localExecutor() throws Exception {
        int result;
        try (LocalExecutor ex = LocalExecutor.create("main")) {
            TaskHandle<Integer> a = ex.spawn("a", Async.sleep(Duration.ofMillis(10)).map(v -> 1));
            int two = ex.blockOn(a.map(x -> x + 1));
            result = two;
        }
        assertThat(result).isEqualTo(2);
    }

    @Test
    void poolAndThreadedExecutors() throws Exception {
        String url = "u";
        List<String> bodies = new ArrayList<>();
        try (PoolExecutor ex = PoolExecutor.create("io", 4)) {
            TaskHandle<String> h = ex.spawn("fetch", fetch(url));
            String body = h.join();
            bodies.add(body);
        }
        try (ThreadedExecutor ex = ThreadedExecutor.create("io", 4)) {
            TaskHandle<String> h = ex.spawn("fetch", fetch(url));
            String body = h.join();
            bodies.add(body);
        }
        assertThat(bodies).containsExactly("body of u", "body of u");
    }

    private Async<User> fetchUser(int id) {
        return Async.ready(new User(id));
    }

    private Async<List<Order>> fetchOrders(int id) {
        return Async.sleep(Duration.ofMillis(2)).map(v -> List.of(new Order(id)));
    }

    private String render(User u, List<Order> orders) {
        return u.id() + ":" + orders.size();
    }

    private String page(ThreadedExecutor executor, int id) throws Exception {
        try (TaskScope scope = TaskScope.open(executor, ScopePolicy.FAIL_FAST)) {
            TaskHandle<User> user = scope.spawn("user", fetchUser(id));
            TaskHandle<List<Order>> orders = scope.spawn("orders", fetchOrders(id));
            scope.join();
            return render(user.join(), orders.join());
        }
    }

    @Test
    void taskScope() throws Exception {
        try (ThreadedExecutor executor = ThreadedExecutor.create("pages", 2)) {
            assertThat(page(executor, 7)).isEqualTo("7:1");
        }
    }

    // ---- dev.braid.cancel ----

    @Test
    void cancelScopeWithTimeout() throws Exception {
        Mutex<Map<String, String>> cache = new Mutex<>(new HashMap<>());
        JoinHandle<String> worker = Threads.spawn(() -> "done");
        worker.join(); // ended before the example's 2 s deadline starts: a slow machine cannot
        // miss it
        String body =
                CancelScope.withTimeout(
                        Duration.ofSeconds(2),
                        () -> {
                            try (var g = cache.lock()) {
                                g.get().put("seen", "yes");
                            }
                            return worker.join();
                        });
        assertThat(body).isEqualTo("done");
    }

    @Test
    void aCapturedScopeBoundsASpawnedThread() throws Exception {
        String url = "u";
        Async<String> fetched =
                CancelScope.withTimeout(
                        Duration.ofSeconds(5),
                        () -> {
                            CancelScope request = CancelScope.current();
                            JoinHandle<Async<String>> h =
                                    Threads.spawn(() -> request.enter(() -> fetch(url)));
                            return h.join();
                        });
        assertThat(fetched).isNotNull();
    }

    /** A stand-in connection. */
    static final class Conn {
        final AtomicInteger aborts = new AtomicInteger();
        final AtomicInteger queries = new AtomicInteger();

        void abort() {
            aborts.incrementAndGet();
        }

        void query(String sql) {
            queries.incrementAndGet();
        }
    }

    @Test
    void cancellationRegistrationAndLinkedSource() throws Exception {
        CancellationSource request = new CancellationSource();
        CancellationToken token = request.token();
        Conn conn = new Conn();
        try (var r = token.onCancel(conn::abort)) {
            conn.query("select 1");
        }
        request.cancel("gone");
        assertThat(conn.aborts).hasValue(0); // deregistered before the cancel
        assertThat(conn.queries).hasValue(1);

        CancellationSource request2 = new CancellationSource();
        assertThat(linkedCall(request2)).isEqualTo("ok");
        assertThat(request2.isCancelled()).isFalse();
    }

    /** A stand-in backend. */
    static final class Backend {
        String call() throws InterruptedException {
            CancelScope.checkpoint();
            return "ok";
        }
    }

    private final Backend backend = new Backend();

    private String linkedCall(CancellationSource request) throws Exception {
        String answer;
        try (var source = CancellationSource.linkedTo(request.token())) {
            source.cancelAfter(Duration.ofSeconds(2));
            answer = CancelScope.withToken(source.token(), () -> backend.call());
        }
        return answer;
    }

    @Test
    void barrier() throws Exception {
        int workers = 3;
        Barrier step = Barrier.named("step", workers);
        List<JoinHandle<Object>> hs = new ArrayList<>();
        for (int part = 0; part < workers; part++) {
            int p = part;
            hs.add(Threads.spawn(() -> stepOnce(step, p)));
        }
        for (JoinHandle<Object> h : hs) {
            assertThat(h.join()).isEqualTo("passed");
        }
        assertThat(computed).hasValue(3);
    }

    private final AtomicInteger computed = new AtomicInteger();

    private void compute(int part) {
        computed.incrementAndGet();
    }

    private Object stepOnce(Barrier step, int part) throws InterruptedException {
        compute(part);
        if (step.await() instanceof BarrierWait.Broken b) {
            return b.reason();
        }
        return "passed";
    }

    @Test
    void semaphore() throws Exception {
        Semaphore connections = Semaphore.named("db", 10);
        try (Permits p = connections.acquire(1)) {
            assertThat(connections.availablePermits()).isEqualTo(9);
        }
        assertThat(connections.availablePermits()).isEqualTo(10);
    }

    // ---- dev.braid.channel ----

    @Test
    void channelClassExample() throws Exception {
        Job job = new Job(1);
        Channel<Job> jobs = Channel.<Job>builder().name("jobs").bounded(16).build();
        // producer
        jobs.send(job);
        jobs.close();
        // consumer
        for (Job j : jobs) {
            run(j);
        }
        assertThat(ran).containsExactly(job);
    }

    @Test
    void selectClassExample() throws Exception {
        Channel<Job> jobs = Channel.bounded(1);
        Channel<String> results = Channel.bounded(1);
        String result = "r";
        JoinHandle<Integer> worker = Threads.spawn(() -> 1);
        jobs.send(new Job(3));
        String what =
                Select.<String>biased()
                        .recv(jobs, job -> "job " + job)
                        .send(results, result, () -> "sent")
                        .joined(worker, exit -> "worker ended: " + exit)
                        .timeout(Duration.ofSeconds(1), () -> "idle")
                        .run();
        assertThat(what).isEqualTo("job " + new Job(3)); // biased: the first ready clause
    }

    private final List<String> applied = new CopyOnWriteArrayList<>();

    private void apply(String c) {
        applied.add(c);
    }

    private void heartbeat() {}

    @Test
    void selectLoopClassExample() throws Exception {
        Channel<Job> jobs = Channel.bounded(2);
        Channel<String> control = Channel.bounded(2);
        jobs.send(new Job(5));
        control.send("reload");
        jobs.close();
        control.close();
        SelectLoop.fair()
                .recv(jobs, this::run)
                .recv(control, this::apply)
                .idle(Duration.ofSeconds(1), this::heartbeat)
                .run();
        assertThat(ran).containsExactly(new Job(5));
        assertThat(applied).containsExactly("reload");
    }

    // ---- dev.braid.pool ----

    /** A stand-in listener. */
    static final class Listener {
        final List<Object> dropped = new CopyOnWriteArrayList<>();

        void dropped(Object job) {
            dropped.add(job);
        }
    }

    @Test
    void cancelAware() throws Exception {
        Listener listener = new Listener();
        AtomicInteger runs = new AtomicInteger();
        final class Job implements Runnable, CancelAware {
            public void run() {
                runs.incrementAndGet();
            }

            public void cancelledBeforeStart() {
                listener.dropped(this);
            }
        }
        try (var pool = WorkStealingPool.builder().parallelism(1).build()) {
            pool.submit(new Job());
        }
        assertThat(runs.get() + listener.dropped.size()).isEqualTo(1);
    }

    static final class Fib extends PoolTask<Long> {
        final int n;

        Fib(int n) {
            this.n = n;
        }

        @Override
        protected Long compute() {
            if (n < 2) return (long) n;
            Fib f = new Fib(n - 2);
            f.fork();
            return new Fib(n - 1).compute() + f.join();
        }
    }

    @Test
    void poolTaskFib() {
        long result;
        try (var pool = new WorkStealingPool()) {
            long r = pool.invoke(new Fib(30));
            result = r;
        }
        assertThat(result).isEqualTo(832_040L);
    }

    private Image render(String scene) {
        return new Image(scene);
    }

    static long fib(WorkStealingPool pool, int n) {
        if (n < 2) return n;
        Joined<Long, Long> r = pool.join(() -> fib(pool, n - 1), () -> fib(pool, n - 2));
        return r.first() + r.second();
    }

    static long fibLong(WorkStealingPool pool, int n) {
        return n < 2
                ? n
                : pool.joinLong(() -> fibLong(pool, n - 1), () -> fibLong(pool, n - 2), Long::sum);
    }

    @Test
    void workStealingPoolClassExample() throws Exception {
        String scene = "teapot";
        long m;
        try (var pool = WorkStealingPool.builder().parallelism(8).namePrefix("render").build()) {
            dev.braid.pool.TaskHandle<Image> h = pool.submit(() -> render(scene));
            long n = pool.submit(() -> fib(pool, 30)).join();
            assertThat(h.join()).isEqualTo(new Image("teapot"));
            assertThat(n).isEqualTo(832_040L);
            m = pool.submit(() -> fibLong(pool, 20)).join();
        }
        assertThat(m).isEqualTo(6_765L);
    }

    // ---- dev.braid.rc, dev.braid.sync ----

    /** A stand-in resource. */
    static final class Connection implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /** A stand-in connection pool. */
    static final class Connections {
        Connection open() {
            return new Connection();
        }
    }

    @Test
    void arc() throws Exception {
        Connections pool = new Connections();
        Connection opened;
        JoinHandle<Void> t;
        try (Arc<Connection> conn = Arc.of(pool.open())) {
            opened = conn.get();
            Arc<Connection> forWorker = conn.share();
            t =
                    Threads.spawn(
                            () -> {
                                try (forWorker) {
                                    use(forWorker.get());
                                }
                            });
            use(conn.get());
        }
        t.join();
        assertThat(opened.closes).hasValue(1); // whichever release was last closed it, once
        assertThat(used).hasSize(2);
    }

    @Test
    void condvar() throws Exception {
        Job job = new Job(4);
        Mutex<Deque<Job>> jobs = new Mutex<>(new ArrayDeque<>());
        Condvar nonEmpty = new Condvar();
        JoinHandle<Void> consumer =
                Threads.spawn(
                        () -> {
                            try (var g = jobs.lock()) {
                                nonEmpty.awaitUntil(g, q -> !q.isEmpty());
                                run(g.get().poll());
                            }
                            return null;
                        });
        // producer
        jobs.withLock(q -> q.add(job));
        nonEmpty.notifyOne();
        consumer.join();
        assertThat(ran).containsExactly(job);
    }

    private static final Lazy<Pattern> WORD = Lazy.of(() -> Pattern.compile("\\w+"));

    @Test
    void lazy() {
        assertThat(WORD.get().matcher("braid").matches()).isTrue();
    }

    @Test
    void mutex() throws Exception {
        Mutex<List<String>> names = new Mutex<>(new ArrayList<>());
        try (var g = names.lock()) {
            g.get().add("ada");
        }
        int n = names.withLock(List::size);
        assertThat(n).isEqualTo(1);
    }

    record Config(String name) {
        static Config load() {
            return new Config("loaded");
        }
    }

    @Test
    void onceCell() throws Exception {
        OnceCell<Config> config = OnceCell.named("config");
        Config c = config.getOrInit(Config::load);
        assertThat(c).isSameAs(config.getOrInit(() -> new Config("second")));
    }

    private Integer load(String key) {
        return key.length();
    }

    private void cacheOnce(RwLock<Map<String, Integer>> cache, String key) throws Exception {
        try (var u = cache.upgradableRead()) {
            if (u.get().containsKey(key)) return;
            try (var w = u.upgrade()) {
                w.get().put(key, load(key));
            }
        }
    }

    @Test
    void rwLock() throws Exception {
        RwLock<Map<String, Integer>> prices = new RwLock<>(new HashMap<>());
        try (var r = prices.read()) {
            use(r.get().get("tea"));
        }
        try (var w = prices.write()) {
            w.get().put("tea", 3);
        }
        int n = prices.withRead(Map::size);
        assertThat(n).isEqualTo(1);
        RwLock<Map<String, Integer>> cache = new RwLock<>(new HashMap<>());
        cacheOnce(cache, "abc");
        cacheOnce(cache, "abc");
        int size = cache.withRead(Map::size);
        assertThat(size).isEqualTo(1);
    }

    // ---- dev.braid.thread ----

    private int wakes;

    private void wake() {
        wakes++;
    }

    private void waitForSomethingElse() throws InterruptedException {
        Threads.sleep(Duration.ofMillis(1));
    }

    @Test
    void exitAndFinishRegistration() throws Exception {
        JoinHandle<Integer> handle = Threads.spawn(() -> 42);
        handle.join();
        String what =
                switch (handle.tryJoin().orElseThrow()) {
                    case Exit.Returned<Integer> r -> "value " + r.value();
                    case Exit.Panicked<Integer> p -> "panic " + p.cause();
                    case Exit.Cancelled<Integer> c -> "stopped: " + c.exception().getMessage();
                };
        assertThat(what).isEqualTo("value 42");
        try (var r = handle.onFinish(exit -> wake())) {
            waitForSomethingElse();
        }
        assertThat(wakes).as("a finished handle runs the callback at once").isEqualTo(1);
    }

    private final Map<Integer, Boolean> worked = new ConcurrentHashMap<>();

    private void work(int part) {
        worked.put(part, true);
    }

    @Test
    void threads() throws Exception {
        JoinHandle<Integer> h = Threads.spawn(() -> 6 * 7);
        int answer = h.join();
        Threads.scope(
                s -> {
                    s.spawn(() -> work(1));
                    s.spawn(() -> work(2));
                });
        assertThat(answer).isEqualTo(42);
        assertThat(worked).containsOnlyKeys(1, 2);
    }

    // ---- dev.braid.time ----

    private final AtomicInteger beats = new AtomicInteger();

    private void beat() {
        beats.incrementAndGet();
    }

    /** A stand-in logger. */
    final class Log {
        final List<String> lines = new CopyOnWriteArrayList<>();

        void warn(String s) {
            lines.add(s);
        }
    }

    @Test
    void timers() throws Exception {
        PeriodicTimer heartbeat =
                TimerWheel.shared()
                        .scheduleAtFixedRate(Duration.ZERO, Duration.ofSeconds(1), this::beat);
        while (beats.get() == 0) {
            Thread.sleep(1);
        }
        heartbeat.cancel();
        Log log = new Log();
        Timeout t = TimerWheel.shared().schedule(Duration.ofSeconds(5), () -> log.warn("slow"));
        t.cancel();
        assertThat(t.isCancelled()).isTrue();
        assertThat(log.lines).isEmpty();
    }

    // ---- dev.braid.testkit ----

    @Test
    void simCallbackUnderInjection() {
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicInteger injected = new AtomicInteger();
        Simulation.builder()
                .faults(Fault.CALLBACK)
                .schedules(50)
                .build()
                .explore(
                        () -> {
                            CancellationSource src = new CancellationSource();
                            CancellationToken scope = src.token();
                            scope.onCancel(Sim.callback(() -> log.add("cancelled")));
                            try {
                                src.cancel("stop");
                            } catch (CancellationCallbackException e) {
                                injected.incrementAndGet(); // the injected throw reached the
                                // canceller
                            }
                        })
                .assertPassed();
        assertThat(log).contains("cancelled");
        assertThat(injected.get()).as("schedules that injected the fault").isPositive();
    }
}
