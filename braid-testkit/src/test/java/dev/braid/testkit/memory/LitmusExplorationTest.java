package dev.braid.testkit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.Exploration;
import dev.braid.testkit.Simulation;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The testkit's weak-memory model explores exactly the outcomes the litmus table allows: for each
 * of the ten shapes under braid's Relaxed, Release/Acquire and SeqCst, the set of outcomes seen
 * over the schedules equals the sequentially consistent outcomes plus the outcome in question where
 * the table allows it. No outcome is missing and none is impossible.
 */
class LitmusExplorationTest {
    /** Enough random schedules to see every allowed outcome of these tiny programs (seeded). */
    static final int SCHEDULES = Integer.getInteger("braid.litmus.schedules", 3000);

    static Stream<Arguments> cells() {
        return Stream.of(Litmus.values())
                .flatMap(s -> Stream.of(Litmus.Mode.values()).map(m -> Arguments.of(s, m)));
    }

    static Set<String> explore(Litmus shape, Litmus.Mode mode, int schedules) {
        Set<String> seen = new ConcurrentSkipListSet<>();
        Exploration e =
                Simulation.builder()
                        .seed(shape.ordinal() * 1_000_003L + mode.ordinal())
                        .schedules(schedules)
                        .build()
                        .explore(() -> seen.add(shape.run(mode)));
        e.assertPassed();
        return seen;
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("cells")
    void exploredOutcomesEqualTheTable(Litmus shape, Litmus.Mode mode) {
        Set<String> expected = new TreeSet<>(shape.sequential);
        if (shape.allows(mode)) {
            expected.add(shape.inQuestion);
        }
        assertThat(new TreeSet<>(explore(shape, mode, SCHEDULES))).isEqualTo(expected);
    }
}
