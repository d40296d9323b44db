package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.channel.Channel;
import dev.braid.pool.WorkStealingPool;
import dev.braid.thread.ScopePolicy;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on every public method of {@code dev.braid.async} (the audit; {@code
 * dev.braid.api.HostileInputTest} covers the channel and pool packages and did not list this one):
 * a null, an empty list, a zero or negative size is refused with an exception naming the argument,
 * and the executor or scope is left as it was (no task spawned). The API is enumerated by
 * reflection over the package's compiled classes, so a new public method without a case fails
 * {@link #everyMethodIsCovered}.
 */
class AsyncHostileInputTest {
    /** Parameters that legitimately accept any value, with the reason. */
    private static final Map<String, String> EXEMPT =
            Map.ofEntries(
                    Map.entry("Async.ready(Object)", "a future's value may be null"),
                    Map.entry("Poll.ready(Object)", "a future's value may be null"),
                    Map.entry("Poll$Ready.<init>(Object)", "a future's value may be null"),
                    Map.entry("Poll$Ready.equals(Object)", "equals accepts anything"),
                    Map.entry("Poll$Pending.equals(Object)", "equals accepts anything"),
                    Map.entry("Timed$Done.<init>(Object)", "plain data: the value may be null"),
                    Map.entry("Timed$Done.equals(Object)", "equals accepts anything"),
                    Map.entry("Timed$Elapsed.equals(Object)", "equals accepts anything"),
                    Map.entry("Selected.<init>(int, Object)", "plain data: made by select"),
                    Map.entry("Selected.equals(Object)", "equals accepts anything"),
                    Map.entry(
                            "TaskPanicException.<init>(String, Throwable)",
                            "wraps what it is given"),
                    Map.entry(
                            "AsyncChannels$SelectBuilder.send(Sender, Object, Supplier)",
                            "case send#element and send#tx"),
                    Map.entry("Context.<init>(Waker)", "case Context#waker"));

    private record Case(ThrowingCallable call, Class<? extends Throwable> type, String mentions) {}

    private final Map<String, Case> cases = new LinkedHashMap<>();
    private final LocalExecutor local = LocalExecutor.create("hostile");
    private final ThreadedExecutor threaded = ThreadedExecutor.create("hostile", 1);
    private final WorkStealingPool pool =
            WorkStealingPool.builder().parallelism(1).namePrefix("hostile").build();
    private final PoolExecutor onPool = PoolExecutor.on("hostile", pool);

    @AfterEach
    void close() {
        onPool.close();
        pool.close();
        threaded.close();
        local.close();
    }

    private void npe(String sig, String argument, ThrowingCallable call) {
        cases.put(sig, new Case(call, NullPointerException.class, argument));
    }

    private void iae(String sig, String argument, ThrowingCallable call) {
        cases.put(sig, new Case(call, IllegalArgumentException.class, argument));
    }

    private void build() {
        Async<Integer> one = Async.ready(1);
        npe("Async.map(Function)", "f", () -> one.map(null));
        npe("Async.then(Function)", "next", () -> one.then(null));
        npe("Async.timeout(Duration)", "timeout", () -> one.timeout(null));
        npe(
                "Async.cancelAfter(Deadline, CancellationToken)",
                "deadline",
                () -> one.cancelAfter(null, CancellationToken.none()));
        npe(
                "Async.cancelAfter(Deadline, CancellationToken)#token",
                "token",
                () -> one.cancelAfter(Deadline.never(), null));
        npe("Async.ensure(Runnable)", "cleanup", () -> one.ensure(null));
        npe("Async.failed(Throwable)", "failure", () -> Async.failed(null));
        npe("Async.sleep(Duration)", "duration", () -> Async.sleep(null));
        npe("Async.sleepUntil(Deadline)", "deadline", () -> Async.sleepUntil(null));
        npe("Async.cancelled(CancellationToken)", "token", () -> Async.cancelled(null));
        npe("Async.join(JoinHandle)", "thread", () -> Async.join(null));
        npe("Async.joinAll(List)", "futures", () -> Async.joinAll(null));
        npe(
                "Async.joinAll(List)#element",
                "futures[1]",
                () -> Async.joinAll(Arrays.asList(one, null)));
        npe("Async.race(List)", "futures", () -> Async.race(null));
        iae("Async.race(List)#empty", "futures", () -> Async.race(List.of()));
        npe("Async.race(List)#element", "futures[0]", () -> Async.race(Arrays.asList(null, one)));
        npe("Async.select(List)", "futures", () -> Async.select(null));
        iae("Async.select(List)#empty", "futures", () -> Async.select(List.of()));
        npe("Async.firstSuccess(List)", "futures", () -> Async.firstSuccess(null));
        iae("Async.firstSuccess(List)#empty", "futures", () -> Async.firstSuccess(List.of()));
        npe("Async.fromStage(CompletionStage)", "stage", () -> Async.fromStage(null));
        npe("Async.spawnBlocking(Callable)", "body", () -> Async.spawnBlocking(null));
        npe("Async.await(Async)", "future", () -> Async.await(null));

        Channel<Integer> ch = Channel.bounded(1);
        npe("AsyncChannels.recv(Receiver)", "rx", () -> AsyncChannels.recv(null));
        npe("AsyncChannels.send(Sender, Object)", "tx", () -> AsyncChannels.send(null, 1));
        npe(
                "AsyncChannels.send(Sender, Object)#element",
                "element",
                () -> AsyncChannels.send(ch, null));
        npe(
                "AsyncChannels$SelectBuilder.recv(Receiver, Function)",
                "rx",
                () -> AsyncChannels.<String>select().recv(null, v -> "x"));
        npe(
                "AsyncChannels$SelectBuilder.recv(Receiver, Function)#onValue",
                "onValue",
                () -> AsyncChannels.<String>select().recv(ch, null));
        npe(
                "AsyncChannels$SelectBuilder.send(Sender, Object, Supplier)#tx",
                "tx",
                () -> AsyncChannels.<String>select().send(null, 1, () -> "x"));
        npe(
                "AsyncChannels$SelectBuilder.send(Sender, Object, Supplier)#element",
                "element",
                () -> AsyncChannels.<String>select().send(ch, null, () -> "x"));
        npe(
                "AsyncChannels$SelectBuilder.send(Sender, Object, Supplier)#onSent",
                "onSent",
                () -> AsyncChannels.<String>select().send(ch, 1, null));

        npe("AsyncMutex.<init>(String)", "name", () -> new AsyncMutex(null));
        iae("AsyncMutex.<init>(String)#blank", "name", () -> new AsyncMutex(" "));
        npe("AsyncMutex.withLock(Function)", "body", () -> new AsyncMutex("m").withLock(null));
        npe("Context.<init>(Waker)#waker", "waker", () -> new Context(null));

        npe("LocalExecutor.create(String)", "name", () -> LocalExecutor.create(null));
        iae("LocalExecutor.create(String)#blank", "name", () -> LocalExecutor.create(""));
        npe("LocalExecutor.spawn(Async)", "future", () -> local.spawn(null));
        npe("LocalExecutor.spawn(String, Async)", "name", () -> local.spawn(null, one));
        npe("LocalExecutor.spawn(String, Async)#future", "future", () -> local.spawn("n", null));
        npe("LocalExecutor.blockOn(Async)", "future", () -> local.blockOn(null));

        npe("ThreadedExecutor.create(String, int)", "name", () -> ThreadedExecutor.create(null, 1));
        iae(
                "ThreadedExecutor.create(String, int)#zero",
                "threads",
                () -> ThreadedExecutor.create("t", 0));
        iae(
                "ThreadedExecutor.create(String, int)#negative",
                "threads",
                () -> ThreadedExecutor.create("t", -3));
        npe("ThreadedExecutor.create(String)", "name", () -> ThreadedExecutor.create(null));
        npe("ThreadedExecutor.spawn(Async)", "future", () -> threaded.spawn(null));
        npe("ThreadedExecutor.spawn(String, Async)", "name", () -> threaded.spawn(null, one));
        npe(
                "ThreadedExecutor.spawn(String, Async)#future",
                "future",
                () -> threaded.spawn("n", null));

        npe("PoolExecutor.create(String, int)", "name", () -> PoolExecutor.create(null, 1));
        iae(
                "PoolExecutor.create(String, int)#zero",
                "parallelism",
                () -> PoolExecutor.create("p", 0));
        npe("PoolExecutor.on(String, WorkStealingPool)", "pool", () -> PoolExecutor.on("p", null));
        npe(
                "PoolExecutor.on(String, WorkStealingPool)#name",
                "name",
                () -> PoolExecutor.on(null, pool));
        npe("PoolExecutor.spawn(Async)", "future", () -> onPool.spawn(null));
        npe("PoolExecutor.spawn(String, Async)", "name", () -> onPool.spawn(null, one));
        npe("PoolExecutor.spawn(String, Async)#future", "future", () -> onPool.spawn("n", null));

        TaskHandle<Integer> h = local.spawn(one);
        npe("TaskHandle.poll(Context)", "cx", () -> h.poll(null));
        npe("TaskHandle.join(Duration)", "timeout", () -> h.join((Duration) null));
        npe("TaskHandle.join(Deadline)", "deadline", () -> h.join((Deadline) null));

        npe(
                "TaskScope.open(AsyncExecutor, ScopePolicy)",
                "executor",
                () -> TaskScope.open(null, ScopePolicy.FAIL_FAST));
        npe(
                "TaskScope.open(AsyncExecutor, ScopePolicy)#policy",
                "policy",
                () -> TaskScope.open(threaded, null));
        npe(
                "TaskScope.open(AsyncExecutor, ScopePolicy, Deadline)",
                "deadline",
                () -> TaskScope.open(threaded, ScopePolicy.FAIL_FAST, null));
        TaskScope scope = TaskScope.open(threaded, ScopePolicy.FAIL_FAST);
        npe("TaskScope.spawn(Async)", "future", () -> scope.spawn(null));
        npe("TaskScope.spawn(String, Async)", "name", () -> scope.spawn(null, one));
        npe("TaskScope.spawn(String, Async)#future", "future", () -> scope.spawn("n", null));
        cases.put(
                "TaskScope.closeScope",
                new Case(
                        () -> {
                            scope.join();
                            scope.close();
                            throw new IllegalStateException("scope: closed");
                        },
                        IllegalStateException.class,
                        "scope"));
        npe("AsyncMutex$Guard.poll(Context)", "cx", () -> new AsyncMutex("m").lock().poll(null));
    }

    @Test
    void everyCaseThrowsAClearExceptionAndLeavesStateUnchanged() {
        build();
        List<String> before =
                List.of(local.dumpTasks().size() + "", threaded.dumpTasks().size() + "");
        cases.forEach(
                (sig, c) ->
                        assertThatThrownBy(c.call())
                                .as(sig)
                                .isInstanceOf(c.type())
                                .hasMessageContaining(c.mentions()));
        assertThat(List.of(local.dumpTasks().size() + "", threaded.dumpTasks().size() + ""))
                .as("no task spawned by a refused call")
                .isEqualTo(before);
    }

    @Test
    void everyMethodIsCovered() throws Exception {
        build();
        Set<String> covered =
                cases.keySet().stream()
                        .map(k -> k.replaceAll("#.*", ""))
                        .collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (Class<?> c : publicClassesOfThePackage()) {
            List<Executable> units = new ArrayList<>(Arrays.asList(c.getDeclaredConstructors()));
            units.addAll(Arrays.asList(c.getDeclaredMethods()));
            for (Executable u : units) {
                int m = u.getModifiers();
                if (!Modifier.isPublic(m)
                        || u.isSynthetic()
                        || Modifier.isAbstract(m)
                        || u instanceof Method method && method.isBridge()) {
                    continue;
                }
                boolean checkable =
                        Arrays.stream(u.getParameterTypes())
                                .anyMatch(t -> !t.isPrimitive() || t == int.class);
                if (!checkable) {
                    continue;
                }
                String params =
                        Arrays.stream(u.getParameterTypes())
                                .map(AsyncHostileInputTest::simple)
                                .collect(Collectors.joining(", "));
                String name = u instanceof Constructor<?> ? "<init>" : u.getName();
                String sig = simple(c) + "." + name + "(" + params + ")";
                if (!covered.contains(sig) && !EXEMPT.containsKey(sig)) {
                    missing.add(sig);
                }
            }
        }
        assertThat(missing)
                .as("public methods of dev.braid.async without a hostile-input case or exemption")
                .isEmpty();
    }

    /** Every public class of the package, read from its compiled classes (no classpath scan). */
    private static List<Class<?>> publicClassesOfThePackage() throws Exception {
        Path dir =
                Path.of(
                                LocalExecutor.class
                                        .getProtectionDomain()
                                        .getCodeSource()
                                        .getLocation()
                                        .toURI())
                        .resolve("dev/braid/async");
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String n = f.getFileName().toString();
                if (n.equals("package-info.class") || n.equals("module-info.class")) {
                    continue;
                }
                Class<?> c = Class.forName("dev.braid.async." + n.substring(0, n.length() - 6));
                if (Modifier.isPublic(c.getModifiers()) && !c.isAnonymousClass()) {
                    out.add(c);
                }
            }
        }
        assertThat(out)
                .as("the package's classes were found")
                .contains(Async.class, TaskScope.class);
        return out;
    }

    private static String simple(Class<?> t) {
        if (t.isPrimitive()) {
            return t.getName();
        }
        if (t.isArray()) {
            return simple(t.getComponentType()) + "[]";
        }
        String n = t.getName();
        return n.substring(n.lastIndexOf('.') + 1);
    }
}
