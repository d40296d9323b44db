package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.Plain;
import dev.braid.cancel.CancellationSource;
import dev.braid.channel.Channel;
import dev.braid.sync.Barrier;
import dev.braid.sync.Latch;
import dev.braid.sync.OnceCell;
import dev.braid.sync.Permits;
import dev.braid.sync.Semaphore;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Documented edges observed by polling a state query, under the testkit: "closing happens-before
 * every operation that reports the channel closed" (docs/channels.md), so {@code isClosed()}
 * answering true orders the closer's writes before the poller's reads; and "actions before cancel
 * happen-before every callback and every observation" of the cancellation (CancellationToken), so
 * {@code isCancelled()} answering true does too; so do a braid thread's {@code
 * JoinHandle.isFinished()}, a {@code Latch}'s {@code isOpen()} and a {@code OnceCell}'s {@code
 * isInitialized()}, as on the JVM. A poll loop that relies on them must not be reported as a data
 * race; a read that does not wait still is. A latch's count-downs and a semaphore's releases form a
 * release sequence (each CAS reads the one before), so an await or a take is ordered after every
 * one of them, not only the last; a barrier's trip after every arrival.
 */
class ObservedStateHappensBeforeTest {
    private static final int SCHEDULES = 300;

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** What a writer thread does after writing 42 into its cell: publish it somehow. */
    @FunctionalInterface
    interface Publish {
        void run() throws Exception;
    }

    static Exploration explore(SimBody body) {
        return Simulation.builder().seed(1).schedules(SCHEDULES).build().explore(body);
    }

    /** A braid thread that writes 42 into {@code cell}, then runs {@code publish}. */
    static JoinHandle<Void> writeThen(Plain<Integer> cell, Publish publish) {
        return Threads.spawn(
                () -> {
                    cell.set(42);
                    publish.run();
                    return null;
                });
    }

    static void pollUntil(BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) {
            Threads.sleep(Duration.ofMillis(1));
        }
    }

    static void check(int v) {
        if (v != 42) {
            throw new AssertionError("read " + v + " after the state said so");
        }
    }

    @Test
    void aThreadWriteIsVisibleAfterIsFinishedSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            JoinHandle<Void> t = writeThen(data, () -> {});
                            pollUntil(t::isFinished);
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aReadThatDoesNotWaitForTheThreadIsStillARace() {
        Exploration e =
                explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            JoinHandle<Void> t = writeThen(data, () -> {});
                            t.isFinished(); // whatever it says
                            data.get();
                            t.join();
                        });
        assertThat(e.failure()).get().isInstanceOf(SimResult.DataRace.class);
    }

    @Test
    void aCloserWriteIsVisibleAfterIsClosedSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Channel<Integer> ch = Channel.bounded(1);
                            JoinHandle<Void> closer = writeThen(data, ch::close);
                            pollUntil(ch::isClosed);
                            check(data.get());
                            closer.join();
                        })
                .assertPassed();
    }

    @Test
    void aCancellerWriteIsVisibleAfterIsCancelledSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            CancellationSource src = new CancellationSource();
                            JoinHandle<Void> canceller = writeThen(data, src::cancel);
                            pollUntil(src.token()::isCancelled);
                            check(data.get());
                            canceller.join();
                        })
                .assertPassed();
    }

    @Test
    void aReadThatDoesNotWaitForTheCloseIsStillARace() {
        Exploration e =
                explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Channel<Integer> ch = Channel.bounded(1);
                            JoinHandle<Void> closer = writeThen(data, ch::close);
                            ch.isClosed(); // whatever it says
                            data.get();
                            closer.join();
                        });
        assertThat(e.failure()).get().isInstanceOf(SimResult.DataRace.class);
    }

    @Test
    void aCountDownWriteIsVisibleAfterIsOpenSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Latch latch = new Latch(1);
                            JoinHandle<Void> opener = writeThen(data, latch::countDown);
                            pollUntil(latch::isOpen);
                            check(data.get());
                            opener.join();
                        })
                .assertPassed();
    }

    @Test
    void aSetterWriteIsVisibleAfterIsInitializedSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            OnceCell<String> cell = new OnceCell<>();
                            JoinHandle<Void> setter = writeThen(data, () -> cell.set("v"));
                            pollUntil(cell::isInitialized);
                            check(data.get());
                            setter.join();
                        })
                .assertPassed();
    }

    @Test
    void everyCountDownWriteIsVisibleAfterAwait() {
        explore(
                        () -> {
                            Plain<Integer> a = new Plain<>(0);
                            Plain<Integer> b = new Plain<>(0);
                            Latch latch = new Latch(2);
                            JoinHandle<Void> one = writeThen(a, latch::countDown);
                            JoinHandle<Void> two = writeThen(b, latch::countDown);
                            latch.await();
                            check(a.get());
                            check(b.get());
                            one.join();
                            two.join();
                        })
                .assertPassed();
    }

    @Test
    void everyReleaseWriteIsVisibleAfterAcquiringTheirPermits() {
        explore(
                        () -> {
                            Plain<Integer> a = new Plain<>(0);
                            Plain<Integer> b = new Plain<>(0);
                            Semaphore permits = new Semaphore(0);
                            JoinHandle<Void> one = writeThen(a, () -> permits.release(1));
                            JoinHandle<Void> two = writeThen(b, () -> permits.release(1));
                            Permits held = permits.acquire(2);
                            check(a.get());
                            check(b.get());
                            held.close();
                            one.join();
                            two.join();
                        })
                .assertPassed();
    }

    @Test
    void everyArrivalWriteIsVisibleAfterTheBarrierTrips() {
        explore(
                        () -> {
                            Plain<Integer> a = new Plain<>(0);
                            Plain<Integer> b = new Plain<>(0);
                            Barrier barrier = new Barrier(3);
                            JoinHandle<Void> one = writeThen(a, barrier::await);
                            JoinHandle<Void> two = writeThen(b, barrier::await);
                            barrier.await();
                            check(a.get());
                            check(b.get());
                            one.join();
                            two.join();
                        })
                .assertPassed();
    }
}
