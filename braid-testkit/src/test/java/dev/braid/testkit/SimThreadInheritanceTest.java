package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A simulated thread is made as a spawned thread would be, also when the engine makes threads ahead
 * in batches (Carrier.newThread): a new Thread per spawn, the spawner's context class loader and
 * inheritable thread-locals.
 */
class SimThreadInheritanceTest {
    private static final InheritableThreadLocal<String> TAG = new InheritableThreadLocal<>();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static Simulation sim() {
        return Simulation.builder().seed(3).schedules(300).parallelism(2).progress(false).build();
    }

    @Test
    void aChildGetsItsSpawnersContextClassLoaderAndIsANewThreadEachTime() {
        ClassLoader mine = new URLClassLoader(new URL[0], getClass().getClassLoader());
        Set<String> wrong = ConcurrentHashMap.newKeySet();
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        Exploration e =
                sim().explore(
                                () -> {
                                    Thread.currentThread().setContextClassLoader(mine);
                                    List<JoinHandle<Void>> hs = new ArrayList<>();
                                    for (int i = 0; i < 3; i++) {
                                        hs.add(
                                                Threads.spawn(
                                                        () -> {
                                                            Thread me = Thread.currentThread();
                                                            if (me.getContextClassLoader()
                                                                    != mine) {
                                                                wrong.add("loader " + me.getName());
                                                            }
                                                            if (!seen.add(me)) {
                                                                wrong.add("reused " + me.getName());
                                                            }
                                                        }));
                                    }
                                    for (JoinHandle<Void> h : hs) {
                                        h.join();
                                    }
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(wrong).isEmpty();
        assertThat(seen).hasSizeGreaterThanOrEqualTo(3 * 300);
    }

    @Test
    void aChildInheritsItsSpawnersInheritableThreadLocals() {
        Set<String> got = ConcurrentHashMap.newKeySet();
        Exploration e =
                sim().explore(
                                () -> {
                                    JoinHandle<Boolean> plain =
                                            Threads.spawn(() -> got.add("plain " + TAG.get()));
                                    plain.join();
                                    TAG.set("parent's");
                                    JoinHandle<Boolean> tagged =
                                            Threads.spawn(() -> got.add("tagged " + TAG.get()));
                                    tagged.join();
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(got).containsExactlyInAnyOrder("plain null", "tagged parent's");
    }
}
