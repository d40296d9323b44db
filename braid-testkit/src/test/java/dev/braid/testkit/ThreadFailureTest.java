package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.ThreadSpec;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.PanicException;
import dev.braid.thread.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A child thread's uncaught throwable fails the run with its name, message and stack. */
class ThreadFailureTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /**
     * The checker asserts while it holds the lock and never unlocks (no try/finally): before issue
     * 14 this surfaced as a deadlock of main on a lock held by a finished thread, and the
     * assertion's message was lost.
     */
    private static void assertionInsideCriticalSection() throws InterruptedException {
        Mutex<Integer> balance = Mutex.named("balance", 0);
        JoinHandle<Void> checker =
                Threads.builder()
                        .name("checker")
                        .spawn(
                                () -> {
                                    MutexGuard<Integer> g = balance.lock();
                                    assertThat(g.get()).as("balance after deposit").isEqualTo(100);
                                    g.close();
                                });
        balance.update(v -> v + 100);
        checker.join();
    }

    @Test
    void aChildsFailedAssertionInsideACriticalSectionFailsTheRunWithItsMessageAndStack() {
        Exploration e =
                Simulation.builder()
                        .seed(3)
                        .schedules(200)
                        .build()
                        .explore(ThreadFailureTest::assertionInsideCriticalSection);
        assertThat(e.passed()).isFalse();
        SimResult r = e.failure().orElseThrow();
        assertThat(r).isInstanceOf(SimResult.ThreadFailed.class);
        SimResult.ThreadFailed f = (SimResult.ThreadFailed) r;
        assertThat(f.thread()).isEqualTo("checker");
        assertThat(f.cause()).isInstanceOf(AssertionError.class);
        assertThat(f.cause().getMessage()).contains("balance after deposit");
        assertThat(e.message())
                .contains(
                        "thread 'checker' ended with an uncaught org.opentest4j.AssertionFailedError")
                .contains("balance after deposit")
                .contains("ThreadFailureTest.lambda$assertionInsideCriticalSection")
                .doesNotContain("deadlock");
        assertThatThrownBy(e::assertPassed)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("balance after deposit")
                .cause()
                .isSameAs(f.cause());
        // The failure replays exactly.
        SimResult again =
                Simulation.replay(r.schedule(), ThreadFailureTest::assertionInsideCriticalSection);
        assertThat(again.message()).isEqualTo(r.message());
    }

    @Test
    void withTheOptOutADeadlockNamesTheErrorTheDeadHolderDiedWith() {
        Exploration e =
                Simulation.builder()
                        .seed(3)
                        .schedules(200)
                        .failOnUncaught(false)
                        .build()
                        .explore(ThreadFailureTest::assertionInsideCriticalSection);
        SimResult r = e.failure().orElseThrow();
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        assertThat(e.message())
                .contains("thread 'main' waits for Mutex(balance) held by 'checker (died with")
                .contains("balance after deposit");
    }

    @Test
    void aRawSimulatedThreadsThrowableFailsTheRunToo() {
        SimResult r =
                Simulation.builder()
                        .build()
                        .runOnce(
                                1,
                                () -> {
                                    Thread t =
                                            Rt.spawn(
                                                    new ThreadSpec("raw", true, true, 0),
                                                    () -> {
                                                        throw new IllegalStateException("boom");
                                                    });
                                    Rt.park(t);
                                });
        assertThat(r).isInstanceOf(SimResult.ThreadFailed.class);
        assertThat(((SimResult.ThreadFailed) r).thread()).isEqualTo("raw");
        assertThat(r.message()).contains("IllegalStateException: boom");
    }

    @Test
    void aTestThatExpectsAChildToFailPassesWithTheOptOut() {
        SimBody body =
                () -> {
                    JoinHandle<Void> h =
                            Threads.spawn(
                                    () -> {
                                        throw new IllegalStateException("expected");
                                    });
                    assertThatThrownBy(h::join)
                            .isInstanceOf(PanicException.class)
                            .hasRootCauseMessage("expected");
                };
        Simulation lenient = Simulation.builder().schedules(50).failOnUncaught(false).build();
        assertThat(lenient.explore(body).passed()).isTrue();
        Exploration strict = Simulation.builder().schedules(50).build().explore(body);
        assertThat(strict.failure()).containsInstanceOf(SimResult.ThreadFailed.class);
    }
}
