package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.Plain;
import dev.braid.cancel.CancellationSource;
import dev.braid.channel.Channel;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Documented edges observed by polling a state query, under the testkit: "closing happens-before
 * every operation that reports the channel closed" (docs/channels.md), so {@code isClosed()}
 * answering true orders the closer's writes before the poller's reads; and "actions before cancel
 * happen-before every callback and every observation" of the cancellation (CancellationToken), so
 * {@code isCancelled()} answering true does too; so do a {@code Latch}'s {@code isOpen()} and a
 * {@code OnceCell}'s {@code isInitialized()}, as on the JVM. A poll loop that relies on them must
 * not be reported as a data race; a read that does not wait still is. A latch's count-downs and a
 * semaphore's releases form a release sequence (each CAS reads the one before), so an await or a
 * take is ordered after every one of them, not only the last; a barrier's trip after every arrival.
 */
class ObservedStateHappensBeforeTest {
    private static final int SCHEDULES = 300;

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static Exploration explore(SimBody body) {
        return Simulation.builder().seed(1).schedules(SCHEDULES).build().explore(body);
    }

    private static void check(int v) {
        if (v != 42) {
            throw new AssertionError("read " + v + " after the state said so");
        }
    }

    @Test
    void aCloserWriteIsVisibleAfterIsClosedSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Channel<Integer> ch = Channel.bounded(1);
                            JoinHandle<Void> closer =
                                    Threads.spawn(
                                            () -> {
                                                data.set(42);
                                                ch.close();
                                                return null;
                                            });
                            while (!ch.isClosed()) {
                                Threads.sleep(Duration.ofMillis(1));
                            }
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
                            JoinHandle<Void> canceller =
                                    Threads.spawn(
                                            () -> {
                                                data.set(42);
                                                src.cancel();
                                                return null;
                                            });
                            while (!src.token().isCancelled()) {
                                Threads.sleep(Duration.ofMillis(1));
                            }
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
                            JoinHandle<Void> closer =
                                    Threads.spawn(
                                            () -> {
                                                data.set(42);
                                                ch.close();
                                                return null;
                                            });
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
                            dev.braid.sync.Latch latch = new dev.braid.sync.Latch(1);
                            JoinHandle<Void> opener =
                                    Threads.spawn(
                                            () -> {
                                                data.set(42);
                                                latch.countDown();
                                                return null;
                                            });
                            while (!latch.isOpen()) {
                                Threads.sleep(Duration.ofMillis(1));
                            }
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
                            dev.braid.sync.OnceCell<String> cell = new dev.braid.sync.OnceCell<>();
                            JoinHandle<Void> setter =
                                    Threads.spawn(
                                            () -> {
                                                data.set(42);
                                                cell.set("v");
                                                return null;
                                            });
                            while (!cell.isInitialized()) {
                                Threads.sleep(Duration.ofMillis(1));
                            }
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
                            dev.braid.sync.Latch latch = new dev.braid.sync.Latch(2);
                            JoinHandle<Void> one =
                                    Threads.spawn(
                                            () -> {
                                                a.set(42);
                                                latch.countDown();
                                                return null;
                                            });
                            JoinHandle<Void> two =
                                    Threads.spawn(
                                            () -> {
                                                b.set(42);
                                                latch.countDown();
                                                return null;
                                            });
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
                            dev.braid.sync.Semaphore permits = new dev.braid.sync.Semaphore(0);
                            JoinHandle<Void> one =
                                    Threads.spawn(
                                            () -> {
                                                a.set(42);
                                                permits.release(1);
                                                return null;
                                            });
                            JoinHandle<Void> two =
                                    Threads.spawn(
                                            () -> {
                                                b.set(42);
                                                permits.release(1);
                                                return null;
                                            });
                            dev.braid.sync.Permits held = permits.acquire(2);
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
                            dev.braid.sync.Barrier barrier = new dev.braid.sync.Barrier(3);
                            JoinHandle<Void> one =
                                    Threads.spawn(
                                            () -> {
                                                a.set(42);
                                                barrier.await();
                                                return null;
                                            });
                            JoinHandle<Void> two =
                                    Threads.spawn(
                                            () -> {
                                                b.set(42);
                                                barrier.await();
                                                return null;
                                            });
                            barrier.await();
                            check(a.get());
                            check(b.get());
                            one.join();
                            two.join();
                        })
                .assertPassed();
    }
}
