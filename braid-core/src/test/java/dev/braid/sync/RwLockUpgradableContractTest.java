package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.cancel.Deadline;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The upgradable read's contract, over every RwLock variant. */
class RwLockUpgradableContractTest {
    static Stream<RwLockContractTest.Variant> variants() {
        return RwLockContractTest.variants();
    }

    private static boolean on(java.util.concurrent.Callable<Boolean> c) throws Exception {
        return Threads.spawn(c::call).join();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void oneUpgradableReaderAtATimeWithPlainReadersAlongside(RwLockContractTest.Variant v)
            throws Exception {
        RwLock<Integer> l = v.make().get();
        try (var u = l.upgradableRead()) {
            assertThat(u.get()).isZero();
            assertThat(on(() -> l.withRead(x -> x == 0))).as("plain readers enter").isTrue();
            assertThat(on(() -> l.tryUpgradableRead().isEmpty())).as("one at a time").isTrue();
            assertThat(on(() -> l.tryWrite().isEmpty())).as("writers are kept out").isTrue();
            assertThat(on(() -> l.tryWrite(Duration.ofMillis(10)).isEmpty())).isTrue();
            assertThat(l.readHolds()).isEqualTo(1);
        }
        assertThat(
                        on(
                                () ->
                                        l.tryUpgradableRead()
                                                .map(
                                                        g -> {
                                                            g.close();
                                                            return true;
                                                        })
                                                .orElse(false)))
                .isTrue();
        assertThat(l.readHolds()).isZero();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void aSecondUpgradableReaderWaitsForTheFirst(RwLockContractTest.Variant v) throws Exception {
        RwLock<Integer> l = v.make().get();
        var u = l.upgradableRead();
        CountDownLatch started = new CountDownLatch(1);
        JoinHandle<Integer> second =
                Threads.spawn(
                        () -> {
                            started.countDown();
                            try (var u2 = l.upgradableRead();
                                    var w = u2.upgrade()) {
                                return w.set(w.get() + 10);
                            }
                        });
        started.await();
        Thread.sleep(20);
        try (var w = u.upgrade()) {
            w.set(1);
        }
        assertThat(second.join()).isEqualTo(1);
        assertThat((int) l.withRead(x -> x)).isEqualTo(11);
    }

    /**
     * The point of an upgrade: no writer comes in between. A reader holds, a writer queues, the
     * upgrade waits for the reader; when it returns, the value is still what the upgradable reader
     * saw, and the queued writer goes after.
     */
    @ParameterizedTest
    @MethodSource("variants")
    void upgradeWaitsForReadersAndNoWriterComesInBetween(RwLockContractTest.Variant v)
            throws Exception {
        RwLock<Integer> l = v.make().get();
        var u = l.upgradableRead();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<Void> reader =
                Threads.spawn(
                        () -> {
                            try (var _ = l.read()) {
                                reading.countDown();
                                release.await();
                            }
                            return null;
                        });
        reading.await();
        JoinHandle<Integer> writer =
                Threads.spawn(
                        () -> {
                            try (var w = l.write()) {
                                return w.set(100);
                            }
                        });
        Deadline give = Deadline.after(Duration.ofSeconds(30));
        while (on(
                () ->
                        l.tryRead()
                                .map(
                                        g -> {
                                            g.close();
                                            return true;
                                        })
                                .orElse(false))) { // until the writer waits
            assertThat(give.isExpired()).isFalse();
            Thread.sleep(1);
        }
        int seen = u.get();
        JoinHandle<Void> letGo =
                Threads.spawn(
                        () -> {
                            Thread.sleep(30);
                            release.countDown();
                            return null;
                        });
        try (var w = u.upgrade()) {
            assertThat(l.isWriteHeldByCurrentThread()).isTrue();
            assertThat(l.readHolds()).as("the reader left first").isZero();
            assertThat(w.get()).as("no writer came in between").isEqualTo(seen);
            w.set(seen + 1);
        }
        letGo.join();
        reader.join();
        assertThat(writer.join()).as("the writer went after the upgrade").isEqualTo(1);
        assertThat((int) l.withRead(x -> x)).isEqualTo(100);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void tryUpgradeDowngradeAndBackAgain(RwLockContractTest.Variant v) throws Exception {
        RwLock<Integer> l = v.make().get();
        var u = l.upgradableRead();
        var other =
                Threads.spawn(
                        () -> {
                            try (var _ = l.read()) {
                                Thread.sleep(50);
                            }
                            return null;
                        });
        while (l.readHolds() < 2) {
            Thread.sleep(1);
        }
        assertThat(u.tryUpgrade()).as("another reader holds").isEmpty();
        assertThat(l.readHolds()).isGreaterThanOrEqualTo(1);
        other.join();
        RwLockWriteGuard<Integer> w = u.tryUpgrade().orElseThrow();
        assertThatThrownBy(u::get).hasMessageContaining("closed");
        w.set(4);
        RwLockUpgradableReadGuard<Integer> back = w.downgradeToUpgradable();
        assertThat(l.isWriteLocked()).isFalse();
        assertThat(on(() -> l.withRead(x -> x == 4))).as("readers enter again").isTrue();
        assertThat(on(() -> l.tryUpgradableRead().isEmpty()))
                .as("still the upgradable one")
                .isTrue();
        RwLockReadGuard<Integer> plain = back.upgrade().downgrade();
        assertThat(
                        on(
                                () ->
                                        l.tryUpgradableRead()
                                                .map(
                                                        g -> {
                                                            g.close();
                                                            return true;
                                                        })
                                                .orElse(false)))
                .as("downgrade to plain read gives up the slot")
                .isTrue();
        plain.close();
        var u2 = l.upgradableRead();
        RwLockReadGuard<Integer> r = u2.downgrade();
        assertThat(
                        on(
                                () ->
                                        l.tryUpgradableRead()
                                                .map(
                                                        g -> {
                                                            g.close();
                                                            return true;
                                                        })
                                                .orElse(false)))
                .isTrue();
        r.close();
        assertThat(l.readHolds()).isZero();
        try (var plainWrite = l.write()) {
            assertThatThrownBy(plainWrite::downgradeToUpgradable)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("did not come from upgrade()");
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void misuseOnOneThreadFailsFastInsteadOfHanging(RwLockContractTest.Variant v) {
        RwLock<Integer> l = v.make().get();
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    try (var u = l.upgradableRead()) {
                        assertThatThrownBy(l::upgradableRead)
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("already has an upgradable read");
                        assertThatThrownBy(l::write)
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("read-held by this thread");
                        try (var r = l.read()) { // a nested plain read is fine...
                            assertThat(r.get()).isZero();
                            assertThatThrownBy(u::upgrade) // ...but upgrading past it is not
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("besides its upgradable read");
                        }
                        try (var w = u.upgrade()) {
                            assertThatThrownBy(l::upgradableRead)
                                    .isInstanceOf(IllegalStateException.class);
                            w.set(2);
                        }
                    }
                    try (var r = l.read()) {
                        assertThatThrownBy(l::upgradableRead)
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("could never upgrade");
                        assertThat(r.get()).isEqualTo(2);
                    }
                });
        assertThat(l.readHolds()).isZero();
        assertThat(l.isWriteLocked()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void aPoisonedLockRefusesAnUpgradableReadAndKeepsNoHold(RwLockContractTest.Variant v)
            throws Exception {
        RwLock<Integer> l = v.make().get();
        try (var w = l.write()) {
            w.poison(new IllegalStateException("half-done"));
        }
        assertThatThrownBy(l::upgradableRead).isInstanceOf(PoisonedException.class);
        assertThat(l.readHolds()).isZero();
        l.clearPoison();
        assertThat(
                        on(
                                () ->
                                        l.tryUpgradableRead()
                                                .map(
                                                        g -> {
                                                            g.close();
                                                            return true;
                                                        })
                                                .orElse(false)))
                .as("the refused attempt let the slot go")
                .isTrue();
    }

    /**
     * Upgradable check-then-act increments from three threads, with plain readers and writers mixed
     * in: an upgrade that let a writer in between would lose increments.
     */
    @ParameterizedTest
    @MethodSource("variants")
    void checkThenActUnderContentionLosesNoUpdate(RwLockContractTest.Variant v) throws Exception {
        RwLock<Integer> l = v.make().get();
        AtomicInteger writes = new AtomicInteger();
        List<JoinHandle<Void>> all = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int id = t;
            all.add(
                    Threads.spawn(
                            () -> {
                                for (int i = 0; i < 300; i++) {
                                    switch ((i + id) % 3) {
                                        case 0 -> {
                                            try (var u = l.upgradableRead()) {
                                                int seen = u.get();
                                                try (var w = u.upgrade()) {
                                                    assertThat(w.get()).isEqualTo(seen);
                                                    w.set(seen + 1);
                                                }
                                            }
                                            writes.incrementAndGet();
                                        }
                                        case 1 -> l.withRead(x -> x);
                                        default -> {
                                            l.update(x -> x + 1);
                                            writes.incrementAndGet();
                                        }
                                    }
                                }
                                return null;
                            }));
        }
        for (var h : all) {
            h.join();
        }
        assertThat((int) l.withRead(x -> x)).isEqualTo(writes.get());
        assertThat(l.readHolds()).isZero();
        assertThat(l.isWriteLocked()).isFalse();
    }
}
