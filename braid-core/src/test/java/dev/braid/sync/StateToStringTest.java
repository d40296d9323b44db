package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * toString() shows state, like the JDK's locks (issue 15, point 5, the sync part): who holds,
 * poisoned, permits, waiters, arrived. Before, it showed only the name. Never the value.
 */
class StateToStringTest {
    private static String me() {
        return "\""
                + Thread.currentThread().getName()
                + "\" (#"
                + Thread.currentThread().threadId()
                + ")";
    }

    @Test
    void mutexShowsItsHolderPoisonAndQueue() throws Exception {
        Mutex<String> m = Mutex.named("accounts", "secret");
        assertThat(m).hasToString("Mutex(accounts)[unlocked]");
        MutexGuard<String> g = m.lock();
        assertThat(m).hasToString("Mutex(accounts)[locked by " + me() + "]");
        assertThat(g).hasToString("MutexGuard[Mutex(accounts), held by " + me() + "]");
        JoinHandle<Void> waiter =
                Threads.spawn(
                        () -> {
                            m.lockIgnoringPoison().close();
                            return null;
                        });
        while (!m.hasQueuedThreads()) {
            Thread.sleep(1);
        }
        assertThat(m.toString()).endsWith(", threads queued]").doesNotContain("secret");
        g.poison(new IllegalStateException("half-done"));
        g.close();
        assertThat(g).hasToString("MutexGuard[Mutex(accounts), closed]");
        waiter.join();
        assertThat(m).hasToString("Mutex(accounts)[unlocked, poisoned]");
    }

    @Test
    void rwLockShowsReadersWriterUpgraderAndPoison() throws Exception {
        RwLock<String> l = RwLock.named("cache", "secret");
        try (var r = l.read()) {
            assertThat(l).hasToString("RwLock(cache)[1 read hold]");
            assertThat(r).hasToString("RwLockReadGuard[RwLock(cache), held by " + me() + "]");
        }
        try (var w = l.write()) {
            assertThat(l).hasToString("RwLock(cache)[write-locked by " + me() + "]");
            assertThat(w.toString()).startsWith("RwLockWriteGuard[RwLock(cache), held by ");
            w.poison(new IllegalStateException());
        }
        l.clearPoison();
        try (var u = l.upgradableRead()) {
            assertThat(l).hasToString("RwLock(cache)[1 read hold, upgradable read held]");
            assertThat(u.toString()).startsWith("RwLockUpgradableReadGuard[RwLock(cache)");
        }
        try (var w = l.write()) {
            w.poison(new IllegalStateException());
        }
        assertThat(l).hasToString("RwLock(cache)[unlocked, poisoned]");
    }

    @Test
    void semaphoreShowsPermitsAndWaiters() throws Exception {
        Semaphore s = Semaphore.named("db", 1, true);
        assertThat(s).hasToString("Semaphore(db)[1 permit, fair]");
        Permits p = s.acquire(1);
        JoinHandle<Integer> w = Threads.spawn(() -> s.acquire(1).count());
        while (!s.hasQueuedThreads()) {
            Thread.sleep(1);
        }
        assertThat(s).hasToString("Semaphore(db)[0 permits, threads waiting, fair]");
        p.close();
        assertThat(w.join()).isEqualTo(1);
    }

    @Test
    void barrierShowsArrivalsAndBreakage() throws Exception {
        Barrier b = Barrier.named("phase", 2);
        assertThat(b).hasToString("Barrier(phase)[0 of 2 arrived, generation 0]");
        CountDownLatch arrived = new CountDownLatch(1);
        JoinHandle<BarrierWait> first =
                Threads.spawn(
                        () -> {
                            arrived.countDown();
                            return b.await();
                        });
        arrived.await();
        while (!b.toString().contains("1 of 2")) {
            Thread.sleep(1);
        }
        assertThat(b).hasToString("Barrier(phase)[1 of 2 arrived, generation 0]");
        b.await();
        first.join();
        assertThat(b).hasToString("Barrier(phase)[0 of 2 arrived, generation 1]");
        b.breakWith(new IllegalStateException());
        assertThat(b.toString()).startsWith("Barrier(phase)[broken");
    }

    @Test
    void onceCellAndLazyShowWhetherSetButNeverTheValue() throws Exception {
        OnceCell<String> c = OnceCell.named("config");
        assertThat(c).hasToString("OnceCell(config)[empty]");
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        JoinHandle<String> init =
                Threads.builder()
                        .name("init")
                        .spawn(
                                () ->
                                        c.getOrInit(
                                                () -> {
                                                    inside.countDown();
                                                    try {
                                                        go.await();
                                                    } catch (InterruptedException e) {
                                                        throw new IllegalStateException(e);
                                                    }
                                                    return "secret";
                                                }));
        inside.await();
        assertThat(c.toString()).startsWith("OnceCell(config)[initializing in \"init\"");
        go.countDown();
        init.join();
        assertThat(c).hasToString("OnceCell(config)[set]");
        Lazy<String> z = Lazy.named("pattern", () -> "secret");
        assertThat(z).hasToString("Lazy(pattern)[not computed]");
        z.get();
        assertThat(z).hasToString("Lazy(pattern)[computed]");
    }
}
