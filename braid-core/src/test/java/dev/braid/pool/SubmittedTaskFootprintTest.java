package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * What one outside submission allocates for its handle (ADR 0094): a {@link SubmittedTask} is 32
 * bytes, as {@code ForkJoinPool}'s adapter of a submitted {@code Runnable}; only a task spawned in
 * a {@link PoolScope} carries the scope field. Counted with the thread's allocation counter ({@code
 * com.sun.management.ThreadMXBean}, reached reflectively: the test classes compile inside module
 * dev.braid, which does not read jdk.management), in bytes, not timed.
 */
class SubmittedTaskFootprintTest {
    private static final int N = 100_000;

    private static Object threadBean() throws ReflectiveOperationException {
        return Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getThreadMXBean")
                .invoke(null);
    }

    private static Method beanMethod(String name) throws ReflectiveOperationException {
        return Class.forName("com.sun.management.ThreadMXBean").getMethod(name);
    }

    @Test
    void aSubmittedTaskIsThirtyTwoBytes() throws ReflectiveOperationException {
        Object bean = threadBean();
        assertThat((Boolean) beanMethod("isThreadAllocatedMemoryEnabled").invoke(bean)).isTrue();
        Method allocated = beanMethod("getCurrentThreadAllocatedBytes");
        Runnable body = () -> {};
        TaskHandle<?>[] keep = new TaskHandle<?>[N]; // allocated before the count starts
        long perTask = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) { // the first round also loads and links classes
            allocated.invoke(bean); // the first calls may allocate on their own behalf
            long before = (Long) allocated.invoke(bean);
            for (int i = 0; i < N; i++) {
                keep[i] = new SubmittedTask<>(null, body);
            }
            perTask = Math.min(perTask, ((Long) allocated.invoke(bean) - before) / N);
        }
        assertThat(perTask)
                .as("bytes per SubmittedTask (40 when it carried a scope field)")
                .isLessThanOrEqualTo(32);
        assertThat(keep[N - 1].scope()).isNull();
    }

    @Test
    void aTaskSpawnedInAScopeStillReportsToItsScope() {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build()) {
            pool.scope(
                    s -> {
                        TaskHandle<Integer> h = s.spawn(() -> 1);
                        assertThat(h.scope()).isSameAs(s);
                        assertThat(h).isInstanceOf(SubmittedTask.InScope.class);
                    });
        }
    }
}
