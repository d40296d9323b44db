package dev.braid.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.async.Async;
import dev.braid.async.LocalExecutor;
import dev.braid.async.ThreadedExecutor;
import dev.braid.cancel.CancellationSource;
import dev.braid.channel.Channel;
import dev.braid.channel.ChannelInterruptedException;
import dev.braid.channel.Select;
import dev.braid.sync.Barrier;
import dev.braid.sync.Condvar;
import dev.braid.sync.Latch;
import dev.braid.sync.Mutex;
import dev.braid.sync.RwLock;
import dev.braid.sync.Semaphore;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Interrupt discipline across the API, for a thread whose interrupt status is already set when it
 * calls (the audit of 2026-12-04). Written from the rule docs/channels.md and the JUC javadoc
 * state: a blocking or timed call throws {@link InterruptedException} and clears the status — even
 * when it could have proceeded at once, as JUC's {@code take} and {@code lockInterruptibly} do; a
 * try operation or a call that never waits returns its result and leaves the status set; a join of
 * something already finished returns its value (as {@code Thread.join} and {@code Future.get} do).
 * ADR 0076 records the select-with-a-default case.
 */
class InterruptAuditTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    interface Call {
        Object run() throws Exception;
    }

    /** Runs {@code call} with the status set; returns what it returned or threw, and the status. */
    private static Map.Entry<Object, Boolean> preInterrupted(Call call) {
        Thread.currentThread().interrupt();
        Object out;
        try {
            out = call.run();
        } catch (Throwable t) {
            out = t;
        }
        return Map.entry(out == null ? "null" : out, Thread.interrupted());
    }

    private static Map<String, Call> blockingCalls() throws Exception {
        Map<String, Call> calls = new java.util.LinkedHashMap<>();
        Channel<String> empty = Channel.bounded(2);
        Channel<String> ready = Channel.bounded(64);
        for (int i = 0; i < 16; i++) {
            ready.send("x");
        }
        calls.put("recv() on an empty channel", empty::recv);
        calls.put("recv() with an element ready", ready::recv);
        calls.put("recv(timeout)", () -> ready.recv(WAIT));
        calls.put("recv(zero timeout)", () -> empty.recv(Duration.ZERO));
        calls.put(
                "send() with room",
                () -> {
                    empty.send("y");
                    return "sent";
                });
        calls.put(
                "send(timeout) to a rendezvous",
                () -> Channel.<String>rendezvous().send("y", WAIT));
        calls.put(
                "select with a timeout",
                () -> Select.<String>biased().recv(ready, x -> x).timeout(WAIT, () -> "t").run());
        BlockingQueue<String> q = Channel.<String>bounded(4).asBlockingQueue();
        calls.put("BlockingQueue.take", q::take);
        calls.put(
                "BlockingQueue.put",
                () -> {
                    q.put("z");
                    return "put";
                });
        calls.put("BlockingQueue.poll(timeout)", () -> q.poll(1, TimeUnit.SECONDS));
        Mutex<Integer> m = new Mutex<>(0);
        calls.put("Mutex.lockInterruptibly (free)", () -> m.lockInterruptibly());
        calls.put("Mutex.tryLock(timeout) (free)", () -> m.tryLock(WAIT));
        RwLock<Integer> rw = new RwLock<>(0);
        calls.put("RwLock.readInterruptibly (free)", () -> rw.readInterruptibly());
        calls.put("RwLock.writeInterruptibly (free)", () -> rw.writeInterruptibly());
        Semaphore s = new Semaphore(4);
        calls.put("Semaphore.acquire (available)", s::acquire);
        calls.put("Semaphore.tryAcquire(timeout)", () -> s.tryAcquire(WAIT));
        calls.put(
                "Latch.await (open)",
                () -> {
                    new Latch(0).await();
                    return "open";
                });
        calls.put("Latch.await(timeout)", () -> new Latch(1).await(WAIT));
        calls.put("Barrier.await", () -> new Barrier(2).await());
        calls.put(
                "Condvar.await",
                () -> {
                    try (var g = m.lock()) {
                        new Condvar().await(g);
                    }
                    return "woken";
                });
        calls.put(
                "Threads.sleep",
                () -> {
                    Threads.sleep(WAIT);
                    return "slept";
                });
        calls.put(
                "Threads.sleep(zero)",
                () -> {
                    Threads.sleep(Duration.ZERO);
                    return "slept";
                });
        CancellationSource src = new CancellationSource();
        calls.put(
                "CancellationToken.await",
                () -> {
                    src.token().await();
                    return "cancelled";
                });
        calls.put("CancellationToken.await(timeout)", () -> src.token().await(WAIT));
        calls.put(
                "LocalExecutor.blockOn (pending)",
                () -> {
                    try (LocalExecutor ex = LocalExecutor.create("intr")) {
                        return ex.blockOn(Async.sleep(WAIT));
                    }
                });
        return calls;
    }

    @Test
    void aBlockingOrTimedCallThrowsAndClearsTheStatusEvenWhenItCouldProceed() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    List<String> wrong = new ArrayList<>();
                    for (var c : blockingCalls().entrySet()) {
                        var r = preInterrupted(c.getValue());
                        if (!(r.getKey() instanceof InterruptedException) || r.getValue()) {
                            wrong.add(
                                    c.getKey() + " -> " + r.getKey() + ", status " + r.getValue());
                        }
                    }
                    assertThat(wrong).isEmpty();
                });
    }

    @Test
    void tryOperationsAndCallsThatNeverWaitKeepTheStatus() throws Exception {
        Channel<String> ch = Channel.bounded(2);
        BlockingQueue<String> q = Channel.<String>bounded(2).asBlockingQueue();
        Mutex<Integer> m = new Mutex<>(0);
        RwLock<Integer> rw = new RwLock<>(0);
        Semaphore s = new Semaphore(1);
        JoinHandle<Integer> done = Threads.spawn(() -> 7);
        done.join();
        Map<String, Call> calls = new java.util.LinkedHashMap<>();
        calls.put("trySend", () -> ch.trySend("a"));
        calls.put("tryRecv", ch::tryRecv);
        calls.put("tryRecv (empty)", ch::tryRecv);
        calls.put(
                "select with a default",
                () -> Select.<String>biased().recv(ch, x -> x).orElse(() -> "default").run());
        ch.trySend("b");
        calls.put(
                "select with a default (ready)",
                () -> Select.<String>biased().recv(ch, x -> x).orElse(() -> "default").run());
        calls.put("BlockingQueue.offer", () -> q.offer("c"));
        calls.put("BlockingQueue.poll", q::poll);
        calls.put(
                "Mutex.lock (uninterruptible, free)",
                () -> {
                    m.lock().close();
                    return "locked";
                });
        calls.put(
                "Mutex.tryLock",
                () ->
                        m.tryLock()
                                .map(
                                        g -> {
                                            g.close();
                                            return "locked";
                                        }));
        calls.put(
                "RwLock.read (free)",
                () -> {
                    rw.read().close();
                    return "read";
                });
        calls.put(
                "Semaphore.tryAcquire",
                () ->
                        s.tryAcquire()
                                .map(
                                        p -> {
                                            p.close();
                                            return "ok";
                                        }));
        calls.put("JoinHandle.join (finished)", done::join);
        calls.put("JoinHandle.join(timeout) (finished)", () -> done.join(WAIT));
        calls.put("Async.await (ready)", () -> Async.await(Async.ready(1)));
        calls.put("Channel.registerRecv", () -> Channel.<String>bounded(1).registerRecv(() -> {}));
        calls.put("Channel.close", () -> Channel.bounded(1).close());
        calls.put("Channel.cancel", () -> Channel.bounded(1).cancel());
        CancellationSource src = new CancellationSource();
        calls.put("CancellationToken.onCancel", () -> src.token().onCancel(() -> {}));
        calls.put("CancellationSource.cancel", () -> src.cancel("stop"));
        calls.put("Threads.spawn", () -> Threads.spawn(() -> 1).name());
        calls.put(
                "Latch.countDown",
                () -> {
                    new Latch(2).countDown();
                    return "counted";
                });
        calls.put(
                "ThreadedExecutor spawn, cancel, close",
                () -> {
                    try (ThreadedExecutor ex = ThreadedExecutor.create("intr-keep", 1)) {
                        return ex.spawn(Async.never()).cancel();
                    }
                });
        calls.put(
                "LocalExecutor spawn, runUntilStalled, close",
                () -> {
                    try (LocalExecutor ex = LocalExecutor.create("intr-keep")) {
                        ex.spawn(Async.ready(1));
                        return ex.runUntilStalled();
                    }
                });
        List<String> wrong = new ArrayList<>();
        for (var c : calls.entrySet()) {
            var r = preInterrupted(c.getValue());
            if (r.getKey() instanceof Throwable || !r.getValue()) {
                wrong.add(c.getKey() + " -> " + r.getKey() + ", status " + r.getValue());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aChannelIteratorInterruptedThrowsUncheckedAndKeepsTheStatus() {
        Channel<String> ch = Channel.bounded(2);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> ch.iterator().hasNext())
                    .isInstanceOf(ChannelInterruptedException.class)
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThatThrownBy(() -> ch.stream().findFirst())
                    .isInstanceOf(ChannelInterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
