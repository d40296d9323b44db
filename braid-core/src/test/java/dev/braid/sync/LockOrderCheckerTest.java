package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated // the checker is process-wide
class LockOrderCheckerTest {
    @AfterEach
    void off() {
        LockOrderChecker.disable();
        LockOrderChecker.reset();
    }

    @Test
    void anInversionAcrossMutexAndRwLockIsFlaggedBeforeAnyDeadlock() throws Exception {
        LockOrderChecker.enable();
        Mutex<Integer> a = Mutex.named("a", 0);
        RwLock<Integer> b = RwLock.named("b", 0);
        // Thread 1 takes a then b, and finishes: no deadlock happens in this run.
        Threads.spawn(
                        () -> {
                            try (var _ = a.lock();
                                    var _ = b.read()) {
                                return null;
                            }
                        })
                .join();
        // Thread 2 takes b then a: the checker refuses before it can ever block.
        Throwable t =
                Threads.spawn(
                                () -> {
                                    try (var _ = b.write()) {
                                        try (var _ = a.lock()) {
                                            return null;
                                        } catch (LockOrderViolation v) {
                                            return v;
                                        }
                                    }
                                })
                        .join();
        assertThat(t).isInstanceOf(LockOrderViolation.class);
        LockOrderViolation v = (LockOrderViolation) t;
        assertThat(v.acquiring()).isEqualTo("Mutex(a)");
        assertThat(v.held()).isEqualTo("RwLock(b)");
        assertThat(v.getMessage()).contains("cycle: RwLock(b) -> Mutex(a) -> RwLock(b)");
        assertThat(v.getCause().getMessage()).contains("acquired RwLock(b) while holding Mutex(a)");
        assertThat(v.getCause().getStackTrace()).isNotEmpty();
        assertThat(a.isLocked()).isFalse();
        assertThat(b.isWriteLocked()).isFalse();
    }

    @Test
    void reportingModeLetsTheAcquisitionProceedAndSeesReacquisition() {
        List<LockOrderViolation> seen = new ArrayList<>();
        LockOrderChecker.enable(seen::add);
        assertThat(LockOrderChecker.isEnabled()).isTrue();
        RwLock<Integer> r = RwLock.named("r", 0);
        try (var _ = r.read();
                var _ = r.read()) {
            assertThat(r.readHolds()).isEqualTo(2);
        }
        assertThat(seen)
                .singleElement()
                .extracting(Throwable::getMessage)
                .asString()
                .contains("already holding it");
        Mutex<Integer> x = Mutex.named("x", 0);
        Mutex<Integer> y = Mutex.named("y", 0);
        try (var _ = x.lock();
                var _ = y.lock()) {}
        try (var _ = y.lock();
                var _ = x.lock()) {}
        assertThat(seen).hasSize(2);
        LockOrderChecker.disable();
        assertThat(LockOrderChecker.isEnabled()).isFalse();
        try (var _ = y.lock();
                var _ = x.lock()) {}
        assertThat(seen).hasSize(2);
    }

    @Test
    void consistentOrdersAreQuiet() {
        LockOrderChecker.enable();
        Mutex<Integer> a = Mutex.named("a", 0);
        Mutex<Integer> b = Mutex.named("b", 0);
        Mutex<Integer> c = Mutex.named("c", 0);
        for (int i = 0; i < 3; i++) {
            try (var _ = a.lock();
                    var _ = b.lock();
                    var _ = c.lock()) {}
            try (var _ = a.lock();
                    var _ = c.lock()) {}
        }
        assertThatThrownBy(
                        () -> {
                            try (var _ = c.lock();
                                    var _ = a.lock()) {}
                        })
                .isInstanceOf(LockOrderViolation.class);
    }

    @Test
    void anInversionBetweenASemaphoreAndAMutexIsFlagged() throws Exception {
        LockOrderChecker.enable();
        Semaphore pool = Semaphore.named("pool", 4, false);
        Mutex<Integer> m = Mutex.named("m", 0);
        try (var _ = pool.acquire(1);
                var _ = m.lock()) {}
        // The opposite order, with a timed acquisition: refused before it can wait.
        try (var _ = m.lock()) {
            assertThatThrownBy(() -> pool.tryAcquire(1, java.time.Duration.ofSeconds(1)))
                    .isInstanceOf(LockOrderViolation.class)
                    .hasMessageContaining("cycle: Mutex(m) -> Semaphore(pool) -> Mutex(m)");
        }
        assertThat(pool.availablePermits()).isEqualTo(4);
        // ...and with the blocking form.
        try (var _ = m.lock()) {
            assertThatThrownBy(() -> pool.acquire(2)).isInstanceOf(LockOrderViolation.class);
        }
        assertThat(pool.availablePermits()).isEqualTo(4);
    }

    @Test
    void permitsClosedByAnotherThreadNoLongerCountAsHeld() throws Exception {
        LockOrderChecker.enable();
        Semaphore pool = Semaphore.named("pool", 4, false);
        Mutex<Integer> m = Mutex.named("m", 0);
        // m -> pool is the established order.
        try (var _ = m.lock();
                var _ = pool.acquire(1)) {}
        Permits handed = pool.acquire(1);
        Threads.spawn(
                        () -> {
                            handed.close(); // the hand-over: another thread gives them back
                            return null;
                        })
                .join();
        // This thread no longer holds the permits, so taking m now is no inversion.
        try (var _ = m.lock()) {
            assertThat(m.isHeldByCurrentThread()).isTrue();
        }
        // Still holding permits, though, it would be.
        try (var _ = pool.acquire(1)) {
            assertThatThrownBy(m::lock).isInstanceOf(LockOrderViolation.class);
        }
    }

    @Test
    void morePermitsOfAHeldSemaphoreAndTryAcquireAreNotReported() throws Exception {
        List<LockOrderViolation> seen = new ArrayList<>();
        LockOrderChecker.enable(seen::add);
        Semaphore pool = Semaphore.named("pool", 4, false);
        Mutex<Integer> m = Mutex.named("m", 0);
        try (var _ = pool.acquire(1);
                var _ = pool.acquire(1)) {
            assertThat(pool.availablePermits()).isEqualTo(2);
        }
        try (var _ = m.lock()) {
            pool.tryAcquire(1).orElseThrow().close(); // cannot block, so not checked
        }
        try (var _ = pool.acquire(1);
                var _ = m.lock()) {}
        assertThat(seen).isEmpty();
    }
}
