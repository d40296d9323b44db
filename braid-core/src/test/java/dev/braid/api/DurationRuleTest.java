package dev.braid.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.braid.async.Async;
import dev.braid.async.LocalExecutor;
import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import dev.braid.channel.SendResult;
import dev.braid.pool.WorkStealingPool;
import dev.braid.sync.Barrier;
import dev.braid.sync.BarrierWait;
import dev.braid.sync.Condvar;
import dev.braid.sync.Latch;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.sync.RwLock;
import dev.braid.sync.RwLockReadGuard;
import dev.braid.sync.RwLockWriteGuard;
import dev.braid.sync.Semaphore;
import dev.braid.sync.WaitOutcome;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import dev.braid.time.PeriodicTimer;
import dev.braid.time.TimerWheel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ADR 0039, one table for the whole public API: every timed method treats a negative, zero or tiny
 * positive timeout as "do not wait" — it returns its not-done outcome at once, without an exception
 * — and a null duration is a {@link NullPointerException} naming the argument. The last test keeps
 * the table complete: a new public method with a {@code Duration} (or JUC {@code long, TimeUnit})
 * timeout fails it until it has a row.
 */
@SuppressWarnings("try") // guards held for their scope only
class DurationRuleTest {
    /** The call under test with the timeout; true when it gave up (its not-done outcome). */
    interface Timed {
        boolean gaveUp(Duration timeout) throws Exception;
    }

    record Row(String method, String argument, Timed call) {
        @Override
        public String toString() {
            return method;
        }
    }

    // Resources held by another thread for the whole class, so that every timed call would wait.
    private static final Mutex<Integer> held = Mutex.named("held", 0);
    private static final RwLock<Integer> writeHeld = RwLock.named("writeHeld", 0);
    private static final RwLock<Integer> readHeld = RwLock.named("readHeld", 0);
    private static final CountDownLatch release = new CountDownLatch(1);
    private static JoinHandle<Void> holder;
    private static final WorkStealingPool pool =
            WorkStealingPool.builder().parallelism(1).namePrefix("duration-rule").build();
    private static dev.braid.pool.TaskHandle<Void> poolTask;
    private static java.util.concurrent.Future<Void> viewTask; // queued behind poolTask

