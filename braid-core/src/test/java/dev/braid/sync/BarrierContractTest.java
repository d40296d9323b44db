package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.Deadline;
import dev.braid.sync.BarrierWait.Broken;
import dev.braid.sync.BarrierWait.BrokenReason;
import dev.braid.sync.BarrierWait.Passed;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The barrier contract over 1, 2 and 4 parties. */
class BarrierContractTest {
    private static List<BarrierWait> runParties(Barrier b, int n, int rounds) throws Exception {
        List<JoinHandle<List<BarrierWait>>> hs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hs.add(
                    Threads.spawn(
                            () -> {
                                List<BarrierWait> out = new ArrayList<>();
                                for (int r = 0; r < rounds; r++) {
                                    out.add(b.await());
                                }
                                return out;
                            }));
        }
        List<BarrierWait> all = new ArrayList<>();
        for (var h : hs) {
            all.addAll(h.join());
        }
        return all;
    }

    @ParameterizedTest(name = "parties={0}")
    @ValueSource(ints = {1, 2, 4})
    void everyGenerationPassesWithExactlyOneLeaderAndTheActionOnce(int parties) throws Exception {
        AtomicInteger actions = new AtomicInteger();
        Barrier b = Barrier.withAction("b", parties, actions::incrementAndGet);
        int rounds = 50;
        List<BarrierWait> all = runParties(b, parties, rounds);
        assertThat(all).allMatch(BarrierWait::passed).hasSize(parties * rounds);
        for (long g = 0; g < rounds; g++) {
            long gen = g;
            assertThat(all.stream().filter(w -> ((Passed) w).generation() == gen)).hasSize(parties);
            assertThat(
                            all.stream()
                                    .filter(w -> ((Passed) w).generation() == gen)
                                    .filter(w -> ((Passed) w).leader()))
                    .hasSize(1);
        }
        assertThat(actions).hasValue(rounds);
        assertThat(b.generation()).isEqualTo(rounds);
        assertThat(b.isBroken()).isFalse();
    }

    @ParameterizedTest(name = "parties={0}")
    @ValueSource(ints = {2, 4})
    void aTimeoutBreaksTheGenerationForEveryoneUntilReset(int parties) throws Exception {
        Barrier b = Barrier.named("t", parties);
        List<JoinHandle<BarrierWait>> waiting = new ArrayList<>();
        for (int i = 0; i < parties - 2; i++) {
            waiting.add(Threads.spawn(() -> b.await()));
        }
        while (b.arrived() < parties - 2) {
            Thread.sleep(1);
        }
        BarrierWait mine = b.await(Duration.ofMillis(30));
        assertThat(mine).isInstanceOf(BarrierWait.TimedOut.class);
        for (var h : waiting) {
            assertThat(h.join())
                    .isInstanceOfSatisfying(
                            Broken.class,
                            br -> assertThat(br.reason()).isEqualTo(BrokenReason.TIMED_OUT));
        }
        assertThat(b.isBroken()).isTrue();
        assertThat(b.await()).as("arrivals after breaking").isInstanceOf(Broken.class);
        b.reset();
        assertThat(b.isBroken()).isFalse();
        assertThat(runParties(b, parties, 3)).allMatch(BarrierWait::passed);
    }

    @ParameterizedTest(name = "parties={0}")
    @ValueSource(ints = {2, 4})
    void aFailingPartyBreaksItWithTheCause(int parties) throws Exception {
        Barrier b = Barrier.named("f", parties);
        List<JoinHandle<BarrierWait>> waiting = new ArrayList<>();
        for (int i = 0; i < parties - 1; i++) {
            waiting.add(Threads.spawn(() -> b.await(Deadline.never())));
        }
        while (b.arrived() < parties - 1) {
            Thread.sleep(1);
        }
        IllegalStateException failure = new IllegalStateException("worker 3 failed");
        assertThat(b.breakWith(failure)).isTrue();
        assertThat(b.breakWith(failure)).as("already broken").isFalse();
        for (var h : waiting) {
            assertThat(h.join())
                    .isInstanceOfSatisfying(
                            Broken.class,
                            br -> {
                                assertThat(br.reason()).isEqualTo(BrokenReason.PARTY_FAILED);
                                assertThat(br.cause()).containsSame(failure);
                            });
        }
    }

    @ParameterizedTest(name = "parties={0}")
    @ValueSource(ints = {1, 2})
    void aFailingActionBreaksItAndPropagatesToTheLeader(int parties) throws Exception {
        IllegalArgumentException boom = new IllegalArgumentException("action");
        Barrier b =
                Barrier.withAction(
                        "a",
                        parties,
                        () -> {
                            throw boom;
                        });
        List<JoinHandle<BarrierWait>> hs = new ArrayList<>();
        for (int i = 0; i < parties; i++) {
            hs.add(
                    Threads.spawn(
                            () -> {
                                try {
                                    return b.await();
                                } catch (IllegalArgumentException e) {
                                    return new Passed(-1, true); // marks "the leader saw it"
                                }
                            }));
        }
        int leaders = 0;
        for (var h : hs) {
            BarrierWait w = h.join();
            if (w instanceof Passed p) {
                assertThat(p.generation()).isEqualTo(-1);
                leaders++;
            } else {
                assertThat(((Broken) w).reason()).isEqualTo(BrokenReason.ACTION_FAILED);
            }
        }
        assertThat(leaders).isEqualTo(1);
        assertThat(b.isBroken()).isTrue();
    }

    @ParameterizedTest(name = "parties={0}")
    @ValueSource(ints = {2, 4})
    void anInterruptedPartyThrowsAndBreaksItForTheOthers(int parties) throws Exception {
        Barrier b = Barrier.named("i", parties);
        List<JoinHandle<String>> hs = new ArrayList<>();
        for (int i = 0; i < parties - 1; i++) {
            hs.add(
                    Threads.spawn(
                            () -> {
                                try {
                                    return b.await().toString();
                                } catch (InterruptedException e) {
                                    return "interrupted";
                                }
                            }));
        }
        while (b.arrived() < parties - 1) {
            Thread.sleep(1);
        }
        hs.get(0).thread().interrupt();
        assertThat(hs.get(0).join()).isEqualTo("interrupted");
        for (var h : hs.subList(1, hs.size())) {
            assertThat(h.join()).contains("INTERRUPTED");
        }
    }

    @ParameterizedTest(name = "parties={0}")
    @ValueSource(ints = {2, 4})
    void resetBreaksWaitersAndStartsAFreshGeneration(int parties) throws Exception {
        Barrier b = Barrier.named("r", parties);
        JoinHandle<BarrierWait> w = Threads.spawn(() -> b.await());
        while (b.arrived() < 1) {
            Thread.sleep(1);
        }
        b.reset();
        assertThat(w.join())
                .isInstanceOfSatisfying(
                        Broken.class, br -> assertThat(br.reason()).isEqualTo(BrokenReason.RESET));
        assertThat(b.generation()).isEqualTo(1);
        assertThat(b.arrived()).isZero();
        assertThat(runParties(b, parties, 2)).allMatch(BarrierWait::passed);
    }
}
