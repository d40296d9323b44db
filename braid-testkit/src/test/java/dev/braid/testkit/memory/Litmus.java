package dev.braid.testkit.memory;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import java.util.Set;

/**
 * The ten litmus shapes of {@code ../shared/reference/litmus.md}, each run once as a simulation's
 * root body, returning its outcome as text ({@code r1=0,r2=1}, finals as {@code x=1}). Each shape
 * also knows its sequentially consistent outcomes and the one outcome the table asks about.
 */
enum Litmus {
    SB(set("r1=0,r2=1", "r1=1,r2=0", "r1=1,r2=1"), "r1=0,r2=0") {
        @Override
        String run(Mode m) throws InterruptedException {
            Group g = new Group();
            AtomicI32 x = new AtomicI32();
            AtomicI32 y = new AtomicI32();
            Group.Slot<Integer> t1 =
                    g.add(
                            () -> {
                                x.store(1, m.store);
                                return y.load(m.load);
                            });
            Group.Slot<Integer> t2 =
                    g.add(
                            () -> {
                                y.store(1, m.store);
                                return x.load(m.load);
                            });
            return "r1=" + t1.join() + ",r2=" + t2.join();
        }
    },
    MP(set("r1=0,r2=0", "r1=0,r2=1", "r1=1,r2=1"), "r1=1,r2=0") {
        @Override
        String run(Mode m) throws InterruptedException {
            Group g = new Group();
            AtomicI32 d = new AtomicI32();
            AtomicI32 f = new AtomicI32();
            Group.Slot<Void> t1 =
                    g.add(
                            () -> {
                                d.store(1, m.store);
                                f.store(1, m.store);
                            });
            Group.Slot<String> t2 =
                    g.add(
                            () -> {
                                int r1 = f.load(m.load);
                                return "r1=" + r1 + ",r2=" + d.load(m.load);
                            });
            t1.join();
            return t2.join();
        }
    },
    LB(set("r1=0,r2=0", "r1=0,r2=1", "r1=1,r2=0"), "r1=1,r2=1") {
        @Override
        String run(Mode m) throws InterruptedException {
            Group g = new Group();
            AtomicI32 x = new AtomicI32();
            AtomicI32 y = new AtomicI32();
            Group.Slot<Integer> t1 =
                    g.add(
                            () -> {
                                int r = x.load(m.load);
                                y.store(1, m.store);
                                return r;
                            });
            Group.Slot<Integer> t2 =
                    g.add(
                            () -> {
                                int r = y.load(m.load);
                                x.store(1, m.store);
                                return r;
                            });
            return "r1=" + t1.join() + ",r2=" + t2.join();
        }
    },
    IRIW(iriwSc(), "r1=1,r2=0,r3=1,r4=0") {
        @Override
        String run(Mode m) throws InterruptedException {
            Group g = new Group();
            AtomicI32 x = new AtomicI32();
            AtomicI32 y = new AtomicI32();
            Group.Slot<Void> t1 = g.add(() -> x.store(1, m.store));
            Group.Slot<Void> t2 = g.add(() -> y.store(1, m.store));
            Group.Slot<String> t3 =
                    g.add(
                            () -> {
                                int r1 = x.load(m.load);
                                return "r1=" + r1 + ",r2=" + y.load(m.load);
                            });
            Group.Slot<String> t4 =
                    g.add(
                            () -> {
                                int r3 = y.load(m.load);
                                return "r3=" + r3 + ",r4=" + x.load(m.load);
                            });
            t1.join();
            t2.join();
            return t3.join() + "," + t4.join();
        }
    },
    WRC(wrcSc(), "r1=1,r2=1,r3=0") {
        @Override
        String run(Mode m) throws InterruptedException {
            Group g = new Group();
            AtomicI32 x = new AtomicI32();
            AtomicI32 y = new AtomicI32();
            Group.Slot<Void> t1 = g.add(() -> x.store(1, m.store));
            Group.Slot<Integer> t2 =
                    g.add(
                            () -> {
                                int r1 = x.load(m.load);
                                y.store(1, m.store);
                                return r1;
                            });
            Group.Slot<String> t3 =
                    g.add(
                            () -> {
                                int r2 = y.load(m.load);
                                return "r2=" + r2 + ",r3=" + x.load(m.load);
                            });
            t1.join();
            return "r1=" + t2.join() + "," + t3.join();
        }
    },
    TWO_PLUS_TWO_W(set("x=1,y=2", "x=2,y=1", "x=2,y=2"), "x=1,y=1") {
        @Override
        String run(Mode m) throws InterruptedException {
            Group g = new Group();
            AtomicI32 x = new AtomicI32();
            AtomicI32 y = new AtomicI32();
            Group.Slot<Void> t1 =
                    g.add(
                            () -> {
                                x.store(1, m.store);
                                y.store(2, m.store);
                            });
            Group.Slot<Void> t2 =
                    g.add(
                            () -> {
                                y.store(1, m.store);
                                x.store(2, m.store);
                            });
            t1.join();
            t2.join();
            return "x=" + x.load(m.load) + ",y=" + y.load(m.load);
        }
    },
    CORR(set("r1=0,r2=0", "r1=0,r2=1", "r1=1,r2=1"), "r1=1,r2=0") {
        @Override
        String run(Mode m) throws InterruptedException {
            Group g = new Group();
            AtomicI32 x = new AtomicI32();
            Group.Slot<Void> t1 = g.add(() -> x.store(1, m.store));
            Group.Slot<String> t2 =
                    g.add(
                            () -> {
                                int r1 = x.load(m.load);
                                return "r1=" + r1 + ",r2=" + x.load(m.load);
                            });
            t1.join();
            return t2.join();
        }
    },
    COWW(set("x=2"), "x=1") {
        @Override
        String run(Mode m) throws InterruptedException {
            Group g = new Group();
            AtomicI32 x = new AtomicI32();
            Group.Slot<Void> t1 =
                    g.add(
                            () -> {
                                x.store(1, m.store);
                                x.store(2, m.store);
                            });
            t1.join();
            return "x=" + x.load(m.load);
        }
    },
    R(set("y=1,r1=0", "y=1,r1=1", "y=2,r1=1"), "y=2,r1=0") {
        @Override
        String run(Mode m) throws InterruptedException {
            Group g = new Group();
            AtomicI32 x = new AtomicI32();
            AtomicI32 y = new AtomicI32();
            Group.Slot<Void> t1 =
                    g.add(
                            () -> {
                                x.store(1, m.store);
                                y.store(1, m.store);
                            });
            Group.Slot<Integer> t2 =
                    g.add(
                            () -> {
                                y.store(2, m.store);
                                return x.load(m.load);
                            });
            t1.join();
            int r1 = t2.join();
            return "y=" + y.load(m.load) + ",r1=" + r1;
        }
    },
    S(set("r1=0,x=1", "r1=0,x=2", "r1=1,x=1"), "r1=1,x=2") {
        @Override
        String run(Mode m) throws InterruptedException {
            Group g = new Group();
            AtomicI32 x = new AtomicI32();
            AtomicI32 y = new AtomicI32();
            Group.Slot<Void> t1 =
                    g.add(
                            () -> {
                                x.store(2, m.store);
                                y.store(1, m.store);
                            });
            Group.Slot<Integer> t2 =
                    g.add(
                            () -> {
                                int r1 = y.load(m.load);
                                x.store(1, m.store);
                                return r1;
                            });
            t1.join();
            int r1 = t2.join();
            return "r1=" + r1 + ",x=" + x.load(m.load);
        }
    };

