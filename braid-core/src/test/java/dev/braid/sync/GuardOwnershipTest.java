package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.Threads;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards belong to the thread that locked (issue 15, point 2): another thread's use throws and the
 * lock stays held. Before, another thread's close silently unlocked.
 */
class GuardOwnershipTest {
    /** What {@code action} threw on another thread (null if nothing). */
    private static Throwable onAnotherThread(Runnable action) throws InterruptedException {
        return Threads.spawn(
                        () -> {
                            try {
                                action.run();
                                return null;
                            } catch (Throwable t) {
                                return t;
                            }
                        })
                .join();
    }

    @Test
    void aMutexGuardClosedByAnotherThreadThrowsAndTheMutexStaysLocked() throws Exception {
        Mutex<Integer> m = Mutex.named("accounts", 0);
        MutexGuard<Integer> g = m.lock();
        Throwable t = onAnotherThread(g::close);
        assertThat(t)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("guard of Mutex(accounts) belongs to thread \"")
                .hasMessageContaining("the thread that acquired it");
        assertThat(m.isLocked()).isTrue();
        assertThat(m.isHeldByCurrentThread()).isTrue();
        assertThat(onAnotherThread(g::get)).isInstanceOf(IllegalStateException.class);
        assertThat(onAnotherThread(() -> g.set(5))).isInstanceOf(IllegalStateException.class);
        assertThat(onAnotherThread(() -> g.poison(new RuntimeException())))
                .isInstanceOf(IllegalStateException.class);
        assertThat(m.isPoisoned()).isFalse();
        assertThat(onAnotherThread(() -> m.tryLock().ifPresent(MutexGuard::close))).isNull();
        assertThat(m.isHeldByCurrentThread()).as("still ours").isTrue();
        assertThat(g.get()).isZero();
        g.close();
        assertThat(m.isLocked()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("dev.braid.sync.RwLockContractTest#variants")
    void rwLockGuardsClosedByAnotherThreadThrowAndTheLockStaysHeld(RwLockContractTest.Variant v)
            throws Exception {
        RwLock<Integer> l = v.make().get();
        RwLockReadGuard<Integer> r = l.read();
        assertThat(onAnotherThread(r::close))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read guard of RwLock(rw) belongs to thread");
        assertThat(onAnotherThread(r::get)).isInstanceOf(IllegalStateException.class);
        assertThat(l.readHolds()).isEqualTo(1);
        r.close();
        assertThat(l.readHolds()).isZero();

        RwLockWriteGuard<Integer> w = l.write();
        assertThat(onAnotherThread(w::close))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("write guard of RwLock(rw) belongs to thread");
        assertThat(onAnotherThread(w::downgrade)).isInstanceOf(IllegalStateException.class);
        assertThat(onAnotherThread(() -> w.set(3))).isInstanceOf(IllegalStateException.class);
        assertThat(l.isWriteLocked()).isTrue();
        assertThat(l.isWriteHeldByCurrentThread()).isTrue();
        w.close();

        RwLockUpgradableReadGuard<Integer> u = l.upgradableRead();
        assertThat(onAnotherThread(u::close))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("upgradable read guard of RwLock(rw) belongs to thread");
        assertThat(onAnotherThread(u::upgrade)).isInstanceOf(IllegalStateException.class);
        assertThat(l.readHolds()).isEqualTo(1);
        assertThat(onAnotherThread(() -> assertThat(l.tryUpgradableRead()).isEmpty())).isNull();
        u.close();
        assertThat(l.readHolds()).isZero();
        assertThat(l.isWriteLocked()).isFalse();
    }

    @Test
    void aCondvarWaitWithAnotherThreadsGuardThrows() throws Exception {
        Mutex<Integer> m = Mutex.named("m", 0);
        Condvar cv = new Condvar();
        MutexGuard<Integer> g = m.lock();
        assertThat(onAnotherThread(() -> cv.awaitUninterruptibly(g)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(m.isHeldByCurrentThread()).isTrue();
        g.close();
    }

    @Test
    void twoLockViewsOfOneMutexGiveIllegalMonitorStateNotANullPointer() throws Exception {
        Mutex<Integer> m = Mutex.named("m", 0);
        Lock a = m.asLock();
        Lock b = m.asLock();
        a.lock();
        assertThatThrownBy(b::unlock)
                .isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("through another view");
        assertThat(m.isHeldByCurrentThread()).isTrue();
        assertThat(onAnotherThread(a::unlock)).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(m.isHeldByCurrentThread()).isTrue();
        a.unlock();
        assertThat(m.isLocked()).isFalse();
        assertThatThrownBy(a::unlock).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void readWriteLockViewsRefuseAnotherThreadsUnlockWithTheLockStillHeld() throws Exception {
        RwLock<Integer> l = RwLock.named("rw", 0);
        ReadWriteLock view = l.asReadWriteLock();
        view.writeLock().lock();
        assertThat(onAnotherThread(view.writeLock()::unlock))
                .isInstanceOf(IllegalMonitorStateException.class);
        assertThat(l.isWriteHeldByCurrentThread()).isTrue();
        assertThatThrownBy(() -> l.asReadWriteLock().writeLock().unlock())
                .isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("through another view");
        assertThat(l.isWriteHeldByCurrentThread()).isTrue();
        view.writeLock().unlock();
        view.readLock().lock();
        assertThat(onAnotherThread(view.readLock()::unlock))
                .isInstanceOf(IllegalMonitorStateException.class);
        assertThat(l.readHolds()).isEqualTo(1);
        view.readLock().unlock();
        assertThat(l.readHolds()).isZero();
    }
}
