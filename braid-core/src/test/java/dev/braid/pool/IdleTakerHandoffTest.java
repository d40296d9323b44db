package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.Ordering;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * ADR 0106's wake rule, on two stand-alone workers of an {@link Idle} (their pool is only the owner
 * of the queues they look at; its own worker never runs): with the rule, an outside push leaves a
 * sleeper asleep while another worker is between tasks, and wakes it once no worker is; without it,
 * the push wakes the sleeper whatever the other worker does.
 */
class IdleTakerHandoffTest {

    @Test
    void withTheRuleAPushWakesNobodyWhileAnotherWorkerIsBetweenTasks() throws Exception {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build()) {
            Worker taker = new Worker(pool, 0);
            Worker sleeper = new Worker(pool, 1);
            Idle idle = new Idle(new Worker[] {taker, sleeper}, true);
            Thread t = asleep(idle, sleeper);

            idle.notifyOneForInjector(null); // the taker is between tasks: it will poll
            assertThat(sleeper.parkState.load(Ordering.SEQ_CST)).isEqualTo(Idle.SLEEPING);
            assertThat(idle.sleepers()).isEqualTo(1);

            taker.taking.store(false, Ordering.SEQ_CST); // the taker starts a task
            idle.notifyOneForInjector(null);
            assertThat(sleeper.parkState.load(Ordering.SEQ_CST)).isNotEqualTo(Idle.SLEEPING);
            t.join();
            assertThat(result.get()).isEqualTo(Idle.WOKEN_SEARCHING);
            idle.stopSearching(false);
            assertThat(idle.searching()).isZero();
        }
    }

    @Test
    void withoutTheRuleAPushWakesTheSleeperEvenWhileAnotherWorkerIsBetweenTasks() throws Exception {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build()) {
            Worker taker = new Worker(pool, 0);
            Worker sleeper = new Worker(pool, 1);
            Idle idle = new Idle(new Worker[] {taker, sleeper}, false);
            Thread t = asleep(idle, sleeper);

            assertThat(taker.taking.load(Ordering.SEQ_CST)).isTrue();
            idle.notifyOneForInjector(null);
            assertThat(sleeper.parkState.load(Ordering.SEQ_CST)).isNotEqualTo(Idle.SLEEPING);
            t.join();
            assertThat(result.get()).isEqualTo(Idle.WOKEN_SEARCHING);
        }
    }

    @Test
    void aWorkerThatStartsATaskOnAnEmptyInjectorWakesNobody() throws Exception {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build()) {
            Worker taker = new Worker(pool, 0);
            Worker sleeper = new Worker(pool, 1);
            Idle idle = new Idle(new Worker[] {taker, sleeper}, true);
            Thread t = asleep(idle, sleeper);

            idle.beginTask(taker);
            assertThat(taker.taking.load(Ordering.SEQ_CST)).isFalse();
            assertThat(sleeper.parkState.load(Ordering.SEQ_CST)).isEqualTo(Idle.SLEEPING);
            idle.endTask(taker);
            assertThat(taker.taking.load(Ordering.SEQ_CST)).isTrue();

            taker.taking.store(false, Ordering.SEQ_CST);
            idle.notifyOneForInjector(null); // lets the sleeper's thread finish
            t.join();
            assertThat(result.get()).isEqualTo(Idle.WOKEN_SEARCHING);
        }
    }

    private final AtomicInteger result = new AtomicInteger(-1);

    /** Starts a thread that sleeps as {@code w} and waits until it is registered as a sleeper. */
    private Thread asleep(Idle idle, Worker w) {
        Thread t = new Thread(() -> result.set(idle.sleep(w)), "sleeper");
        w.thread = t;
        t.setDaemon(true);
        t.start();
        while (idle.sleepers() == 0 || w.parkState.load(Ordering.SEQ_CST) != Idle.SLEEPING) {
            Thread.onSpinWait(); // a wait for a state, not for a time: no timing in this test
        }
        return t;
    }
}
