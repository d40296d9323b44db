package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.braid.sync.Mutex;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plain JUnit against braid-core: threads with join handles and a Mutex that owns its data. */
class PlainTest {
    @Test
    void fourThreadsCountUnderAMutex() throws Exception {
        Mutex<int[]> counter = new Mutex<>(new int[1]);
        List<JoinHandle<Integer>> handles = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            handles.add(
                    Threads.spawn(
                            () -> {
                                for (int i = 0; i < 1000; i++) {
                                    try (var g = counter.lock()) {
                                        g.get()[0]++;
                                    }
                                }
                                return 1000;
                            }));
        }
        int joined = 0;
        for (JoinHandle<Integer> h : handles) {
            joined += h.join();
        }
        assertEquals(4000, joined);
        int counted = counter.withLock(c -> c[0]);
        assertEquals(4000, counted);
    }
}
