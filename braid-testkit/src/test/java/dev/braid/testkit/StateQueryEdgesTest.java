package dev.braid.testkit;

import static dev.braid.testkit.ObservedStateHappensBeforeTest.check;
import static dev.braid.testkit.ObservedStateHappensBeforeTest.explore;
import static dev.braid.testkit.ObservedStateHappensBeforeTest.pollUntil;
import static dev.braid.testkit.ObservedStateHappensBeforeTest.writeThen;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.AsyncMutex;
import dev.braid.async.LocalExecutor;
import dev.braid.async.ThreadedExecutor;
import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.Ordering;
import dev.braid.atomic.Plain;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvRegistration;
import dev.braid.channel.SendRegistration;
import dev.braid.pool.WorkStealingPool;
import dev.braid.rc.Arc;
import dev.braid.sync.Barrier;
import dev.braid.sync.Latch;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.sync.Permits;
import dev.braid.sync.RwLock;
import dev.braid.sync.RwLockReadGuard;
import dev.braid.sync.RwLockUpgradableReadGuard;
import dev.braid.sync.RwLockWriteGuard;
import dev.braid.sync.Semaphore;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import dev.braid.time.PeriodicTimer;
import dev.braid.time.TimerWheel;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sweep of braid-core's state queries (edges15): every query whose answer is a volatile or
 * acquire read of the word another thread's operation wrote (a count, a flag, a lock word) is an
 * acquire on the JVM, so a poll loop on it orders that thread's earlier writes before the poller's
 * reads under the testkit too; {@link ObservedStateHappensBeforeTest} holds the first ten. The last
 * tests check the other side: a query that reads without acquiring orders nothing.
 */
class StateQueryEdgesTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    @Test
    void aReleaseWriteIsVisibleAfterAvailablePermitsSawIt() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Semaphore permits = new Semaphore(0);
                            JoinHandle<Void> t = writeThen(data, () -> permits.release(1));
                            pollUntil(() -> permits.availablePermits() == 1);
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aCountDownWriteIsVisibleAfterCountSawIt() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Latch latch = new Latch(2);
                            JoinHandle<Void> t = writeThen(data, latch::countDown);
                            pollUntil(() -> latch.count() == 1);
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aTripperWriteIsVisibleAfterGenerationMoved() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Barrier barrier = new Barrier(1);
                            JoinHandle<Void> t = writeThen(data, barrier::await);
                            pollUntil(() -> barrier.generation() == 1);
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aBreakerWriteIsVisibleAfterIsBrokenSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Barrier barrier = new Barrier(2);
                            JoinHandle<Void> t =
                                    writeThen(
                                            data,
                                            () -> barrier.breakWith(new IllegalStateException()));
                            pollUntil(barrier::isBroken);
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aPoisonerWriteIsVisibleAfterIsPoisonedSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Mutex<Integer> m = new Mutex<>(0);
                            JoinHandle<Void> t =
                                    writeThen(
                                            data,
                                            () -> {
                                                try (MutexGuard<Integer> g = m.lock()) {
                                                    g.poison(new IllegalStateException());
                                                }
                                            });
                            pollUntil(m::isPoisoned);
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aRwLockPoisonerWriteIsVisibleAfterIsPoisonedSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            RwLock<Integer> rw = new RwLock<>(0);
                            JoinHandle<Void> t =
                                    writeThen(
                                            data,
                                            () -> {
                                                try (RwLockWriteGuard<Integer> g = rw.write()) {
                                                    g.poison(new IllegalStateException());
                                                }
                                            });
                            pollUntil(rw::isPoisoned);
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    /** A thread that takes the lock, opens {@code holding}, writes 42, then unlocks. */
    private static JoinHandle<Void> writeUnder(
            Plain<Integer> data, Latch holding, AutoCloseableSupplier lock) {
        return Threads.spawn(
                () -> {
                    try (AutoCloseable held = lock.take()) {
                        holding.countDown();
                        data.set(42);
                        held.getClass(); // the guard is used: -Werror
                    }
                    return null;
                });
    }

    /** Takes a lock and returns what releases it. */
    @FunctionalInterface
    private interface AutoCloseableSupplier {
        AutoCloseable take() throws Exception;
    }

    @Test
    void anUnlockerWriteIsVisibleAfterIsLockedSaidFalse() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Mutex<Integer> m = new Mutex<>(0);
                            Latch holding = new Latch(1);
                            JoinHandle<Void> t = writeUnder(data, holding, m::lock);
                            holding.await();
                            pollUntil(() -> !m.isLocked());
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aWriteUnlockerWriteIsVisibleAfterIsWriteLockedSaidFalse() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            RwLock<Integer> rw = new RwLock<>(0);
                            Latch holding = new Latch(1);
                            JoinHandle<Void> t = writeUnder(data, holding, rw::write);
                            holding.await();
                            pollUntil(() -> !rw.isWriteLocked());
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void anAsyncMutexUnlockerWriteIsVisibleAfterIsLockedSaidFalse() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            AsyncMutex m = new AsyncMutex("m");
                            Latch holding = new Latch(1);
                            JoinHandle<Void> t =
                                    writeUnder(data, holding, () -> m.tryLock().orElseThrow());
                            holding.await();
                            pollUntil(() -> !m.isLocked());
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void anAsyncMutexUnlockerWriteIsVisibleAfterTryLock() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            AsyncMutex m = new AsyncMutex("m");
                            Latch holding = new Latch(1);
                            JoinHandle<Void> t =
                                    writeUnder(data, holding, () -> m.tryLock().orElseThrow());
                            holding.await();
                            Optional<AsyncMutex.Guard> g;
                            while ((g = m.tryLock()).isEmpty()) {
                                Threads.sleep(Duration.ofMillis(1));
                            }
                            check(data.get());
                            g.get().close();
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aDowngraderWriteIsVisibleToAReaderWhileItStillReads() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            RwLock<Integer> rw = new RwLock<>(0);
                            Latch holding = new Latch(1);
                            Latch read = new Latch(1);
                            JoinHandle<Void> t =
                                    Threads.spawn(
                                            () -> {
                                                RwLockWriteGuard<Integer> w = rw.write();
                                                holding.countDown();
                                                data.set(42);
                                                try (RwLockReadGuard<Integer> r = w.downgrade()) {
                                                    read.await();
                                                    r.get();
                                                }
                                                return null;
                                            });
                            holding.await();
                            try (RwLockReadGuard<Integer> r = rw.read()) {
                                check(data.get());
                                r.get();
                            }
                            read.countDown();
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aWriterWriteIsVisibleAfterAnUpgradableReadAndItsUpgrade() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            RwLock<Integer> rw = new RwLock<>(0);
                            Latch holding = new Latch(1);
                            JoinHandle<Void> t = writeUnder(data, holding, rw::write);
                            holding.await();
                            try (RwLockUpgradableReadGuard<Integer> u = rw.upgradableRead()) {
                                check(data.get());
                                try (RwLockWriteGuard<Integer> w = u.upgrade()) {
                                    data.set(43);
                                    w.get();
                                }
                            }
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void everyReaderWriteIsVisibleToTheNextWriter() {
        explore(
                        () -> {
                            Plain<Integer> a = new Plain<>(0);
                            Plain<Integer> b = new Plain<>(0);
                            RwLock<Integer> rw = new RwLock<>(0);
                            AtomicBool left = new AtomicBool(false);
                            AtomicBool leftToo = new AtomicBool(false);
                            JoinHandle<Void> one =
                                    writeThen(
                                            a,
                                            () -> {
                                                rw.read().close();
                                                left.store(true, Ordering.RELAXED);
                                            });
                            JoinHandle<Void> two =
                                    writeThen(
                                            b,
                                            () -> {
                                                rw.read().close();
                                                leftToo.store(true, Ordering.RELAXED);
                                            });
                            while (!left.load(Ordering.RELAXED)
                                    || !leftToo.load(Ordering.RELAXED)) {
                                Threads.sleep(Duration.ofMillis(1));
                            }
                            try (RwLockWriteGuard<Integer> w = rw.write()) {
                                check(a.get());
                                check(b.get());
                                w.set(1);
                            }
                            one.join();
                            two.join();
                        })
                .assertPassed();
    }

    @Test
    void anAsyncMutexUnlockerWriteIsVisibleToAnUncontendedLock() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            AsyncMutex m = new AsyncMutex("m");
                            AtomicBool unlocked = new AtomicBool(false);
                            JoinHandle<Void> t =
                                    writeThen(
                                            data,
                                            () -> {
                                                try (LocalExecutor ex =
                                                        LocalExecutor.create("writer")) {
                                                    ex.blockOn(m.lock()).close();
                                                }
                                                unlocked.store(true, Ordering.RELAXED);
                                            });
                            while (!unlocked.load(Ordering.RELAXED)) { // no edge: relaxed
                                Threads.sleep(Duration.ofMillis(1));
                            }
                            try (LocalExecutor ex = LocalExecutor.create("main")) {
                                try (AsyncMutex.Guard g = ex.blockOn(m.lock())) {
                                    check(data.get());
                                    g.mutex();
                                }
                            }
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aSharerWriteIsVisibleAfterStrongCountSawItsRelease() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Arc<AutoCloseable> arc = Arc.of(() -> {});
                            Arc<AutoCloseable> share = arc.share();
                            JoinHandle<Void> t = writeThen(data, share::release);
                            pollUntil(() -> arc.strongCount() == 1);
                            check(data.get());
                            t.join();
                            arc.release();
                        })
                .assertPassed();
    }

    @Test
    void aSharerWriteIsVisibleAfterIsReleasedSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Arc<AutoCloseable> arc = Arc.of(() -> {});
                            Arc<AutoCloseable> share = arc.share();
                            JoinHandle<Void> t = writeThen(data, share::release);
                            pollUntil(share::isReleased);
                            check(data.get());
                            t.join();
                            arc.release();
                        })
                .assertPassed();
    }

    @Test
    void aPoolCancellerWriteIsVisibleAfterIsCancelledSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            try (dev.braid.pool.WorkStealingPool pool =
                                    dev.braid.pool.WorkStealingPool.builder()
                                            .parallelism(1)
                                            .build()) {
                                Latch gate = new Latch(1);
                                pool.submit(
                                        () -> {
                                            gate.await();
                                            return null;
                                        });
                                dev.braid.pool.TaskHandle<Void> queued = pool.submit(() -> null);
                                JoinHandle<Void> t = writeThen(data, queued::cancel);
                                pollUntil(queued::isCancelled);
                                check(data.get());
                                t.join();
                                gate.countDown();
                            }
                        })
                .assertPassed();
    }

    @Test
    void aCloserWriteIsVisibleAfterPermitsIsReleasedSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Semaphore semaphore = new Semaphore(1);
                            Permits held = semaphore.acquire(1);
                            JoinHandle<Void> t = writeThen(data, held::close);
                            pollUntil(held::isReleased);
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aSenderWriteIsVisibleAfterARecvRegistrationIsReady() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Channel<Integer> ch = Channel.bounded(1);
                            RecvRegistration reg = ch.registerRecv(() -> {});
                            JoinHandle<Void> t = writeThen(data, () -> ch.send(1));
                            pollUntil(reg::isReady);
                            check(data.get());
                            reg.close();
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aReceiverWriteIsVisibleAfterASendRegistrationIsDone() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Channel<Integer> ch = Channel.rendezvous();
                            SendRegistration reg = ch.registerSend(1, () -> {});
                            JoinHandle<Void> t = writeThen(data, ch::recv);
                            pollUntil(reg::isDone);
                            check(data.get());
                            reg.close();
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aCancellerWriteIsVisibleAfterAPeriodicTimerIsCancelled() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            TimerWheel wheel = TimerWheel.create("t", Duration.ofMillis(1), 64);
                            PeriodicTimer timer =
                                    wheel.scheduleAtFixedRate(
                                            Duration.ofHours(1), Duration.ofHours(1), () -> {});
                            JoinHandle<Void> t = writeThen(data, timer::cancel);
                            pollUntil(timer::isCancelled);
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aCloserWriteIsVisibleAfterAnExecutorIsClosed() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            ThreadedExecutor exec = ThreadedExecutor.create("exec", 1);
                            JoinHandle<Void> t = writeThen(data, exec::close);
                            pollUntil(exec::isClosed);
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void aShutdownWriteIsVisibleAfterIsShutdownSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            try (WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(1).build()) {
                                JoinHandle<Void> t = writeThen(data, pool::shutdown);
                                pollUntil(pool::isShutdown);
                                check(data.get());
                                t.join();
                            }
                        })
                .assertPassed();
    }

    @Test
    void aPollerWriteIsVisibleAfterTheStickyIsTerminatedItLeft() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(1).build();
                            pool.shutdown();
                            AtomicBool saw = new AtomicBool(false);
                            JoinHandle<Void> t =
                                    writeThen(
                                            data,
                                            () -> {
                                                pollUntil(pool::isTerminated); // sets the flag
                                                saw.store(true, Ordering.RELAXED);
                                            });
                            while (!saw.load(Ordering.RELAXED)) { // no edge: relaxed
                                Threads.sleep(Duration.ofMillis(1));
                            }
                            assertThat(pool.isTerminated()).isTrue(); // the sticky answer
                            check(data.get());
                            t.join();
                        })
                .assertPassed();
    }

    @Test
    void everyReaderWriteIsVisibleAfterAnUpgrade() {
        explore(
                        () -> {
                            Plain<Integer> a = new Plain<>(0);
                            RwLock<Integer> rw = new RwLock<>(0);
                            AtomicBool left = new AtomicBool(false);
                            JoinHandle<Void> one =
                                    writeThen(
                                            a,
                                            () -> {
                                                rw.read().close();
                                                left.store(true, Ordering.RELAXED);
                                            });
                            while (!left.load(Ordering.RELAXED)) { // no edge: relaxed
                                Threads.sleep(Duration.ofMillis(1));
                            }
                            try (RwLockUpgradableReadGuard<Integer> u = rw.upgradableRead();
                                    RwLockWriteGuard<Integer> w = u.upgrade()) {
                                check(a.get());
                                w.set(1);
                            }
                            one.join();
                        })
                .assertPassed();
    }

    @Test
    void aReadAfterLenSawTheElementIsStillARace() {
        // len() is a monitoring snapshot, not a documented edge (docs/testkit.md): receive the
        // element instead; the testkit reports the read rather than promise an order
        Exploration e =
                explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            Channel<Integer> ch = Channel.bounded(1);
                            JoinHandle<Void> t = writeThen(data, () -> ch.send(1));
                            pollUntil(() -> ch.len() > 0);
                            data.get();
                            t.join();
                        });
        assertThat(e.failure()).get().isInstanceOf(SimResult.DataRace.class);
    }
}
