package dev.braid.internal.rt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The production side of the seam behaves as the JDK calls it names. */
class RtTest {
    @Test
    void noSimulatorMeansProductionBehaviour() {
        assertThat(Rt.sim()).isNull();
        long before = System.nanoTime();
        long seam = Rt.nanoTime();
        assertThat(seam).isBetween(before, System.nanoTime());
        Rt.yieldPoint(Op.OTHER, null);
        Rt.acquired(this);
        Rt.released(this);
    }

    @Test
    void spawnStartsThreadsAsSpecified() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        Thread t = Rt.spawn(new ThreadSpec("x", true, false, 0), () -> ran.set(true));
        t.join();
        assertThat(ran).isTrue();
        assertThat(t.getName()).isEqualTo("x");
        assertThat(t.isDaemon()).isTrue();
        Thread v = Rt.spawn(new ThreadSpec(null, false, true, 0), () -> {});
        v.join();
        assertThat(v.isVirtual()).isTrue();
        assertThat(v.getName()).startsWith("braid-");
        assertThat(Rt.threadId(v)).isEqualTo(v.threadId());
    }

    @Test
    void parkUnparkAndSleep() throws Exception {
        Thread self = Thread.currentThread();
        Rt.unpark(self);
        Rt.park(this); // returns at once: the permit was available
        long start = System.nanoTime();
        Rt.parkUntil(this, start + TimeUnit.MILLISECONDS.toNanos(5));
        Rt.sleepUntil(Rt.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(System.nanoTime() - start)
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
        Rt.interrupt(self);
        assertThatThrownBy(() -> Rt.sleepUntil(Rt.nanoTime() + TimeUnit.SECONDS.toNanos(10)))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void threadSpecRejectsBadFields() {
        assertThatThrownBy(() -> new ThreadSpec(" ", false, false, 0)).hasMessageContaining("name");
        assertThatThrownBy(() -> new ThreadSpec("n", false, false, -1))
                .hasMessageContaining("stackSize");
        assertThatThrownBy(() -> Rt.install(null)).isInstanceOf(NullPointerException.class);
    }
}
