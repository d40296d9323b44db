package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One run of the coverage-guided search: follows a mutated prefix of an earlier schedule (by thread
 * id), then chooses at random, and records the reads-from pairs the run produced.
 */
public final class CoverageStrategy implements Strategy {
    /*
     * Implementation notes
     *
     * Coverage. A reads-from pair is (the event that read, the event whose write it saw). An event
     * is abstracted as (task id, the index of this operation among the task's operations on the
     * same resource, operation kind), and a resource by its number in order of first use in the run,
     * so equal pairs in two runs mean the same program events, never identity hashes. Reads are
     * LOAD, RMW and LOCK (a lock acquisition "reads" the release it follows); writes are STORE, RMW
     * and UNLOCK. The strategy learns each task's operation from onYield and records it at the
     * task's next onYield (by then it has run, and no other task ran in between), so under
     * sequentially consistent choices the write a read sees is the last write to that resource. A
     * task's last operation before it ends is not recorded. Memory-model choices are random and not modelled in
     * the pairs (a relaxed load may see an older store than the pair says).
     *
     * Prefix. The run follows `prefix` (thread ids, one per choice point) while the named thread is
     * runnable and the prefix lasts; the rest is uniformly random. The explorer (Explorer) keeps a
     * corpus of schedules that added new pairs and mutates them by cutting the prefix at a random
     * point and flipping that choice to another thread: RFF's "keep what covers new reads-from,
     * mutate it" loop with the simplest mutation.
     *
     * References. Wolff, Shi, Sen, Kasikci, "Reads-from fuzzing" (RFF, ASPLOS 2024).
     */

    /** The name in schedule strings. */
    public static final String NAME = "rff";

    private final long seed;
    private final SplittableRandom random;
    private final int[] prefix;
    private final Map<Object, Integer> resources = new IdentityHashMap<>();
    private final Map<Long, Long> lastWrite = new java.util.HashMap<>();
    private final Map<Long, Integer> perTaskResource = new java.util.HashMap<>();
    private Op[] pendingOp = new Op[8];
    private Object[] pendingResource = new Object[8];
    private int[] picks = new int[32];
    private int size;
    private long[] pairs = new long[32];
    private int pairCount;

    /**
     * A run.
     *
     * @param seed the seed of its random choices
     * @param prefix thread ids to follow first, one per choice point
     */
    public CoverageStrategy(long seed, int[] prefix) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.prefix = prefix.clone();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public void onSpawn(int id) {
        if (id >= pendingOp.length) {
            int n = Math.max(id + 1, pendingOp.length * 2);
            pendingOp = Arrays.copyOf(pendingOp, n);
            pendingResource = Arrays.copyOf(pendingResource, n);
        }
    }

    @Override
    public void onYield(int task, Op op, Object resource) {
        // The task ran since its last announcement, so that operation has executed, and no other
        // task ran in between (one baton): recording it now keeps the order of events.
        executed(task);
        pendingOp[task] = op;
        pendingResource[task] = resource;
    }

    @Override
    public int choose(int[] runnable, int count, int current, Op op, long step) {
        int c = -1;
        if (size < prefix.length) {
            for (int i = 0; i < count; i++) {
                if (runnable[i] == prefix[size]) {
                    c = i;
                }
            }
        }
        if (c < 0) {
            c = random.nextInt(count);
        }
        if (size == picks.length) {
            picks = Arrays.copyOf(picks, size * 2);
        }
        picks[size++] = runnable[c];
        return c;
    }

    /**
     * Task {@code t} runs its pending operation: record a pair for a read, the writer for a write.
     */
    private void executed(int t) {
        Op op = pendingOp[t];
        Object res = pendingResource[t];
        if (op == null || res == null) {
            return;
        }
        pendingOp[t] = null;
        int r = resources.computeIfAbsent(res, k -> resources.size() + 1);
        long key = ((long) t << 32) | r;
        int nth = perTaskResource.merge(key, 1, Integer::sum);
        long event = (((long) t * 1_000_003L + r) * 1_000_003L + nth) * 31 + op.ordinal();
        boolean reads = op == Op.LOAD || op == Op.RMW || op == Op.LOCK;
        boolean writes = op == Op.STORE || op == Op.RMW || op == Op.UNLOCK;
        if (reads) {
            Long w = lastWrite.get((long) r);
            long pair = Seeds.mix64(event * 0x9E3779B97F4A7C15L ^ (w == null ? 0 : w));
            if (pairCount == pairs.length) {
                pairs = Arrays.copyOf(pairs, pairCount * 2);
            }
            pairs[pairCount++] = pair;
        }
        if (writes) {
            lastWrite.put((long) r, event);
        }
    }

    @Override
    public int chooseMemory(int count, int current, long step) {
        return random.nextInt(count);
    }

    /**
     * The thread picked at each choice point of this run.
     *
     * @return task ids, one per choice point
     */
    int[] picks() {
        return Arrays.copyOf(picks, size);
    }

    /**
     * The reads-from pairs of this run, as hashes.
     *
     * @return one hash per read (duplicates possible)
     */
    long[] pairs() {
        return Arrays.copyOf(pairs, pairCount);
    }
}
