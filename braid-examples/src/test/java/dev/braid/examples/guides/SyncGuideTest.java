package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.sync.Condvar;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.sync.RwLock;
import dev.braid.sync.RwLockReadGuard;
import dev.braid.sync.RwLockWriteGuard;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The examples of {@code docs/sync.md} (Mutex, RwLock with the downgrade idiom, Condvar), compiled
 * and run; each test holds one snippet as the guide shows it, with small local stand-ins.
 */
class SyncGuideTest {
    static final class Account {
        private long balance;

        void deposit(long amount) {
            balance += amount;
        }

        long balance() {
            return balance;
        }
    }

    @Test
    void mutex() throws Exception {
        // --- docs/sync.md, "Mutex"
        Mutex<Account> account = Mutex.named("account", new Account());
        try (var g = account.lock()) {
            g.get().deposit(10);
        }
        account.withLock(a -> a.balance());
        Optional<MutexGuard<Account>> g = account.tryLock();
        // ---
        assertThat(g).isPresent();
        g.get().close();
        Optional<MutexGuard<Account>> t = account.tryLock(Duration.ofMillis(50));
        assertThat(t).isPresent();
        t.get().close();
        MutexGuard<Account> i = account.lockInterruptibly();
        i.close();
        long balance = account.withLock(a -> a.balance());
        assertThat(balance).isEqualTo(10);
    }

    record Config(int port, int version) {}

    private int loads;

    private Config load() {
        return new Config(8080, ++loads);
    }

    private Config reload() {
        return load();
    }

    private final List<Config> used = new ArrayList<>();

    private void use(Config c) {
        used.add(c);
    }

    @Test
    void rwLockAndTheDowngradeIdiom() {
        // --- docs/sync.md, "RwLock"
        RwLock<Config> config = RwLock.named("config", load());
        try (var r = config.read()) {
            use(r.get());
        }
        try (var w = config.write()) {
            w.set(reload());
        }
        long port = config.readOptimistic(c -> c.port());
        // --- the downgrade idiom
        RwLockWriteGuard<Config> w = config.write();
        RwLockReadGuard<Config> r;
        try {
            w.set(reload());
            r = w.downgrade();
        } catch (RuntimeException | Error e) {
            w.close();
            throw e;
        }
        try (r) {
            use(r.get());
        }
        // ---
        assertThat(port).isEqualTo(8080);
        assertThat(used).extracting(Config::version).containsExactly(1, 3);
        assertThat(config.isWriteLocked()).isFalse();
        assertThat(config.readHolds()).isZero();
        assertThat(config.tryWrite()).isPresent().get().satisfies(RwLockWriteGuard::close);
    }

    @Test
    void condvar() throws Exception {
        Mutex<ArrayDeque<String>> queue = new Mutex<>(new ArrayDeque<>());
        String job = "job-1";
        JoinHandle<String> consumer =
                Threads.spawn(
                        () -> {
                            Condvar nonEmpty = NON_EMPTY;
                            // --- docs/sync.md, "Condvar" (the waiting side)
                            try (var g = queue.lock()) {
                                nonEmpty.awaitUntil(g, q -> !q.isEmpty());
                                return g.get().poll();
                            }
                        });
        // --- docs/sync.md, "Condvar" (the notifying side)
        queue.withLock(q -> q.add(job));
        NON_EMPTY.notifyOne();
        // ---
        assertThat(consumer.join()).isEqualTo("job-1");
    }

    private static final Condvar NON_EMPTY = Condvar.named("nonEmpty");
}
