package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FairMutexTest {
    @Test
    void aFairMutexServesQueuedWaitersInArrivalOrder() throws Exception {
        Mutex<List<Integer>> m = Mutex.builder().name("fifo").fair(true).build(new ArrayList<>());
        MutexGuard<List<Integer>> held = m.lock();
        List<JoinHandle<Void>> hs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int id = i;
            var h =
                    Threads.builder()
                            .name("w" + i)
                            .spawn(
                                    () -> {
                                        try (var g = m.lock()) {
                                            g.get().add(id);
                                        }
                                    });
            hs.add(h);
            // its own thread, not one found by name (another test's thread may share the name)
            MutexContractTest.awaitBlocked(h.thread());
        }
        held.close();
        for (var h : hs) {
            h.join();
        }
        assertThat(m.<List<Integer>>withLock(List::copyOf)).containsExactly(0, 1, 2, 3, 4);
    }
}
