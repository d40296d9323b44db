package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import org.junit.jupiter.api.Test;

/** JUC code runs unchanged over braid locks through the Lock / ReadWriteLock views. */
class JucViewsTest {
    /** A textbook JUC bounded buffer, written only against Lock and Condition. */
    static final class BoundedBuffer {
        final Lock lock;
        final Condition notFull;
        final Condition notEmpty;
        final Deque<Integer> items = new ArrayDeque<>();

        BoundedBuffer(Lock lock) {
            this.lock = lock;
            this.notFull = lock.newCondition();
            this.notEmpty = lock.newCondition();
        }

        void put(int x) throws InterruptedException {
            lock.lock();
            try {
                while (items.size() == 2) {
                    notFull.await();
                }
                items.add(x);
                notEmpty.signal();
            } finally {
                lock.unlock();
            }
        }

        int take() throws InterruptedException {
            lock.lock();
            try {
                while (items.isEmpty()) {
                    notEmpty.await();
                }
                int x = items.poll();
                notFull.signalAll();
                return x;
            } finally {
                lock.unlock();
            }
        }
    }

    @Test
    void aJucBoundedBufferWorksOverAMutexAndAnRwLock() throws Exception {
        for (Lock lock :
                new Lock[] {
                    Mutex.named("buf", 0).asLock(),
                    RwLock.named("buf", 0).asReadWriteLock().writeLock()
                }) {
            BoundedBuffer b = new BoundedBuffer(lock);
            JoinHandle<Long> consumer =
                    Threads.spawn(
                            () -> {
                                long sum = 0;
                                for (int i = 0; i < 1000; i++) {
                                    sum += b.take();
                                }
                                return sum;
                            });
            for (int i = 1; i <= 1000; i++) {
                b.put(i);
            }
            assertThat(consumer.join()).isEqualTo(500_500L);
        }
    }

    @Test
    void awaitUntilADateConvertsItOnceAndWaitsOnTheMonotonicClock() throws Exception {
        Lock l = Mutex.named("m", 0).asLock();
        Condition c = l.newCondition();
        l.lock();
        try {
            long t0 = System.nanoTime();
            assertThat(c.awaitUntil(new Date(System.currentTimeMillis() - 60_000))).isFalse();
            assertThat(c.awaitUntil(new Date(System.currentTimeMillis() + 40))).isFalse();
            long waited = System.nanoTime() - t0;
            // Date has millisecond resolution: allow a millisecond of truncation.
            assertThat(waited).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(39));
            JoinHandle<Void> signaller =
                    Threads.spawn(
                            () -> {
                                l.lock();
                                try {
                                    c.signal();
                                } finally {
                                    l.unlock();
                                }
                                return null;
                            });
            assertThat(c.awaitUntil(new Date(System.currentTimeMillis() + 60_000))).isTrue();
            signaller.join();
        } finally {
            l.unlock();
        }
    }

    @Test
    void jucContractsWhereTheyDifferFromBraid() throws Exception {
        Mutex<Integer> m = Mutex.named("m", 0);
        Lock l = m.asLock();
        assertThatThrownBy(l::unlock).isInstanceOf(IllegalMonitorStateException.class);
        Condition c = l.newCondition();
        assertThatThrownBy(c::signal).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(c::await).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(l.tryLock()).isTrue();
        assertThatThrownBy(l::lock).isInstanceOf(IllegalStateException.class);
        assertThat(c.await(1, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(c.awaitNanos(1_000)).isLessThanOrEqualTo(0);
        assertThat(c.awaitUntil(new Date(System.currentTimeMillis() + 1))).isFalse();
        assertThat(Threads.spawn(() -> l.tryLock(1, TimeUnit.MILLISECONDS)).join()).isFalse();
        l.unlock();
        l.lockInterruptibly();
        l.unlock();
        assertThat(m.isLocked()).isFalse();

        ReadWriteLock rw = RwLock.named("rw", 0).asReadWriteLock();
        rw.readLock().lock();
        assertThatThrownBy(rw.readLock()::lock)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read-held");
        assertThat(
                        Threads.spawn(
                                        () -> {
                                            boolean got = rw.readLock().tryLock();
                                            rw.readLock().unlock();
                                            return got;
                                        })
                                .join())
                .isTrue();
        assertThat(Threads.spawn(() -> rw.writeLock().tryLock(1, TimeUnit.MILLISECONDS)).join())
                .isFalse();
        rw.readLock().unlock();
        assertThatThrownBy(rw.readLock()::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(rw.readLock()::newCondition)
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(rw.writeLock()::unlock).isInstanceOf(IllegalMonitorStateException.class);
        rw.writeLock().lockInterruptibly();
        rw.writeLock().unlock();
        assertThat(rw.readLock().tryLock(1, TimeUnit.SECONDS)).isTrue();
        rw.readLock().unlock();
        rw.readLock().lockInterruptibly();
        rw.readLock().unlock();
    }
}
