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
     * is abstracted as (task id, the resource's index among the distinct resources that task has
     * touched, the index of this operation among the task's operations on that resource, operation
     * kind), so equal pairs in two runs mean the same program events, never identity hashes. The
     * resource is named by the task's own order of first touches, which follows the task's program
     * order and so does not change with the interleaving (an earlier version numbered resources by
     * first use in the whole run, which made the same event look different from run to run). Reads are
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
     * Steering. A run may carry a target: an uncovered pair (read event R of task tr, write event
     * W of task tw on the same resource) whose two events were both seen, in earlier runs, but never
     * as a pair. While W has not run, the strategy picks tw whenever tw is about to do W, and holds
     * tr back whenever tr is about to do R (it picks another runnable task, at random); once W has
     * run, it picks tr whenever tr is runnable until R has run, so W is the last write R can see.
     * A target W of 0 is the initial value: tr is picked whenever runnable from the start, so R
     * runs before other tasks' writes (the starvation shape: "the reader came first").
     * A pending operation's event is computed the way executed() will number it. Steering lasts
     * at most HOLD_LIMIT choice points, after which the run goes on at random, so a spinning task
     * cannot turn a hold into a false livelock. This is RFF's "bias the scheduler toward a chosen
     * reads-from pair" in its simplest form: one positive constraint per run, no negative ones.
     *
     * References. Wolff, Shi, Sen, Kasikci, "Reads-from fuzzing" (RFF, ASPLOS 2024).
     */

    /** Choice points that steering may decide in one run before it gives up. */
    static final int HOLD_LIMIT = 64;

    private static final Op[] OPS = Op.values();

    /** The name in schedule strings. */
    public static final String NAME = "rff";

    private final long seed;
    private final SplittableRandom random;
    private final int[] prefix;
    private final Map<Object, Integer> resources = new IdentityHashMap<>();
    private final Map<Long, Long> lastWrite = new java.util.HashMap<>();
    private final Map<Long, Integer> perTaskResource = new java.util.HashMap<>();
    private final Map<Long, Integer> localIndex = new java.util.HashMap<>();
    private int[] distinct = new int[8];
    private int[] eventResource = new int[32];
    private Op[] pendingOp = new Op[8];
    private Object[] pendingResource = new Object[8];
    private int[] picks = new int[32];
    private int size;
    private long[] pairs = new long[32];
    private int pairCount;
    private long[] events = new long[32];
    private int eventCount;
    private final long targetRead;
    private final long targetWrite;
    private boolean writeDone;
    private boolean steering;
    private int held;

    /**
     * A run.
     *
     * @param seed the seed of its random choices
     * @param prefix thread ids to follow first, one per choice point
     */
    public CoverageStrategy(long seed, int[] prefix) {
        this(seed, prefix, 0, 0);
    }

    /**
     * A run steered toward the reads-from pair ({@code read} sees {@code write}); see the notes.
     *
     * @param seed the seed of its random choices
     * @param prefix thread ids to follow first, one per choice point
     * @param read the target read event ({@link #event}), or 0 for no target
     * @param write the target write event, or 0 for the initial value (before any write)
     */
    CoverageStrategy(long seed, int[] prefix, long read, long write) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.prefix = prefix.clone();
        this.targetRead = read;
        this.targetWrite = write;
        this.steering = read != 0;
        this.writeDone = write == 0; // the initial value: the reader should just go first
    }

    /**
     * An event's identity, packed: task, resource number, index among the task's operations on that
     * resource, operation kind (see the notes); never 0.
     */
    static long event(int task, int resource, int nth, Op op) {
        return ((long) (task & 0xFFFF) << 48)
                | ((long) (resource & 0xFFFFF) << 28)
                | ((long) (nth & 0xFFFFF) << 8)
                | (op.ordinal() + 1);
    }

    /** The task of a packed event. */
    static int taskOf(long event) {
        return (int) (event >>> 48);
    }

    /** Whether a packed event reads (LOAD, RMW, LOCK). */
    static boolean reads(long event) {
        Op op = OPS[(int) (event & 0xFF) - 1];
        return op == Op.LOAD || op == Op.RMW || op == Op.LOCK;
    }

    /** Whether a packed event writes (STORE, RMW, UNLOCK). */
    static boolean writes(long event) {
        Op op = OPS[(int) (event & 0xFF) - 1];
        return op == Op.STORE || op == Op.RMW || op == Op.UNLOCK;
    }

    /** The coverage hash of the pair (read sees write); write 0 is the initial value. */
    static long pair(long read, long write) {
        return Seeds.mix64(read * 0x9E3779B97F4A7C15L ^ write);
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
            distinct = Arrays.copyOf(distinct, n);
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
        int c = steering ? steer(runnable, count) : -1;
        if (c < 0 && size < prefix.length) {
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

    /** The steered choice, or -1 to leave the choice to the prefix or to chance. */
    private int steer(int[] runnable, int count) {
        int c = steered(runnable, count);
        if (c >= 0 && ++held > HOLD_LIMIT) {
            steering = false; // bounded, so a spinning task cannot turn steering into a livelock
            return -1;
        }
        return c;
    }

    private int steered(int[] runnable, int count) {
        int reader = indexOf(runnable, count, taskOf(targetRead));
        if (writeDone) {
            return reader; // the reader next, until its read has run
        }
        int writer = indexOf(runnable, count, taskOf(targetWrite));
        if (writer >= 0 && pendingEvent(taskOf(targetWrite)) == targetWrite) {
            return writer;
        }
        if (reader >= 0 && pendingEvent(taskOf(targetRead)) == targetRead) {
            int c = random.nextInt(count - 1); // any other runnable task
            return c >= reader ? c + 1 : c;
        }
        return -1;
    }

    private static int indexOf(int[] runnable, int count, int task) {
        for (int i = 0; i < count; i++) {
            if (runnable[i] == task) {
                return i;
            }
        }
        return -1;
    }

    /** The event task {@code t} will produce when it runs its pending operation, or 0. */
    private long pendingEvent(int t) {
        Op op = t < pendingOp.length ? pendingOp[t] : null;
        Object res = op == null ? null : pendingResource[t];
        if (res == null) {
            return 0;
        }
        Integer r = resources.get(res);
        if (r == null) {
            return event(t, distinct[t], 1, op); // a resource nobody has touched yet
        }
        long key = ((long) t << 32) | r;
        Integer k = localIndex.get(key);
        int nth = perTaskResource.getOrDefault(key, 0) + 1;
        return event(t, k != null ? k : distinct[t], nth, op);
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
        Integer k = localIndex.get(key);
        if (k == null) {
            k = distinct[t]++;
            localIndex.put(key, k);
        }
        int nth = perTaskResource.merge(key, 1, Integer::sum);
        long event = event(t, k, nth, op);
        boolean reads = op == Op.LOAD || op == Op.RMW || op == Op.LOCK;
        boolean writes = op == Op.STORE || op == Op.RMW || op == Op.UNLOCK;
        if (!reads && !writes) {
            return;
        }
        if (eventCount == events.length) {
            events = Arrays.copyOf(events, eventCount * 2);
            eventResource = Arrays.copyOf(eventResource, eventCount * 2);
        }
        eventResource[eventCount] = r;
        events[eventCount++] = event;
        if (steering) {
            if (event == targetRead) {
                steering = false; // the read ran: whatever it saw, steering is over
            } else if (event == targetWrite) {
                writeDone = true;
            }
        }
        if (reads) {
            Long w = lastWrite.get((long) r);
            if (pairCount == pairs.length) {
                pairs = Arrays.copyOf(pairs, pairCount * 2);
            }
            pairs[pairCount++] = pair(event, w == null ? 0 : w);
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
     * The reading and writing events this run executed, packed ({@link #event}), in order.
     *
     * @return the events
     */
    long[] events() {
        return Arrays.copyOf(events, eventCount);
    }

    /**
     * For each of {@link #events()}, the resource it touched, numbered in order of first use in
     * this run (equal numbers: the same object in this run).
     *
     * @return one resource number per event
     */
    int[] eventResources() {
        return Arrays.copyOf(eventResource, eventCount);
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
