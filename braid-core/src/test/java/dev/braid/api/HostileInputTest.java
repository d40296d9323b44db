package dev.braid.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.braid.atomic.AtomicRefArray;
import dev.braid.atomic.Ordering;
import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.pool.PoolScope;
import dev.braid.pool.PoolTask;
import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkDeque;
import dev.braid.pool.WorkStealingPool;
import dev.braid.rc.Arc;
import dev.braid.rc.LeakDetector;
import dev.braid.rc.LeakReport;
import dev.braid.rc.Rc;
import dev.braid.sync.Barrier;
import dev.braid.sync.BarrierWait;
import dev.braid.sync.Condvar;
import dev.braid.sync.Latch;
import dev.braid.sync.Lazy;
import dev.braid.sync.LockOrderChecker;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.sync.OnceCell;
import dev.braid.sync.RwLock;
import dev.braid.sync.RwLockWriteGuard;
import dev.braid.sync.Semaphore;
import dev.braid.thread.Exit;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Panics;
import dev.braid.thread.ThreadBuilder;
import dev.braid.thread.ThreadLocalKey;
import dev.braid.thread.Threads;
import dev.braid.time.TimerWheel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Every public method or constructor of the exported API that takes a reference or a size rejects
 * bad arguments with a clear exception naming the argument, and leaves state unchanged. The API is
 * enumerated reflectively, so a new method without a case here fails {@link #everyMethodIsCovered}.
 */
class HostileInputTest {
    private static final Set<String> EXPORTED =
            Set.of(
                    "dev.braid.atomic",
                    "dev.braid.cancel",
                    "dev.braid.time",
                    "dev.braid.thread",
                    "dev.braid.sync",
                    "dev.braid.rc",
                    "dev.braid.channel",
                    "dev.braid.pool");

    /** Parameters that legitimately accept any value, with the reason. */
    private static final Map<String, String> EXEMPT =
            Map.ofEntries(
                    Map.entry("Mutex.<init>(Object)", "the protected value may be null"),
                    Map.entry("MutexGuard.set(Object)", "the protected value may be null"),
                    Map.entry("RwLock.<init>(Object)", "the protected value may be null"),
                    Map.entry("RwLockWriteGuard.set(Object)", "the protected value may be null"),
                    Map.entry("Mutex$Builder.build(Object)", "the protected value may be null"),
                    Map.entry("RwLock$Builder.build(Object)", "the protected value may be null"),
                    Map.entry("WaitOutcome.valueOf(String)", "enum valueOf: the JDK's checks"),
                    Map.entry("ScopePolicy.valueOf(String)", "enum valueOf: the JDK's checks"),
                    Map.entry("ThreadLocalKey.set(Object)", "thread-local values may be null"),
                    Map.entry(
                            "JoinOutcome$Finished.<init>(Object)", "a thread's value may be null"),
                    Map.entry("Deadline.equals(Object)", "equals accepts anything"),
                    Map.entry("JoinOutcome$Finished.equals(Object)", "equals accepts anything"),
                    Map.entry("JoinOutcome$TimedOut.equals(Object)", "equals accepts anything"),
                    Map.entry("ThreadBuilder.daemon(boolean)", "every boolean is valid"),
                    Map.entry("LeakReport.equals(Object)", "equals accepts anything"),
                    Map.entry("BarrierWait$Passed.equals(Object)", "equals accepts anything"),
                    Map.entry("BarrierWait$TimedOut.equals(Object)", "equals accepts anything"),
                    Map.entry("BarrierWait$Broken.equals(Object)", "equals accepts anything"),
                    Map.entry(
                            "BarrierWait$Passed.<init>(long, boolean)",
                            "plain data: any generation"),
                    Map.entry("BarrierWait$TimedOut.<init>(long)", "plain data: any generation"),
                    Map.entry(
                            "BarrierWait$BrokenReason.valueOf(String)",
                            "javac-generated; the JDK checks it"),
                    Map.entry("Release.valueOf(String)", "javac-generated; the JDK checks it"),
                    Map.entry(
                            "LeakDetector$Level.valueOf(String)",
                            "javac-generated; the JDK checks it"),
                    Map.entry(
                            "TimerWheel.scheduleAt(long, Runnable)",
                            "any nanoTime is valid (a past one fires at the next tick); task: case"
                                    + " scheduleAt#task"),
                    Map.entry("AtomicI32.<init>(int)", "every int is a valid initial value"),
                    Map.entry("AtomicI64.<init>(long)", "every long is a valid initial value"),
                    Map.entry("AtomicRef.<init>(Object)", "the value may be null"),
                    Map.entry("Plain.<init>(Object)", "the value may be null"),
                    Map.entry("Plain.set(Object)", "the value may be null"),
                    Map.entry("PanicException.<init>(String, Throwable)", "wraps what it is given"),
                    Map.entry("AtomicRefArray.store(int, Object, Ordering)", "case store#order"),
                    Map.entry("AtomicRefArray.swap(int, Object, Ordering)", "case swap#index"),
                    Map.entry(
                            "AtomicRefArray.compareExchange(int, Object, Object, Ordering,"
                                    + " Ordering)",
                            "case compareExchange#failure"),
                    Map.entry("Steal$Success.<init>(Object)", "plain data: made by the deque"),
                    Map.entry("Steal$Success.equals(Object)", "equals accepts anything"),
                    Map.entry("Steal$Empty.equals(Object)", "equals accepts anything"),
                    Map.entry("Steal$Retry.equals(Object)", "equals accepts anything"),
                    Map.entry("Joined.<init>(Object, Object)", "plain data: values may be null"),
                    Map.entry("Joined.equals(Object)", "equals accepts anything"),
                    Map.entry(
                            "WorkerMetrics.<init>(int, String, long, long, long, long, int)",
                            "plain data: a snapshot"),
                    Map.entry("WorkerMetrics.equals(Object)", "equals accepts anything"),
                    Map.entry(
                            "PoolMetrics.<init>(int, int, int, int, long, long, List)",
                            "plain data: a snapshot"),
                    Map.entry("PoolMetrics.equals(Object)", "equals accepts anything"),
                    Map.entry("PoolClosedException.<init>(String)", "message text"),
                    Map.entry("Exit$Returned.<init>(Object)", "a thread's value may be null"),
                    Map.entry("Exit$Returned.equals(Object)", "equals accepts anything"),
                    Map.entry("Exit$Panicked.equals(Object)", "equals accepts anything"),
                    Map.entry("Exit$Cancelled.equals(Object)", "equals accepts anything"));

    private final Map<String, Case> cases = new LinkedHashMap<>();

    private record Case(
            ThrowingCallable call,
            Class<? extends Throwable> type,
            String mentions,
            Runnable unchanged) {}

    private void npe(String signature, String argument, ThrowingCallable call) {
        cases.put(signature, new Case(call, NullPointerException.class, argument, () -> {}));
    }

    private void iae(String signature, String argument, ThrowingCallable call) {
        cases.put(signature, new Case(call, IllegalArgumentException.class, argument, () -> {}));
    }

    private void build() throws Exception {
        AtomicCases.add(
                (sig, call, type, mentions, unchanged) ->
                        cases.put(sig, new Case(call, type, mentions, unchanged)));
        ChannelCases.add(
                (sig, call, type, mentions, unchanged) ->
                        cases.put(sig, new Case(call, type, mentions, unchanged)));
        Mutex<Integer> m = new Mutex<>(1);
        Runnable mutexUntouched =
                () -> {
                    assertThat(m.isLocked()).isFalse();
                    assertThat(m.isPoisoned()).isFalse();
                    assertThat(m.<Integer>withLock(v -> v)).isEqualTo(1);
                };
        cases.put(
                "Mutex.withLock(Function)",
                new Case(
                        () -> m.withLock((Function<Integer, Integer>) null),
                        NullPointerException.class,
                        "action",
                        mutexUntouched));
        cases.put(
                "Mutex.update(UnaryOperator)",
                new Case(
                        () -> m.update((UnaryOperator<Integer>) null),
                        NullPointerException.class,
                        "update",
                        mutexUntouched));
        npe("Mutex.named(String, Object)", "name", () -> Mutex.named(null, 1));
        iae("Mutex.named(String, Object)#blank", "name", () -> Mutex.named(" ", 1));
        MutexGuard<Integer> g = m.lock();
        cases.put(
                "MutexGuard.poison(Throwable)",
                new Case(
                        () -> g.poison(null),
                        NullPointerException.class,
                        "cause",
                        () -> assertThat(m.isPoisoned()).isFalse()));
        g.close();

        npe("Mutex.tryLock(Duration)", "timeout", () -> m.tryLock((Duration) null));
        npe("Mutex.tryLock(Deadline)", "deadline", () -> m.tryLock((Deadline) null));
        npe("Mutex$Builder.name(String)", "name", () -> Mutex.builder().name(null));
        iae("Mutex$Builder.name(String)#blank", "name", () -> Mutex.builder().name(""));

        RwLock<Integer> rw = RwLock.named("rw", 1);
        Runnable rwUntouched =
                () -> {
                    assertThat(rw.isWriteLocked()).isFalse();
                    assertThat(rw.readHolds()).isZero();
                    assertThat(rw.isPoisoned()).isFalse();
                    assertThat(rw.<Integer>withRead(v -> v)).isEqualTo(1);
                };
        cases.put(
                "RwLock.withRead(Function)",
                new Case(
                        () -> rw.withRead((Function<Integer, Integer>) null),
                        NullPointerException.class,
                        "action",
                        rwUntouched));
        cases.put(
                "RwLock.withWrite(Function)",
                new Case(
                        () -> rw.withWrite((Function<Integer, Integer>) null),
                        NullPointerException.class,
                        "action",
                        rwUntouched));
        cases.put(
                "RwLock.update(UnaryOperator)",
                new Case(
                        () -> rw.update((UnaryOperator<Integer>) null),
                        NullPointerException.class,
                        "update",
                        rwUntouched));
        cases.put(
                "RwLock.readOptimistic(Function)",
                new Case(
                        () -> rw.readOptimistic((Function<Integer, Integer>) null),
                        NullPointerException.class,
                        "reader",
                        rwUntouched));
        cases.put(
                "RwLock.tryRead(Duration)",
                new Case(
                        () -> rw.tryRead((Duration) null),
                        NullPointerException.class,
                        "timeout",
                        rwUntouched));
        cases.put(
                "RwLock.tryRead(Deadline)",
                new Case(
                        () -> rw.tryRead((Deadline) null),
                        NullPointerException.class,
                        "deadline",
                        rwUntouched));
        cases.put(
                "RwLock.tryWrite(Duration)",
                new Case(
                        () -> rw.tryWrite((Duration) null),
                        NullPointerException.class,
                        "timeout",
                        rwUntouched));
        cases.put(
                "RwLock.tryWrite(Deadline)",
                new Case(
                        () -> rw.tryWrite((Deadline) null),
                        NullPointerException.class,
                        "deadline",
                        rwUntouched));
        npe("RwLock.named(String, Object)", "name", () -> RwLock.named(null, 1));
        iae("RwLock.named(String, Object)#blank", "name", () -> RwLock.named(" ", 1));
        npe("RwLock$Builder.name(String)", "name", () -> RwLock.builder().name(null));
        iae("RwLock$Builder.name(String)#blank", "name", () -> RwLock.builder().name("\t"));
        RwLockWriteGuard<Integer> wg = rw.write();
        cases.put(
                "RwLockWriteGuard.poison(Throwable)",
                new Case(
                        () -> wg.poison(null),
                        NullPointerException.class,
                        "cause",
                        () -> assertThat(rw.isPoisoned()).isFalse()));
        wg.close();

        Condvar cv = Condvar.named("cv");
        npe("Condvar.named(String)", "name", () -> Condvar.named(null));
        iae("Condvar.named(String)#blank", "name", () -> Condvar.named(""));
        npe("Condvar.await(ExclusiveGuard)", "guard", () -> cv.await(null));
        npe(
                "Condvar.awaitUninterruptibly(ExclusiveGuard)",
                "guard",
                () -> cv.awaitUninterruptibly(null));
        npe(
                "Condvar.await(ExclusiveGuard, Duration)",
                "guard",
                () -> cv.await(null, Duration.ZERO));
        npe(
                "Condvar.await(ExclusiveGuard, Deadline)",
                "guard",
                () -> cv.await(null, Deadline.never()));
        npe(
                "Condvar.awaitUntil(ExclusiveGuard, Predicate)",
                "guard",
                () -> cv.<Integer>awaitUntil(null, v -> true));
        npe(
                "Condvar.awaitUntil(ExclusiveGuard, Predicate, Duration)",
                "guard",
                () -> cv.<Integer>awaitUntil(null, v -> true, Duration.ZERO));
        npe(
                "Condvar.awaitUntil(ExclusiveGuard, Predicate, Deadline)",
                "guard",
                () -> cv.<Integer>awaitUntil(null, v -> true, Deadline.never()));
        MutexGuard<Integer> open = m.lock();
        npe(
                "Condvar.await(ExclusiveGuard, Duration)#timeout",
                "timeout",
                () -> cv.await(open, (Duration) null));
        npe(
                "Condvar.await(ExclusiveGuard, Deadline)#deadline",
                "deadline",
                () -> cv.await(open, (Deadline) null));
        npe(
                "Condvar.awaitUntil(ExclusiveGuard, Predicate)#condition",
                "condition",
                () -> cv.awaitUntil(open, null));
        npe(
                "Condvar.awaitUntil(ExclusiveGuard, Predicate, Duration)#timeout",
                "timeout",
                () -> cv.awaitUntil(open, v -> true, (Duration) null));
        npe(
                "Condvar.awaitUntil(ExclusiveGuard, Predicate, Deadline)#deadline",
                "deadline",
                () -> cv.awaitUntil(open, v -> true, (Deadline) null));
        open.close();
        cases.put(
                "Condvar.await(ExclusiveGuard)#closed",
                new Case(
                        () -> cv.await(open),
                        IllegalStateException.class,
                        "closed",
                        mutexUntouched));
        npe("LockOrderChecker.enable(Consumer)", "reporter", () -> LockOrderChecker.enable(null));
        cases.put(
                "LockOrderChecker.enable(Consumer)#unchanged",
                new Case(
                        () -> LockOrderChecker.enable(null),
                        NullPointerException.class,
                        "reporter",
                        () -> assertThat(LockOrderChecker.isEnabled()).isFalse()));

        npe("Deadline.after(Duration)", "timeout", () -> Deadline.after(null));
        npe("Deadline.min(Deadline)", "other", () -> Deadline.never().min(null));
        npe("Deadline.compareTo(Deadline)", "other", () -> Deadline.never().compareTo(null));

        npe("Threads.spawn(Callable)", "body", () -> Threads.spawn((Callable<Integer>) null));
        npe("Threads.spawn(Runnable)", "body", () -> Threads.spawn((Runnable) null));
        npe("Threads.scope(Threads$ScopeAction)", "body", () -> Threads.scope(null));
        npe("Threads.scopeAndGet(Threads$ScopeFunction)", "body", () -> Threads.scopeAndGet(null));
        npe(
                "Threads.scope(ScopePolicy, Threads$ScopeAction)",
                "policy",
                () -> Threads.scope(null, sc -> {}));
        npe(
                "Threads.scopeAndGet(ScopePolicy, Threads$ScopeFunction)",
                "policy",
                () -> Threads.scopeAndGet(null, sc -> 1));
        npe("Threads.sleep(Duration)", "duration", () -> Threads.sleep(null));
        npe("Threads.sleepUntil(Deadline)", "deadline", () -> Threads.sleepUntil(null));

        ThreadBuilder b = Threads.builder();
        npe("ThreadBuilder.name(String)", "name", () -> b.name(null));
        iae("ThreadBuilder.name(String)#blank", "name", () -> b.name("  "));
        iae("ThreadBuilder.stackSize(long)", "bytes", () -> b.stackSize(-1));
        npe("ThreadBuilder.spawn(Callable)", "body", () -> b.spawn((Callable<Integer>) null));
        npe("ThreadBuilder.spawn(Runnable)", "body", () -> b.spawn((Runnable) null));

        JoinHandle<Integer> h = Threads.spawn(() -> 1);
        h.join();
        npe("JoinHandle.join(Duration)", "timeout", () -> h.join((Duration) null));
        npe("JoinHandle.join(Deadline)", "deadline", () -> h.join((Deadline) null));
        npe("JoinHandle.onFinish(Consumer)", "callback", () -> h.onFinish(null));
        npe(
                "Exit$Panicked.<init>(String, Throwable)",
                "thread",
                () -> new Exit.Panicked<Integer>(null, new RuntimeException()));
        npe(
                "Exit$Panicked.<init>(String, Throwable)#cause",
                "cause",
                () -> new Exit.Panicked<Integer>("t", null));
        npe(
                "Exit$Cancelled.<init>(CancelledException)",
                "exception",
                () -> new Exit.Cancelled<Integer>(null));

        npe("Panics.setHook(PanicHook)", "hook", () -> Panics.setHook(null));

        npe(
                "ThreadLocalKey.of(String, Supplier)",
                "initializer",
                () -> ThreadLocalKey.of("k", null));
        npe(
                "ThreadLocalKey.of(String, Supplier)#name",
                "name",
                () -> ThreadLocalKey.of(null, () -> 1));
        iae(
                "ThreadLocalKey.of(String, Supplier)#blank",
                "name",
                () -> ThreadLocalKey.of("", () -> 1));
        npe(
                "ThreadLocalKey.withDestructor(String, Supplier, Consumer)",
                "destructor",
                () -> ThreadLocalKey.withDestructor("k", () -> 1, null));
        npe(
                "ThreadLocalKey.withDestructor(String, Supplier, Consumer)#init",
                "initializer",
                () -> ThreadLocalKey.withDestructor("k", null, v -> {}));

        var s =
                new Object() {
                    dev.braid.thread.Scope scope;
                };
        Threads.scope(sc -> s.scope = sc);
        npe(
                "Scope.spawn(Callable)",
                "body",
                () -> s.scope.spawn((java.util.concurrent.Callable<Object>) null));
        npe("Scope.spawn(Runnable)", "body", () -> s.scope.spawn((Runnable) null));
        npe(
                "Scope.spawnVirtual(Callable)",
                "body",
                () -> s.scope.spawnVirtual((Callable<Object>) null));
        npe("Scope.spawnVirtual(Runnable)", "body", () -> s.scope.spawnVirtual((Runnable) null));
        npe("Scope.spawn(ThreadBuilder, Callable)", "builder", () -> s.scope.spawn(null, () -> 1));
        buildSyncSuiteCases();
        buildCancelAndTime();
    }

    /** Semaphore, OnceCell, Lazy, Barrier and dev.braid.rc (issue 3, second half). */
    private void buildSyncSuiteCases() throws Exception {
        Semaphore sem = Semaphore.named("s", 2, true);
        Runnable semUntouched =
                () -> {
                    assertThat(sem.availablePermits()).isEqualTo(2);
                    assertThat(sem.hasQueuedThreads()).isFalse();
                };
        iae("Semaphore.<init>(int)", "permits", () -> new Semaphore(-1));
        iae("Semaphore.fair(int)", "permits", () -> Semaphore.fair(-1));
        npe("Semaphore.named(String, int)", "name", () -> Semaphore.named(null, 1));
        iae("Semaphore.named(String, int)#blank", "name", () -> Semaphore.named(" ", 1));
        iae("Semaphore.named(String, int)#neg", "permits", () -> Semaphore.named("x", -1));
        npe("Semaphore.named(String, int, boolean)", "name", () -> Semaphore.named(null, 1, true));
        iae(
                "Semaphore.named(String, int, boolean)#blank",
                "name",
                () -> Semaphore.named(" ", 1, true));
        iae(
                "Semaphore.named(String, int, boolean)#neg",
                "permits",
                () -> Semaphore.named("x", -1, true));
        cases.put(
                "Semaphore.acquire(int)",
                new Case(
                        () -> sem.acquire(-1),
                        IllegalArgumentException.class,
                        "permits",
                        semUntouched));
        cases.put(
                "Semaphore.tryAcquire(int)",
                new Case(
                        () -> sem.tryAcquire(-1),
                        IllegalArgumentException.class,
                        "permits",
                        semUntouched));
        cases.put(
                "Semaphore.release(int)",
                new Case(
                        () -> sem.release(-1),
                        IllegalArgumentException.class,
                        "permits",
                        semUntouched));
        cases.put(
                "Semaphore.release(int)#overflow",
                new Case(
                        () -> sem.release(Integer.MAX_VALUE),
                        IllegalArgumentException.class,
                        "overflow",
                        semUntouched));
        cases.put(
                "Semaphore.tryAcquire(int, Duration)",
                new Case(
                        () -> sem.tryAcquire(1, (Duration) null),
                        NullPointerException.class,
                        "timeout",
                        semUntouched));
        cases.put(
                "Semaphore.tryAcquire(int, Duration)#neg",
                new Case(
                        () -> sem.tryAcquire(-1, Duration.ZERO),
                        IllegalArgumentException.class,
                        "permits",
                        semUntouched));
        cases.put(
                "Semaphore.tryAcquire(int, Deadline)",
                new Case(
                        () -> sem.tryAcquire(1, (Deadline) null),
                        NullPointerException.class,
                        "deadline",
                        semUntouched));
        cases.put(
                "Semaphore.tryAcquire(int, Deadline)#neg",
                new Case(
                        () -> sem.tryAcquire(-1, Deadline.never()),
                        IllegalArgumentException.class,
                        "permits",
                        semUntouched));

        OnceCell<String> cell = new OnceCell<>();
        Runnable cellUntouched = () -> assertThat(cell.isInitialized()).isFalse();
        cases.put(
                "OnceCell.getOrInit(Supplier)",
                new Case(
                        () -> cell.getOrInit(null),
                        NullPointerException.class,
                        "initializer",
                        cellUntouched));
        cases.put(
                "OnceCell.set(Object)",
                new Case(() -> cell.set(null), NullPointerException.class, "value", cellUntouched));
        npe("OnceCell.named(String)", "name", () -> OnceCell.named(null));
        iae("OnceCell.named(String)#blank", "name", () -> OnceCell.named(""));
        npe("Lazy.of(Supplier)", "supplier", () -> Lazy.of(null));
        npe("Lazy.named(String, Supplier)", "supplier", () -> Lazy.named("x", null));
        npe("Lazy.named(String, Supplier)#name", "name", () -> Lazy.named(null, () -> 1));
        iae("Lazy.named(String, Supplier)#blank", "name", () -> Lazy.named(" ", () -> 1));

        Barrier bar = Barrier.named("b", 2);
        Runnable barUntouched =
                () -> {
                    assertThat(bar.isBroken()).isFalse();
                    assertThat(bar.arrived()).isZero();
                    assertThat(bar.generation()).isZero();
                };
        iae("Barrier.<init>(int)", "parties", () -> new Barrier(0));
        npe("Barrier.named(String, int)", "name", () -> Barrier.named(null, 1));
        iae("Barrier.named(String, int)#blank", "name", () -> Barrier.named("", 1));
        iae("Barrier.named(String, int)#parties", "parties", () -> Barrier.named("x", -1));
        npe(
                "Barrier.withAction(String, int, Runnable)",
                "action",
                () -> Barrier.withAction("x", 1, null));
        iae(
                "Barrier.withAction(String, int, Runnable)#parties",
                "parties",
                () -> Barrier.withAction("x", 0, () -> {}));
        cases.put(
                "Barrier.await(Duration)",
                new Case(
                        () -> bar.await((Duration) null),
                        NullPointerException.class,
                        "timeout",
                        barUntouched));
        cases.put(
                "Barrier.await(Deadline)",
                new Case(
                        () -> bar.await((Deadline) null),
                        NullPointerException.class,
                        "deadline",
                        barUntouched));
        cases.put(
                "Barrier.breakWith(Throwable)",
                new Case(
                        () -> bar.breakWith(null),
                        NullPointerException.class,
                        "cause",
                        barUntouched));
        npe(
                "BarrierWait$Broken.<init>(long, BarrierWait$BrokenReason, Optional)",
                "reason",
                () -> new BarrierWait.Broken(0, null, Optional.empty()));
        npe(
                "BarrierWait$Broken.<init>(long, BarrierWait$BrokenReason, Optional)#cause",
                "cause",
                () -> new BarrierWait.Broken(0, BarrierWait.BrokenReason.RESET, null));

        npe("Arc.of(AutoCloseable)", "resource", () -> Arc.of(null));
        npe("Rc.of(AutoCloseable)", "resource", () -> Rc.of(null));
        npe(
                "LeakReport.<init>(String, Throwable)",
                "resourceType",
                () -> new LeakReport(null, new Throwable()));
        npe(
                "LeakReport.<init>(String, Throwable)#site",
                "createdAt",
                () -> new LeakReport("t", null));
        LeakDetector.Level level = LeakDetector.level();
        int interval = LeakDetector.samplingInterval();
        Consumer<LeakReport> reporter = LeakDetector.setReporter(LeakDetector.defaultReporter());
        LeakDetector.setReporter(reporter);
        cases.put(
                "LeakDetector.setLevel(LeakDetector$Level)",
                new Case(
                        () -> LeakDetector.setLevel(null),
                        NullPointerException.class,
                        "level",
                        () -> assertThat(LeakDetector.level()).isEqualTo(level)));
        cases.put(
                "LeakDetector.setSamplingInterval(int)",
                new Case(
                        () -> LeakDetector.setSamplingInterval(0),
                        IllegalArgumentException.class,
                        "interval",
                        () -> assertThat(LeakDetector.samplingInterval()).isEqualTo(interval)));
        cases.put(
                "LeakDetector.setReporter(Consumer)",
                new Case(
                        () -> LeakDetector.setReporter(null),
                        NullPointerException.class,
                        "reporter",
                        () -> assertThat(LeakDetector.setReporter(reporter)).isSameAs(reporter)));
    }

    private void buildCancelAndTime() {
        CancellationSource src = new CancellationSource();
        CancellationToken tok = src.token();
        Runnable notCancelled =
                () -> {
                    assertThat(tok.isCancelled()).isFalse();
                    assertThat(tok.deadline().isNever()).isTrue();
                };
        cases.put(
                "CancellationSource.cancel(String)",
                new Case(
                        () -> src.cancel((String) null),
                        NullPointerException.class,
                        "reason",
                        notCancelled));
        cases.put(
                "CancellationSource.cancel(Throwable)",
                new Case(
                        () -> src.cancel((Throwable) null),
                        NullPointerException.class,
                        "cause",
                        notCancelled));
        cases.put(
                "CancellationSource.cancelAfter(Duration)",
                new Case(
                        () -> src.cancelAfter(null),
                        NullPointerException.class,
                        "delay",
                        notCancelled));
        cases.put(
                "CancellationSource.cancelAt(Deadline)",
                new Case(
                        () -> src.cancelAt(null),
                        NullPointerException.class,
                        "deadline",
                        notCancelled));
        npe(
                "CancellationSource.linkedTo(CancellationToken;)",
                "parents",
                () -> CancellationSource.linkedTo((CancellationToken[]) null));
        npe(
                "CancellationSource.linkedTo(CancellationToken;)#element",
                "parents[1]",
                () -> CancellationSource.linkedTo(tok, null));
        iae(
                "CancellationSource.linkedTo(CancellationToken;)#empty",
                "parents",
                () -> CancellationSource.linkedTo());
        npe(
                "CancellationSource.withTimeout(Duration)",
                "timeout",
                () -> CancellationSource.withTimeout(null));
        npe("CancellationToken.onCancel(Runnable)", "callback", () -> tok.onCancel(null));
        npe(
                "CancellationToken.interruptOnCancel(Thread)",
                "thread",
                () -> tok.interruptOnCancel(null));
        npe(
                "CancellationToken.propagateTo(CompletableFuture)",
                "future",
                () -> tok.propagateTo(null));
        npe("CancellationToken.await(Duration)", "timeout", () -> tok.await(null));
        npe(
                "CancellationToken.fromFuture(CompletionStage)",
                "stage",
                () -> CancellationToken.fromFuture(null));

        CancelScope.Body<Integer, RuntimeException> body = () -> 1;
        npe(
                "CancelScope.call(CancellationToken, Deadline, CancelScope$Body)",
                "token",
                () -> CancelScope.call(null, Deadline.never(), body));
        npe(
                "CancelScope.call(CancellationToken, Deadline, CancelScope$Body)#deadline",
                "deadline",
                () -> CancelScope.call(tok, null, body));
        npe(
                "CancelScope.call(CancellationToken, Deadline, CancelScope$Body)#body",
                "body",
                () -> CancelScope.call(tok, Deadline.never(), null));
        npe(
                "CancelScope.withToken(CancellationToken, CancelScope$Body)",
                "token",
                () -> CancelScope.withToken(null, body));
        npe(
                "CancelScope.withDeadline(Deadline, CancelScope$Body)",
                "deadline",
                () -> CancelScope.withDeadline(null, body));
        npe(
                "CancelScope.withTimeout(Duration, CancelScope$Body)",
                "timeout",
                () -> CancelScope.withTimeout(null, body));
        npe("CancelScope.enter(CancelScope$Body)", "body", () -> CancelScope.current().enter(null));
        npe(
                "CancelScope.wakeOnCancel(Thread)",
                "thread",
                () -> CancelScope.current().wakeOnCancel(null));

        npe(
                "TimerWheel.create(String, Duration, int)",
                "name",
                () -> TimerWheel.create(null, Duration.ofMillis(1), 10));
        iae(
                "TimerWheel.create(String, Duration, int)#blank",
                "name",
                () -> TimerWheel.create(" ", Duration.ofMillis(1), 10));
        npe(
                "TimerWheel.create(String, Duration, int)#tick",
                "tick",
                () -> TimerWheel.create("w", null, 10));
        iae(
                "TimerWheel.create(String, Duration, int)#tiny",
                "tick",
                () -> TimerWheel.create("w", Duration.ofNanos(1), 10));
        iae(
                "TimerWheel.create(String, Duration, int)#capacity",
                "capacity",
                () -> TimerWheel.create("w", Duration.ofMillis(1), 0));
        TimerWheel shared = TimerWheel.shared();
        Runnable wheelUnchanged = () -> assertThat(shared.pending()).isGreaterThanOrEqualTo(0);
        cases.put(
                "TimerWheel.schedule(Duration, Runnable)",
                new Case(
                        () -> shared.schedule(null, () -> {}),
                        NullPointerException.class,
                        "delay",
                        wheelUnchanged));
        npe(
                "TimerWheel.schedule(Duration, Runnable)#task",
                "task",
                () -> shared.schedule(Duration.ZERO, null));
        npe("TimerWheel.scheduleAt#task", "task", () -> shared.scheduleAt(0L, null));
        npe(
                "TimerWheel.scheduleAt(TimePoint, Runnable)",
                "deadline",
                () -> shared.scheduleAt((Deadline) null, () -> {}));
        npe(
                "TimerWheel.scheduleAt(TimePoint, Runnable)#task",
                "task",
                () -> shared.scheduleAt(Deadline.after(Duration.ZERO), null));
        iae(
                "TimerWheel.scheduleAt(TimePoint, Runnable)#never",
                "deadline",
                () -> shared.scheduleAt(Deadline.never(), () -> {}));
        for (boolean rate : new boolean[] {true, false}) {
            String sig =
                    rate
                            ? "TimerWheel.scheduleAtFixedRate(Duration, Duration, Runnable)"
                            : "TimerWheel.scheduleWithFixedDelay(Duration, Duration, Runnable)";
            String period = rate ? "period" : "delay";
            Periodic start =
                    (d, p, t) ->
                            rate
                                    ? shared.scheduleAtFixedRate(d, p, t)
                                    : shared.scheduleWithFixedDelay(d, p, t);
            Duration second = Duration.ofSeconds(1);
            npe(sig, "initialDelay", () -> start.run(null, second, () -> {}));
            npe(sig + "#period", period, () -> start.run(Duration.ZERO, null, () -> {}));
            npe(sig + "#task", "task", () -> start.run(Duration.ZERO, second, null));
            iae(sig + "#zero", period, () -> start.run(Duration.ZERO, Duration.ZERO, () -> {}));
            iae(sig + "#neg", period, () -> start.run(Duration.ZERO, second.negated(), () -> {}));
        }
        npe(
                "CancelScope.checkWaiting(String, Object, long)",
                "operation",
                () -> CancelScope.current().checkWaiting(null, null, 0L));
        Latch latch = Latch.named("l", 1);
        iae("Latch.<init>(int)", "count", () -> new Latch(-1));
        npe("Latch.named(String, int)", "name", () -> Latch.named(null, 1));
        iae("Latch.named(String, int)#blank", "name", () -> Latch.named(" ", 1));
        iae("Latch.named(String, int)#count", "count", () -> Latch.named("l", -1));
        npe("Latch.await(Duration)", "timeout", () -> latch.await((Duration) null));
        npe("Latch.await(Deadline)", "deadline", () -> latch.await((Deadline) null));
        Semaphore none = new Semaphore(0);
        npe("Semaphore.tryAcquire(Duration)", "timeout", () -> none.tryAcquire((Duration) null));
        poolCases();
    }

    private void poolCases() {
        iae("AtomicRefArray.<init>(int)", "length", () -> new AtomicRefArray<String>(-1));
        AtomicRefArray<String> arr = new AtomicRefArray<>(1);
        iae("AtomicRefArray.load(int, Ordering)", "order", () -> arr.load(0, Ordering.RELEASE));
        iae(
                "AtomicRefArray.store(int, Object, Ordering)#order",
                "order",
                () -> arr.store(0, "x", Ordering.ACQUIRE));
        cases.put(
                "AtomicRefArray.swap(int, Object, Ordering)#index",
                new Case(
                        () -> arr.swap(1, "x", Ordering.SEQ_CST),
                        IndexOutOfBoundsException.class,
                        "1",
                        () -> assertThat(arr.load(0, Ordering.SEQ_CST)).isNull()));
        iae(
                "AtomicRefArray.compareExchange(int, Object, Object, Ordering, Ordering)#failure",
                "failure",
                () -> arr.compareExchange(0, null, "x", Ordering.RELAXED, Ordering.SEQ_CST));
        iae("WorkDeque.<init>(int)", "initialCapacity", () -> new WorkDeque<String>(3));
        WorkDeque<String> dq = new WorkDeque<>();
        cases.put(
                "WorkDeque.push(Object)",
                new Case(
                        () -> dq.push(null),
                        NullPointerException.class,
                        "element",
                        () -> assertThat(dq.size()).isZero()));
        iae(
                "WorkStealingPool$Builder.parallelism(int)",
                "parallelism",
                () -> WorkStealingPool.builder().parallelism(0));
        npe(
                "WorkStealingPool$Builder.namePrefix(String)",
                "namePrefix",
                () -> WorkStealingPool.builder().namePrefix(null));
        npe(
                "WorkStealingPool$Builder.hooks(PoolHooks)",
                "hooks",
                () -> WorkStealingPool.builder().hooks(null));
        WorkStealingPool pool =
                WorkStealingPool.builder().parallelism(1).namePrefix("hostile").build();
        npe(
                "WorkStealingPool.submit(Callable)",
                "task",
                () -> pool.submit((Callable<Object>) null));
        npe("WorkStealingPool.submit(Runnable)", "task", () -> pool.submit((Runnable) null));
        npe("WorkStealingPool.submit(PoolTask)", "task", () -> pool.submit((PoolTask<?>) null));
        npe("WorkStealingPool.invoke(PoolTask)", "task", () -> pool.invoke((PoolTask<?>) null));
        npe("PoolTask.invokeAll(PoolTask, PoolTask)", "a", () -> PoolTask.invokeAll(null, null));
        npe("WorkStealingPool.join(Callable, Callable)", "a", () -> pool.join(null, () -> 1));
        npe("WorkStealingPool.join(Callable, Callable)#b", "b", () -> pool.join(() -> 1, null));
        npe(
                "WorkStealingPool.joinLong(LongSupplier, LongSupplier, LongBinaryOperator)",
                "a",
                () -> pool.joinLong(null, () -> 1, Long::sum));
        npe(
                "WorkStealingPool.joinLong(LongSupplier, LongSupplier, LongBinaryOperator)#b",
                "b",
                () -> pool.joinLong(() -> 1, null, Long::sum));
        npe(
                "WorkStealingPool.joinLong(LongSupplier, LongSupplier, LongBinaryOperator)#combine",
                "combine",
                () -> pool.joinLong(() -> 1, () -> 1, null));
        npe("WorkStealingPool.scope(PoolScope$Body)", "body", () -> pool.scope(null));
        npe(
                "WorkStealingPool.awaitTermination(Duration)",
                "timeout",
                () -> pool.awaitTermination(null));
        TaskHandle<Integer> h = pool.submit(() -> 1);
        npe("TaskHandle.join(Duration)", "timeout", () -> h.join((Duration) null));
        npe("TaskHandle.join(Deadline)", "deadline", () -> h.join((Deadline) null));
        npe("TaskHandle.get(long, TimeUnit)", "unit", () -> h.get(1, null));
        PoolScope[] scope = new PoolScope[1];
        pool.scope(s -> scope[0] = s);
        npe("PoolScope.spawn(Callable)", "task", () -> scope[0].spawn((Callable<Object>) null));
        npe("PoolScope.spawn(Runnable)", "task", () -> scope[0].spawn((Runnable) null));
    }

    /** The start of a periodic timer, either kind. */
    interface Periodic {
        Object run(Duration initialDelay, Duration period, Runnable task);
    }

    @Test
    void everyCaseThrowsAClearExceptionAndLeavesStateUnchanged() throws Exception {
        build();
        assertThat(Panics.hook()).isSameAs(Panics.defaultHook());
        cases.forEach(
                (sig, c) -> {
                    assertThatThrownBy(c.call())
                            .as(sig)
                            .isInstanceOf(c.type())
                            .hasMessageContaining(c.mentions());
                    c.unchanged().run();
                });
        assertThat(Panics.hook())
                .as("setHook(null) left the hook unchanged")
                .isSameAs(Panics.defaultHook());
    }

    @Test
    void everyMethodIsCovered() throws Exception {
        build();
        Set<String> covered =
                cases.keySet().stream()
                        .map(k -> k.replaceAll("#.*", ""))
                        .collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (JavaClass c :
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(EXPORTED)) {
            if (!c.getModifiers().contains(JavaModifier.PUBLIC)
                    || c.isInterface() && !c.isRecord()) {
                continue;
            }
            for (JavaCodeUnit u : c.getCodeUnits()) {
                if (!u.getModifiers().contains(JavaModifier.PUBLIC)
                        || u.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                    continue;
                }
                boolean takesSomethingCheckable =
                        u.getRawParameterTypes().stream()
                                .anyMatch(
                                        t ->
                                                !t.isPrimitive()
                                                        || t.getName().equals("long")
                                                        || t.getName().equals("int"));
                if (!takesSomethingCheckable) {
                    continue;
                }
                String params =
                        u.getRawParameterTypes().stream()
                                .map(t -> t.getSimpleName().isEmpty() ? t.getName() : simple(t))
                                .collect(Collectors.joining(", "));
                String sig = simple(c) + "." + u.getName() + "(" + params + ")";
                if (!covered.contains(sig)
                        && !EXEMPT.containsKey(sig)
                        && !ChannelCases.EXEMPT.containsKey(sig)) {
                    missing.add(sig);
                }
            }
        }
        assertThat(missing)
                .as("public methods without a hostile-input case or an exemption")
                .isEmpty();
    }

    private static String simple(JavaClass t) {
        String n = t.getName();
        return n.substring(n.lastIndexOf('.') + 1);
    }
}
