package dev.braid.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pool step of the showcase sorts correctly and its metrics add up. */
class PoolShowcaseTest {
    @Test
    void mergeSortIsCorrectAndMetricsCountTheTasks() {
        PoolShowcase.Result r = PoolShowcase.run(200_000, 2);
        assertThat(r.sorted()).isTrue();
        assertThat(r.metrics().parallelism()).isEqualTo(2);
        // 200,000 / 2048 -> 128 leaves -> 127 joins, each one forked task
        assertThat(r.metrics().tasksRun()).isGreaterThanOrEqualTo(127);
        assertThat(r.metrics().workers()).hasSize(2);
        assertThat(PoolShowcase.lines()).first().asString().contains("sorted = true");
    }
}