    @BeforeAll
    static void holdEverything() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        holder =
                Threads.spawn(
                        () -> {
                            try (MutexGuard<Integer> a = held.lock();
                                    RwLockWriteGuard<Integer> b = writeHeld.write();
                                    RwLockReadGuard<Integer> c = readHeld.read()) {
                                holding.countDown();
                                release.await();
                            }
                            return null;
                        });
        holding.await();
        poolTask =
                pool.submit(
                        () -> {
                            release.await();
                            return null;
                        });
        viewTask =
                pool.asExecutorService()
                        .submit(
                                () -> {
                                    release.await();
                                    return null;
                                });
    }

    @AfterAll
    static void letGo() throws Exception {
        release.countDown();
        holder.join();
        poolTask.join();
        pool.close();
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Mutex.tryLock(Duration)", "timeout", d -> held.tryLock(d).isEmpty()));
        rows.add(
                new Row(
                        "RwLock.tryRead(Duration)",
                        "timeout",
                        d -> writeHeld.tryRead(d).isEmpty()));
        rows.add(
                new Row(
                        "RwLock.tryWrite(Duration)",
                        "timeout",
                        d -> readHeld.tryWrite(d).isEmpty()));
        rows.add(
                new Row(
                        "Semaphore.tryAcquire(int, Duration)",
                        "timeout",
                        d -> new Semaphore(0).tryAcquire(1, d).isEmpty()));
        rows.add(
                new Row(
                        "Semaphore.tryAcquire(Duration)",
                        "timeout",
                        d -> new Semaphore(0).tryAcquire(d).isEmpty()));
        rows.add(
                new Row(
                        "Condvar.await(ExclusiveGuard, Duration)",
                        "timeout",
                        d -> {
                            Mutex<Integer> m = new Mutex<>(0);
                            try (MutexGuard<Integer> g = m.lock()) {
                                return new Condvar().await(g, d) == WaitOutcome.TIMED_OUT
                                        && m.isHeldByCurrentThread();
                            }
                        }));
        rows.add(
                new Row(
                        "Condvar.awaitUntil(ExclusiveGuard, Predicate, Duration)",
                        "timeout",
                        d -> {
                            Mutex<Integer> m = new Mutex<>(0);
                            try (MutexGuard<Integer> g = m.lock()) {
                                return new Condvar().awaitUntil(g, v -> v > 0, d)
                                        == WaitOutcome.TIMED_OUT;
                            }
                        }));
        rows.add(
                new Row(
                        "Barrier.await(Duration)",
                        "timeout",
                        d -> new Barrier(2).await(d) instanceof BarrierWait.TimedOut));
        rows.add(
                new Row("JoinHandle.join(Duration)", "timeout", d -> !holder.join(d).isFinished()));
        rows.add(
                new Row(
                        "CancellationToken.await(Duration)",
                        "timeout",
                        d -> !new CancellationSource().token().await(d)));
        rows.add(new Row("Latch.await(Duration)", "timeout", d -> !new Latch(1).await(d)));
        rows.add(
                new Row(
                        "Threads.sleep(Duration)",
                        "duration",
                        d -> {
                            Threads.sleep(d);
                            return true; // returned: the elapsed-time check does the rest
                        }));
        rows.add(
                new Row(
                        "CancelScope.withTimeout(Duration, Body)",
                        "timeout",
                        d -> {
                            try {
                                CancelScope.withTimeout(
                                        d,
                                        () -> {
                                            new Latch(1).await(); // stopped by the scope
                                            return null;
                                        });
                                return false;
                            } catch (DeadlineExceededException stoppedAtOnce) {
                                return true;
                            }
                        }));
        rows.add(
                new Row(
                        "CancellationSource.withTimeout(Duration)",
                        "timeout",
                        d ->
                                CancellationSource.withTimeout(d)
                                        .token()
                                        .await(Duration.ofSeconds(30))));
        rows.add(
                new Row(
                        "CancellationSource.cancelAfter(Duration)",
                        "delay",
                        d -> {
                            CancellationSource s = new CancellationSource();
                            s.cancelAfter(d);
                            return s.token().await(Duration.ofSeconds(30));
                        }));
        rows.add(
                new Row(
                        "TimerWheel.schedule(Duration, Runnable)",
                        "delay",
                        d -> {
                            CountDownLatch ran = new CountDownLatch(1);
                            TimerWheel.shared().schedule(d, ran::countDown);
                            return ran.await(30, TimeUnit.SECONDS);
                        }));
        rows.add(
                new Row(
                        "TimerWheel.scheduleAtFixedRate(Duration, Duration, Runnable)",
                        "initialDelay",
                        d -> firstRunAtOnce(true, d)));
        rows.add(
                new Row(
                        "TimerWheel.scheduleWithFixedDelay(Duration, Duration, Runnable)",
                        "initialDelay",
                        d -> firstRunAtOnce(false, d)));
        // The JUC views follow java.util.concurrent, whose rule this is.
        Lock mutexView = held.asLock();
        Lock readView = writeHeld.asReadWriteLock().readLock();
        Lock writeView = readHeld.asReadWriteLock().writeLock();
        rows.add(
                new Row(
                        "MutexLock.tryLock(long, TimeUnit)",
                        "unit",
                        d -> !mutexView.tryLock(d.toNanos(), TimeUnit.NANOSECONDS)));
        rows.add(
                new Row(
                        "RwLockView$ReadView.tryLock(long, TimeUnit)",
                        "unit",
                        d -> !readView.tryLock(d.toNanos(), TimeUnit.NANOSECONDS)));
        rows.add(
                new Row(
                        "RwLockView$WriteView.tryLock(long, TimeUnit)",
                        "unit",
                        d -> !writeView.tryLock(d.toNanos(), TimeUnit.NANOSECONDS)));
        rows.add(
                new Row(
                        "CondvarCondition.await(long, TimeUnit)",
                        "unit",
                        d -> {
                            Lock l = new Mutex<>(0).asLock();
                            Condition c = l.newCondition();
                            l.lock();
                            try {
                                return !c.await(d.toNanos(), TimeUnit.NANOSECONDS);
                            } finally {
                                l.unlock();
                            }
                        }));
        rows.add(
                new Row(
                        "CondvarCondition.awaitNanos(long)",
                        "nanosTimeout",
                        d -> {
                            Lock l = new Mutex<>(0).asLock();
                            Condition c = l.newCondition();
                            l.lock();
                            try {
                                return c.awaitNanos(d.toNanos()) <= 0;
                            } finally {
                                l.unlock();
                            }
                        }));
        rows.add(
                new Row(
                        "Channel.recv(Duration)",
                        "timeout",
                        d -> Channel.<Integer>bounded(1).recv(d) instanceof RecvResult.TimedOut));
        rows.add(
                new Row(
                        "Channel.send(Object, Duration)",
                        "timeout",
                        d -> {
                            Channel<Integer> c = Channel.bounded(1);
                            c.trySend(1);
                            return c.send(2, d) instanceof SendResult.TimedOut;
                        }));
        rows.add(
                new Row(
                        "Receiver.recv(Duration)",
                        "timeout",
                        d ->
                                Channel.<Integer>rendezvous().receiver().recv(d)
                                        instanceof RecvResult.TimedOut));
        rows.add(
                new Row(
                        "Sender.send(Object, Duration)",
                        "timeout",
                        d ->
                                Channel.<Integer>rendezvous().sender().send(1, d)
                                        instanceof SendResult.TimedOut));
        rows.add(
                new Row(
                        "Select.timeout(Duration, Supplier)",
                        "timeout",
                        d ->
                                Select.<String>biased()
                                        .recv(Channel.<Integer>bounded(1).receiver(), v -> "value")
                                        .timeout(d, () -> "timed out")
                                        .run()
                                        .equals("timed out")));
        rows.add(
                new Row(
                        "WorkStealingPool.awaitTermination(Duration)",
                        "timeout",
                        d -> !pool.awaitTermination(d)));
        rows.add(
                new Row(
                        "TaskHandle.join(Duration)",
                        "timeout",
                        d -> !poolTask.join(d).isFinished()));
        rows.add(
                new Row(
                        "TaskHandle.get(long, TimeUnit)",
                        "unit",
                        d -> {
                            try {
                                poolTask.get(d.toNanos(), TimeUnit.NANOSECONDS);
                                return false;
                            } catch (TimeoutException expected) {
                                return true;
                            }
                        }));
        rows.add(
                new Row(
                        "PoolExecutorService$ViewFuture.get(long, TimeUnit)", // ADR 0071
                        "unit",
                        d -> {
                            try {
                                viewTask.get(d.toNanos(), TimeUnit.NANOSECONDS);
                                return false;
                            } catch (TimeoutException expected) {
                                return true;
                            }
                        }));
        rows.add(
                new Row(
                        "TaskHandle.join(Duration)", // the async task handle's, same signature
                        "timeout",
                        d -> {
                            try (LocalExecutor ex = LocalExecutor.create("duration-rule")) {
                                return !ex.spawn(Async.<Integer>never()).join(d).isFinished();
                            }
                        }));
        rows.add(
                new Row(
                        "Async.sleep(Duration)",
                        "duration",
                        d -> {
                            try (LocalExecutor ex = LocalExecutor.create("duration-rule")) {
                                ex.blockOn(Async.sleep(d));
                            }
                            return true; // returned: the elapsed-time check does the rest
                        }));
        rows.add(
                new Row(
                        "Async.timeout(Duration)",
                        "timeout",
                        d -> {
                            try (LocalExecutor ex = LocalExecutor.create("duration-rule")) {
                                return ex.blockOn(Async.<Integer>never().timeout(d))
                                        instanceof dev.braid.async.Timed.Elapsed;
                            }
                        }));
        return rows;
    }

    private static boolean firstRunAtOnce(boolean fixedRate, Duration initialDelay)
            throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Duration hour = Duration.ofHours(1);
        PeriodicTimer p =
                fixedRate
                        ? TimerWheel.shared()
                                .scheduleAtFixedRate(initialDelay, hour, ran::countDown)
                        : TimerWheel.shared()
                                .scheduleWithFixedDelay(initialDelay, hour, ran::countDown);
        try {
            return ran.await(30, TimeUnit.SECONDS);
        } finally {
            p.cancel();
        }
    }

    static final List<Duration> NOT_WAITING =
            List.of(
                    Duration.ofHours(-1), // a sign lost would wait an hour: no bound misses it
                    Duration.ofNanos(-1),
                    Duration.ZERO,
                    Duration.ofNanos(1));

    static Stream<Arguments> cells() {
        return rows().stream().flatMap(r -> NOT_WAITING.stream().map(d -> Arguments.of(r, d)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("cells")
    void aTimeoutOfZeroOrLessOrTinyDoesNotWait(Row row, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        boolean gaveUp = row.call().gaveUp(timeout);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(gaveUp).as(row.method() + " with " + timeout + ": not-done outcome").isTrue();
        // A hang guard, not a measurement: a call that waited (forever, or the hour a lost sign
        // gives) fails, while a loaded machine's pause of seconds does not.
        assertThat(tookMs)
                .as(row.method() + " with " + timeout + " returned without waiting")
                .isLessThan(20_000);
    }

    static Stream<Row> durationRows() {
        return rows().stream().filter(r -> r.method().contains("Duration"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("durationRows")
    void aNullDurationNamesTheArgument(Row row) {
        assertThatThrownBy(() -> row.call().gaveUp(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining(row.argument());
    }

    /** Public methods with a duration that are not timeouts, and why. */
    private static final Map<String, String> NOT_TIMEOUTS =
            Map.of(
                    "TimerWheel.create(String, Duration, int)",
                    "the tick is a resolution, positive by nature",
                    "Deadline.after(Duration)",
                    "the rule's own definition (DeadlineTest): <= 0 is an expired deadline",
                    "SelectLoop.idle(Duration, Runnable)",
                    "a period of the loop, not a bound on one wait");

    @Test
    void everyTimedMethodHasARow() {
        Set<String> inTable =
                rows().stream().map(Row::method).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>();
        for (JavaClass c :
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.braid")) {
            if (!c.getModifiers().contains(JavaModifier.PUBLIC)
                    && !c.getName().contains("View")
                    && !c.getSimpleName().equals("MutexLock")
                    && !c.getSimpleName().equals("CondvarCondition")) {
                continue;
            }
            if (c.getPackageName().contains("internal") || c.getPackageName().contains("testkit")) {
                continue;
            }
            for (JavaCodeUnit u : c.getMethods()) {
                if (!u.getModifiers().contains(JavaModifier.PUBLIC)) {
                    continue;
                }
                List<String> types =
                        u.getRawParameterTypes().stream().map(JavaClass::getName).toList();
                boolean timed =
                        types.contains("java.time.Duration")
                                || types.contains("java.util.concurrent.TimeUnit")
                                || u.getName().equals("awaitNanos");
                if (!timed) {
                    continue;
                }
                String owner = c.getName().substring(c.getPackageName().length() + 1);
                String params =
                        u.getRawParameterTypes().stream()
                                .map(t -> t.isPrimitive() ? t.getName() : t.getSimpleName())
                                .collect(Collectors.joining(", "));
                String sig = owner + "." + u.getName() + "(" + params + ")";
                if (!inTable.contains(sig) && !NOT_TIMEOUTS.containsKey(sig)) {
                    missing.add(sig);
                }
            }
        }
        assertThat(missing).as("timed public methods without a row in the table").isEmpty();
    }
}
