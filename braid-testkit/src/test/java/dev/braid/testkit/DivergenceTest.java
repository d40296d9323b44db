package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A replay that leaves its schedule says where, and names the usual causes. */
class DivergenceTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    @Test
    void nondeterminismNamesTheStepTheThreadTheCallSiteAndTheUsualCauses() {
        int[] runs = {0};
        SimBody leaky =
                () -> {
                    runs[0]++;
                    int threads = 1 + runs[0]; // grows with every run: not replayable
                    List<JoinHandle<Void>> hs = new ArrayList<>();
                    for (int i = 0; i < threads; i++) {
                        hs.add(Threads.spawn(Sim::yieldNow));
                    }
                    for (JoinHandle<Void> h : hs) {
                        h.join();
                    }
                };
        SimResult first = Simulation.builder().build().runOnce(3, leaky);
        SimResult again = Simulation.replay(first.schedule(), leaky);
        assertThat(again).isInstanceOf(SimResult.Nondeterminism.class);
        SimResult.Nondeterminism n = (SimResult.Nondeterminism) again;
        assertThat(n.detail())
                .containsPattern("at step \\d+")
                .contains("it diverged in thread '")
                .contains("DivergenceTest.lambda$");
        assertThat(again.message())
                .contains("ThreadLocalRandom")
                .contains("System.nanoTime")
                .contains("identity-hash iteration")
                .contains("java.util.concurrent blocking")
                .contains("the code changed since the schedule string was recorded")
                .contains("replay: " + first.schedule());
    }
}
