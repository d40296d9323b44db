package dev.braid.examples.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.sync.RwLock;
import dev.braid.sync.RwLockUpgradableReadGuard;
import dev.braid.sync.RwLockWriteGuard;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.Sim;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upgradable reads and nested reads under the testkit (issue 15, point 1). Two upgradable readers
 * (each checks, yields, upgrades, and goes back once), a reader that reads again inside its own
 * read hold, and a plain writer. Exploration checks that an upgrade never lets a writer in between
 * (the value it read is the value it writes over), that holders exclude each other, and that nobody
 * is left parked: an upgrader waiting for the last reader, a nested read behind a waiting writer,
 * or a lost wake-up would all be reported as a deadlock.
 */
class RwLockUpgradableSimTest {
    /** Who is inside, and the first violation seen. */
    private static final class Sections {
        final AtomicInteger readers = new AtomicInteger();
        final AtomicInteger writers = new AtomicInteger();
        final AtomicReference<String> bad = new AtomicReference<>();

        void enterRead() {
            readers.incrementAndGet();
            if (writers.get() != 0) {
                bad.compareAndSet(null, "a reader overlapped a writer");
            }
        }

        void enterWrite() {
            if (writers.incrementAndGet() != 1 || readers.get() != 0) {
                bad.compareAndSet(null, "a writer overlapped another holder");
            }
        }
    }

    private static Void upgrader(RwLock<int[]> l, Sections in) {
        try (RwLockUpgradableReadGuard<int[]> u = l.upgradableRead()) {
            in.enterRead();
            int seen = u.get()[0];
            Sim.yieldNow();
            in.readers.decrementAndGet();
            try (RwLockWriteGuard<int[]> w = u.upgrade()) {
                in.enterWrite();
                if (w.get()[0] != seen) {
                    in.bad.compareAndSet(null, "a writer came in between read and upgrade");
                }
                w.get()[0] = seen + 1;
                in.writers.decrementAndGet();
                try (var back = w.downgradeToUpgradable()) { // and back again
                    in.enterRead();
                    Sim.yieldNow();
                    in.readers.decrementAndGet();
                    try (var w2 = back.upgrade()) {
                        in.enterWrite();
                        w2.get()[0]++;
                        in.writers.decrementAndGet();
                    }
                }
            }
        }
        return null;
    }

    private static Void nestedReader(RwLock<int[]> l, Sections in) {
        for (int i = 0; i < 2; i++) {
            try (var outer = l.read()) {
                in.enterRead();
                Sim.yieldNow(); // a writer may queue here: the nested read must still get in
                try (var inner = l.read()) {
                    assertThat(inner.get()).isSameAs(outer.get());
                }
                in.readers.decrementAndGet();
            }
        }
        return null;
    }

    private static Void writer(RwLock<int[]> l, Sections in) {
        try (var w = l.write()) {
            in.enterWrite();
            w.get()[0]++;
            Sim.yieldNow();
            in.writers.decrementAndGet();
        }
        return null;
    }

    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {false, true})
    void upgradesAreAtomicAndNobodyIsLeftParked(boolean fair) {
        Exploration e =
                Simulation.builder()
                        .seed(fair ? 381 : 380)
                        .schedules(300)
                        .build()
                        .explore(
                                () -> {
                                    RwLock<int[]> l =
                                            RwLock.builder()
                                                    .name("rw")
                                                    .fair(fair)
                                                    .build(new int[1]);
                                    Sections in = new Sections();
                                    JoinHandle<Void> u1 =
                                            Threads.builder()
                                                    .name("upgrader1")
                                                    .spawn(() -> upgrader(l, in));
                                    JoinHandle<Void> u2 =
                                            Threads.builder()
                                                    .name("upgrader2")
                                                    .spawn(() -> upgrader(l, in));
                                    JoinHandle<Void> r =
                                            Threads.builder()
                                                    .name("nestedReader")
                                                    .spawn(() -> nestedReader(l, in));
                                    JoinHandle<Void> w =
                                            Threads.builder()
                                                    .name("writer")
                                                    .spawn(() -> writer(l, in));
                                    u1.join();
                                    u2.join();
                                    r.join();
                                    w.join();
                                    assertThat(in.bad.get()).isNull();
                                    assertThat(l.readHolds()).isZero();
                                    assertThat(l.isWriteLocked()).isFalse();
                                    try (var g = l.write()) { // a stall would park here forever
                                        assertThat(g.get()[0]).isEqualTo(5); // 2 + 2 + 1 writes
                                    }
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
    }
}
