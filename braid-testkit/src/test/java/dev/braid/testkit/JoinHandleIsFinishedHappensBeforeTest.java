package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.Plain;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A thread's plain writes are ordered before what a caller reads once {@code isFinished()} said
 * true: on the JVM the finisher's volatile swap publishes them and {@code isFinished()} is an
 * acquire read of it; under the testkit the read must acquire from the finish too, or a poll loop
 * ({@code while (!h.isFinished()) sleep}) is reported as a data race (the gap testkit13 found for
 * pool and async task handles, here for braid threads). The control still finds the race of a read
 * that does not wait.
 */
class JoinHandleIsFinishedHappensBeforeTest {
    private static final int SCHEDULES = 300;

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static Exploration explore(SimBody body) {
        return Simulation.builder().seed(1).schedules(SCHEDULES).build().explore(body);
    }

    private static JoinHandle<Integer> writer(Plain<Integer> data) {
        return Threads.spawn(
                () -> {
                    data.set(42);
                    return 1;
                });
    }

    @Test
    void aThreadWriteIsVisibleAfterIsFinishedSaidTrue() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            JoinHandle<Integer> t = writer(data);
                            while (!t.isFinished()) {
                                Threads.sleep(Duration.ofMillis(1));
                            }
                            int v = data.get();
                            t.join();
                            if (v != 42) {
                                throw new AssertionError("read " + v + " after isFinished()");
                            }
                        })
                .assertPassed();
    }

    @Test
    void aReadThatDoesNotWaitIsStillARace() {
        Exploration e =
                explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            JoinHandle<Integer> t = writer(data);
                            t.isFinished(); // whatever it says
                            data.get();
                            t.join();
                        });
        assertThat(e.failure()).get().isInstanceOf(SimResult.DataRace.class);
    }
}
