package dev.braid.sync.lincheck;

import dev.braid.sync.RwLock;
import dev.braid.sync.RwLockReadGuard;
import dev.braid.sync.RwLockUpgradableReadGuard;
import dev.braid.sync.RwLockWriteGuard;
import org.jetbrains.kotlinx.lincheck.paramgen.ThreadIdGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Upgradable reads against plain try-read / try-write / release / readHolds: linearizable against a
 * sequential reader-writer lock with one upgradable slot. The upgradable operations run in one
 * non-parallel group: upgradable readers are serialized among themselves by the lock's gate, and a
 * try that meets another thread's gate mid-acquisition fails (documented on {@link
 * RwLock#tryUpgradableRead()}); what is checked is how they interleave with everyone else.
 */
@SuppressWarnings("deprecation") // ThreadIdGen: Lincheck 3.7 has no non-deprecated equivalent
@Param(name = "tid", gen = ThreadIdGen.class)
public class UpgradableRwLockLincheckTest {
    private final RwLock<Integer> lock = new RwLock<>(0);
    private final Object[] guards = new Object[8];

    @Operation
    public boolean tryRead(@Param(name = "tid") int tid) {
        if (guards[tid] != null) {
            return false;
        }
        var g = lock.tryRead();
        g.ifPresent(x -> guards[tid] = x);
        return g.isPresent();
    }

    @Operation
    public boolean tryWrite(@Param(name = "tid") int tid) {
        if (guards[tid] != null) {
            return false;
        }
        var g = lock.tryWrite();
        g.ifPresent(x -> guards[tid] = x);
        return g.isPresent();
    }

    @Operation(nonParallelGroup = "upgradable")
    public boolean tryUpgradable(@Param(name = "tid") int tid) {
        if (guards[tid] != null) {
            return false;
        }
        var g = lock.tryUpgradableRead();
        g.ifPresent(x -> guards[tid] = x);
        return g.isPresent();
    }

    @Operation(nonParallelGroup = "upgradable")
    public boolean tryUpgrade(@Param(name = "tid") int tid) {
        if (!(guards[tid] instanceof RwLockUpgradableReadGuard<?> u)) {
            return false;
        }
        var w = u.tryUpgrade();
        w.ifPresent(x -> guards[tid] = new Upgraded(x));
        return w.isPresent();
    }

    /** Write-from-upgrade back to upgradable (1), upgradable to plain read (2), else 0. */
    @Operation(nonParallelGroup = "upgradable")
    public int downgrade(@Param(name = "tid") int tid) {
        if (guards[tid] instanceof Upgraded(RwLockWriteGuard<?> w)) {
            guards[tid] = w.downgradeToUpgradable();
            return 1;
        }
        if (guards[tid] instanceof RwLockUpgradableReadGuard<?> u) {
            guards[tid] = u.downgrade();
            return 2;
        }
        return 0;
    }

    @Operation
    public int release(@Param(name = "tid") int tid) {
        Object g = guards[tid];
        guards[tid] = null;
        RwLockWriteGuard<?> w = null;
        if (g instanceof Upgraded(RwLockWriteGuard<?> x)) {
            w = x;
        } else if (g instanceof RwLockWriteGuard<?> x) {
            w = x;
        }
        if (w != null) {
            @SuppressWarnings("unchecked")
            RwLockWriteGuard<Integer> wi = (RwLockWriteGuard<Integer>) w;
            int n = wi.get() + 1;
            wi.set(n);
            wi.close();
            return n;
        }
        if (g instanceof RwLockReadGuard<?> r) {
            r.close();
            return 0;
        }
        if (g instanceof RwLockUpgradableReadGuard<?> u) {
            u.close();
            return 0;
        }
        return -1;
    }

    @Operation
    public int readHolds() {
        return lock.readHolds();
    }

    @Test
    void modelChecking() {
        LincheckConfig.modelChecking().sequentialSpecification(Spec.class).check(getClass());
    }

    @Test
    void stress() {
        LincheckConfig.stress().sequentialSpecification(Spec.class).check(getClass());
    }

    /** A write hold that came from an upgrade (so release also frees the upgradable slot). */
    private record Upgraded(RwLockWriteGuard<?> guard) {}

    /** Reader count, writer id, upgradable holder id, a counter bumped at each write release. */
    public static class Spec {
        private static final int READ = 1, WRITE = 2, UPGRADABLE = 3, UPGRADED = 4;
        private final int[] holds = new int[8];
        private int readers;
        private int writer = -1;
        private int upgrader = -1;
        private int count;

        public boolean tryRead(int tid) {
            if (holds[tid] != 0 || writer != -1) {
                return false;
            }
            holds[tid] = READ;
            readers++;
            return true;
        }

        public boolean tryWrite(int tid) {
            if (holds[tid] != 0 || writer != -1 || readers != 0) {
                return false;
            }
            holds[tid] = WRITE;
            writer = tid;
            return true;
        }

        public boolean tryUpgradable(int tid) {
            if (holds[tid] != 0 || writer != -1 || upgrader != -1) {
                return false;
            }
            holds[tid] = UPGRADABLE;
            readers++;
            upgrader = tid;
            return true;
        }

        public boolean tryUpgrade(int tid) {
            if (holds[tid] != UPGRADABLE || readers != 1) {
                return false;
            }
            holds[tid] = UPGRADED;
            readers--;
            writer = tid;
            return true;
        }

        public int downgrade(int tid) {
            if (holds[tid] == UPGRADED) {
                holds[tid] = UPGRADABLE;
                writer = -1;
                readers++;
                return 1;
            }
            if (holds[tid] == UPGRADABLE) {
                holds[tid] = READ;
                upgrader = -1;
                return 2;
            }
            return 0;
        }

        public int release(int tid) {
            int h = holds[tid];
            holds[tid] = 0;
            switch (h) {
                case WRITE, UPGRADED -> {
                    writer = -1;
                    if (h == UPGRADED) {
                        upgrader = -1;
                    }
                    return ++count;
                }
                case READ, UPGRADABLE -> {
                    readers--;
                    if (h == UPGRADABLE) {
                        upgrader = -1;
                    }
                    return 0;
                }
                default -> {
                    return -1;
                }
            }
        }

        public int readHolds() {
            return readers;
        }
    }
}
