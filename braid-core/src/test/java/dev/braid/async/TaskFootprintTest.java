package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * What a spawn allocates (ADR 0087): an unobserved task is one object of at most 72 bytes (with
 * compressed references, HotSpot's default below 32 GB of heap); what only observers read is made
 * on first use. ({@code CompletableFuture.runAsync} allocates 56 B for a shared {@code Runnable}:
 * its task and its future.) The size is computed from the instance fields (the module cannot read
 * java.management for an allocation counter here; {@code -prof gc} on AsyncWorkloads measures it:
 * docs/perf/async.md).
 */
class TaskFootprintTest {
    private static final TaskScheduler NO_QUEUE =
            new TaskScheduler() {
                @Override
                public void schedule(RawTask<?> task) {}

                @Override
                public void completed(RawTask<?> task) {}
            };

    @Test
    void anUnobservedTaskFitsInSeventyTwoBytes() {
        int bytes = 12; // object header with compressed class pointers
        for (Class<?> c = RawTask.class; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    bytes += size(f.getType());
                }
            }
        }
        int aligned = (bytes + 7) & ~7;
        assertThat(aligned)
                .as("RawTask instance bytes (%d unaligned)", bytes)
                .isLessThanOrEqualTo(72);
    }

    private static int size(Class<?> t) {
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == short.class || t == char.class) {
            return 2;
        }
        if (t == byte.class || t == boolean.class) {
            return 1;
        }
        return 4; // int, float, and a compressed reference
    }

    @Test
    void pollTimeAndTheTestkitsAwaitsAreMadeOnFirstUse() {
        TaskRegistry owner = new TaskRegistry("footprint", NO_QUEUE);
        RawTask<Void> t = new RawTask<>(null, 1, cx -> Poll.ready(null), owner, null);
        assertThat(t.pollNanos()).isZero();
        assertThat(t.awaiting()).isNull();
        t.awaiting("a channel");
        assertThat(t.awaiting()).isEqualTo("a channel");
        assertThat(t.pollNanos()).isZero();
    }
}