    /** Every access of a shape uses the mode's load or store ordering. */
    enum Mode {
        RELAXED(Ordering.RELAXED, Ordering.RELAXED),
        REL_ACQ(Ordering.ACQUIRE, Ordering.RELEASE),
        SEQ_CST(Ordering.SEQ_CST, Ordering.SEQ_CST);

        final Ordering load;
        final Ordering store;

        Mode(Ordering load, Ordering store) {
            this.load = load;
            this.store = store;
        }
    }

    /** The outcomes of every interleaving (sequential consistency). */
    final Set<String> sequential;

    /** The outcome the litmus table asks about (never sequentially consistent). */
    final String inQuestion;

    Litmus(Set<String> sequential, String inQuestion) {
        this.sequential = sequential;
        this.inQuestion = inQuestion;
    }

    abstract String run(Mode m) throws InterruptedException;

    /** The table's verdict on {@link #inQuestion} (braid's columns: Relaxed = opaque). */
    boolean allows(Mode m) {
        return switch (this) {
            case SB, IRIW, TWO_PLUS_TWO_W, R -> m != Mode.SEQ_CST;
            case MP, WRC, S -> m == Mode.RELAXED;
            case LB, CORR, COWW -> false;
        };
    }

    private static Set<String> set(String... outcomes) {
        return Set.of(outcomes);
    }

    private static Set<String> iriwSc() {
        java.util.Set<String> all = new java.util.TreeSet<>();
        for (int i = 0; i < 16; i++) {
            all.add(
                    "r1="
                            + (i >> 3 & 1)
                            + ",r2="
                            + (i >> 2 & 1)
                            + ",r3="
                            + (i >> 1 & 1)
                            + ",r4="
                            + (i & 1));
        }
        all.remove("r1=1,r2=0,r3=1,r4=0");
        return Set.copyOf(all);
    }

    private static Set<String> wrcSc() {
        java.util.Set<String> all = new java.util.TreeSet<>();
        for (int i = 0; i < 8; i++) {
            all.add("r1=" + (i >> 2 & 1) + ",r2=" + (i >> 1 & 1) + ",r3=" + (i & 1));
        }
        all.remove("r1=1,r2=1,r3=0");
        return Set.copyOf(all);
    }
}
