package dev.braid.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pruned-children queue of the three scopes, alone: what a prune drops, when it runs, and how
 * much work it does per child. {@code ChildQueueSimTest} (braid-testkit) races a prune with an add
 * and with a scope's end.
 */
class ChildQueueTest {
    /** A child whose end the test decides. */
    static final class Child {
        final int id;
        boolean finished;

        Child(int id, boolean finished) {
            this.id = id;
            this.finished = finished;
        }

        @Override
        public String toString() {
            return "child " + id + (finished ? " (finished)" : "");
        }
    }

    private static List<Child> drain(ChildQueue<Child> q) {
        List<Child> out = new ArrayList<>();
        for (Child c; (c = q.poll()) != null; ) {
            out.add(c);
        }
        q.awaitPrune();
        return out;
    }

    @Test
    void aPruneDropsTheFinishedChildrenAndKeepsEveryOtherInOrder() {
        List<Child> dropped = new ArrayList<>();
        ChildQueue<Child> q = new ChildQueue<>(c -> c.finished, dropped::add);
        List<Child> unfinished = new ArrayList<>();
        List<Child> finished = new ArrayList<>();
        for (int i = 0; i < ChildQueue.PRUNE_MIN - 1; i++) {
            Child c = new Child(i, i % 2 == 0);
            (c.finished ? finished : unfinished).add(c);
            q.add(c);
        }
        assertThat(dropped).as("no prune below the first threshold").isEmpty();
        assertThat(q.size()).isEqualTo(ChildQueue.PRUNE_MIN - 1);

        Child last = new Child(ChildQueue.PRUNE_MIN - 1, false);
        unfinished.add(last);
        q.add(last); // the 64th: prunes

        assertThat(dropped).containsExactlyElementsOf(finished);
        assertThat(q.pruneAt()).isEqualTo(ChildQueue.PRUNE_MIN); // 2 x 32 kept
        assertThat(drain(q)).containsExactlyElementsOf(unfinished);
    }

    /**
     * Fails if a prune drops a child that has not finished: children finish in an order unrelated
     * to the adds, some never, and every one still unfinished must be found by the end's drain.
     */
    @Test
    void aPruneNeverDropsAnUnfinishedChild() {
        List<Child> dropped = new ArrayList<>();
        ChildQueue<Child> q = new ChildQueue<>(c -> c.finished, dropped::add);
        List<Child> all = new ArrayList<>();
        java.util.Random random = new java.util.Random(16);
        for (int i = 0; i < 20_000; i++) {
            Child c = new Child(i, false);
            all.add(c);
            q.add(c);
            if (random.nextInt(4) != 0) {
                all.get(random.nextInt(all.size())).finished = true;
            }
        }
        for (Child d : dropped) {
            assertThat(d.finished).as("%s was dropped", d).isTrue();
        }
        List<Child> left = drain(q);
        List<Child> unfinished = all.stream().filter(c -> !c.finished).toList();
        assertThat(left).containsAll(unfinished);
        assertThat(left.size() + dropped.size()).isEqualTo(all.size());
        assertThat(dropped.size()).as("the prunes did drop finished children").isGreaterThan(1_000);
    }

    /**
     * Amortised O(1) per add: a queue whose children never finish re-arms at twice what it kept, so
     * n adds make fewer than 2n checks in all; a queue whose children all finish makes one check
     * per child.
     */
    @Test
    void pruningCostsAConstantNumberOfChecksPerAdd() {
        int[] checks = new int[1];
        ChildQueue<Child> live =
                new ChildQueue<>(
                        c -> {
                            checks[0]++;
                            return c.finished;
                        });
        int n = 100_000;
        List<Integer> thresholds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            live.add(new Child(i, false));
            if (thresholds.isEmpty() || thresholds.getLast() != live.pruneAt()) {
                thresholds.add(live.pruneAt());
            }
        }
        assertThat(thresholds).startsWith(64, 128, 256, 512, 1_024);
        assertThat(checks[0]).isLessThan(2 * n);
        assertThat(live.size()).isEqualTo(n);

        checks[0] = 0;
        ChildQueue<Child> done =
                new ChildQueue<>(
                        c -> {
                            checks[0]++;
                            return c.finished;
                        });
        for (int i = 0; i < n; i++) {
            done.add(new Child(i, true));
        }
        assertThat(checks[0]).isLessThanOrEqualTo(n);
        assertThat(done.pruneAt()).isEqualTo(ChildQueue.PRUNE_MIN);
        assertThat(done.size()).isLessThan(ChildQueue.PRUNE_MIN);
    }

    /** A predicate or hook that throws leaves the queue armed: the end's wait cannot hang. */
    @Test
    void aFailingCheckStillEndsThePrune() {
        IllegalStateException boom = new IllegalStateException("check failed");
        ChildQueue<Child> q =
                new ChildQueue<>(
                        c -> {
                            if (c.id == 10) {
                                throw boom;
                            }
                            return c.finished;
                        });
        for (int i = 0; i < ChildQueue.PRUNE_MIN - 1; i++) {
            q.add(new Child(i, true));
        }
        assertThatThrownBy(() -> q.add(new Child(99, false))).isSameAs(boom);
        assertThat(q.pruneAt()).isEqualTo(ChildQueue.PRUNE_MIN);
        assertThat(drain(q)).extracting(c -> c.id).contains(10, 99);
    }

    @Test
    void removeTakesOneChildOutAndForEachSeesTheRest() {
        ChildQueue<Child> q = new ChildQueue<>(c -> c.finished);
        Child a = new Child(1, false);
        Child b = new Child(2, false);
        q.add(a);
        q.add(b);
        assertThat(q.remove(a)).isTrue();
        assertThat(q.remove(a)).isFalse();
        List<Child> seen = new ArrayList<>();
        q.forEach(seen::add);
        assertThat(seen).containsExactly(b);
    }

    @Test
    void nullArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> new ChildQueue<Child>(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("finished");
        assertThatThrownBy(() -> new ChildQueue<Child>(c -> true, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("dropped");
    }
}
