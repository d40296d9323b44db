package dev.braid.testkit.bench;

import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import dev.braid.atomic.Plain;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Bug programs over channels and select, in the shapes of SCTBench (Thomson, Donaldson, Betts,
 * PPoPP 2014) and of Go's channel-bug studies: each is small, names its threads and channels, and
 * throws or deadlocks exactly when its bug shows. The {@code ctrl-} programs are their correct
 * twins and must pass every schedule.
 */
final class ChannelBugPrograms {
    private ChannelBugPrograms() {}

    static List<BugPrograms.Program> all() {
        return List.of(
                new BugPrograms.Program(
                        "ch-len-then-recv",
                        "channel: check len(), then block",
                        ChannelBugPrograms::lenThenRecv),
                new BugPrograms.Program(
                        "ch-close-racing-send",
                        "channel: close before a racing send",
                        ChannelBugPrograms::closeRacingSend),
                new BugPrograms.Program(
                        "select-manual-retry",
                        "select: a manual retry drops an element",
                        ChannelBugPrograms::selectManualRetry),
                new BugPrograms.Program(
                        "ch-worker-shutdown",
                        "channel worker pool: shutdown drops a job",
                        () -> workerPool(true)),
                new BugPrograms.Program(
                        "ch-two-pipelines",
                        "deadlock: two full bounded channels",
                        () -> twoPipelines(1)),
                new BugPrograms.Program(
                        "ch-mutex-cycle",
                        "deadlock: channel + mutex",
                        ChannelBugPrograms::channelMutexCycle),
                new BugPrograms.Program(
                        "ctrl-ch-drain-until-closed",
                        "control",
                        ChannelBugPrograms::drainUntilClosed),
                new BugPrograms.Program(
                        "ctrl-ch-worker-shutdown", "control", () -> workerPool(false)),
                new BugPrograms.Program("ctrl-ch-two-pipelines", "control", () -> twoPipelines(4)),
                new BugPrograms.Program(
                        "ctrl-ch-plain-over-send", "control", () -> plainOverChannel(false)),
                new BugPrograms.Program(
                        "ctrl-select-plain-over-send", "control", () -> plainOverChannel(true)));
    }

    /**
     * A producer writes a plain cell and then sends; the consumer receives (by recv, or by select
     * over two channels) and then reads the cell: the channel orders the write before the read, so
     * no schedule may report a data race (ADR 0130).
     */
    static void plainOverChannel(boolean select) throws InterruptedException {
        Channel<Integer> ready = Channel.<Integer>builder().name("ready").bounded(1).build();
        Channel<Integer> other = Channel.<Integer>builder().name("other").bounded(1).build();
        Plain<Integer> data = new Plain<>(0);
        JoinHandle<Void> producer =
                spawn(
                        "producer",
                        () -> {
                            data.set(42);
                            ready.send(1);
                            return null;
                        });
        if (select) {
            Select.<Integer>fair().recv(ready, v -> v).recv(other, v -> v).run();
        } else {
            ready.recv();
        }
        check(data.get() == 42, "read " + data.get());
        producer.join();
    }

    static JoinHandle<Void> spawn(String name, Callable<Void> body) {
        return Threads.builder().name(name).spawn(body);
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    /** Two consumers check {@code len() > 0}, then block in recv: one element, so one may hang. */
    static void lenThenRecv() throws InterruptedException {
        Channel<Integer> jobs = Channel.<Integer>builder().name("jobs").bounded(2).build();
        AtomicI32 taken = new AtomicI32(0);
        List<JoinHandle<Void>> consumers = new ArrayList<>();
        for (int c = 1; c <= 2; c++) {
            consumers.add(
                    spawn(
                            "consumer-" + c,
                            () -> {
                                if (jobs.len() > 0) { // BUG: the other consumer may take it first
                                    jobs.recv();
                                    taken.fetchAdd(1, Ordering.SEQ_CST);
                                }
                                return null;
                            }));
        }
        jobs.send(7);
        for (JoinHandle<Void> c : consumers) {
            c.join();
        }
        check(taken.load(Ordering.SEQ_CST) <= 1, "one element taken twice");
    }

    /** The correct twin: consumers receive until the channel is closed and drained. */
    static void drainUntilClosed() throws InterruptedException {
        Channel<Integer> jobs = Channel.<Integer>builder().name("jobs").bounded(2).build();
        AtomicI32 taken = new AtomicI32(0);
        List<JoinHandle<Void>> consumers = new ArrayList<>();
        for (int c = 1; c <= 2; c++) {
            consumers.add(
                    spawn(
                            "consumer-" + c,
                            () -> {
                                for (Integer x : jobs) {
                                    taken.fetchAdd(x, Ordering.SEQ_CST);
                                }
                                return null;
                            }));
        }
        jobs.send(3);
        jobs.send(4);
        jobs.close();
        for (JoinHandle<Void> c : consumers) {
            c.join();
        }
        check(taken.load(Ordering.SEQ_CST) == 7, "control: drained " + taken);
    }

    /**
     * Two producers share a channel; the first closes it when it is done, assuming the second
     * finished first. The second's send then throws {@code ChannelClosedException}, an uncaught
     * failure of 'producer-2'.
     */
    static void closeRacingSend() throws InterruptedException {
        Channel<Integer> out = Channel.<Integer>builder().name("out").bounded(4).build();
        JoinHandle<Void> p1 =
                spawn(
                        "producer-1",
                        () -> {
                            out.send(1);
                            out.close(); // BUG: producer-2 may not have sent yet
                            return null;
                        });
        JoinHandle<Void> p2 =
                spawn(
                        "producer-2",
                        () -> {
                            out.send(2);
                            return null;
                        });
        int sum = 0;
        for (Integer x : out) {
            sum += x;
        }
        p1.join();
        p2.join();
        check(sum == 3, "received " + sum + " of 3");
    }

    /**
     * A receiver over two channels uses select with a short timeout, and on a timeout retries by
     * polling both channels by hand; when both have become ready it keeps only one element. The
     * senders work for as long as the timeout: on virtual time a timer fires only when no thread
     * can run, so without that sleep the timeout path is never taken.
     */
    static void selectManualRetry() throws InterruptedException {
        Channel<Integer> a = Channel.<Integer>builder().name("a").bounded(1).build();
        Channel<Integer> b = Channel.<Integer>builder().name("b").bounded(1).build();
        JoinHandle<Void> pa =
                spawn(
                        "sender-a",
                        () -> {
                            Threads.sleep(Duration.ofMillis(1)); // work: due with the timeout
                            a.send(1);
                            return null;
                        });
        JoinHandle<Void> pb =
                spawn(
                        "sender-b",
                        () -> {
                            Threads.sleep(Duration.ofMillis(1)); // work: due with the timeout
                            b.send(2);
                            return null;
                        });
        int sum = 0;
        int got = 0;
        for (int round = 0; round < 4 && got < 2; round++) {
            Integer x =
                    Select.<Integer>biased()
                            .recv(a, v -> v)
                            .recv(b, v -> v)
                            .timeout(Duration.ofMillis(1), () -> null)
                            .run();
            if (x == null) { // timed out: retry by hand
                RecvResult<Integer> ra = a.tryRecv();
                RecvResult<Integer> rb = b.tryRecv();
                // BUG: when both were ready, b's element is dropped
                x = ra.isReceived() ? ra.orElseThrow() : rb.valueIfReceived().orElse(null);
            }
            if (x != null) {
                sum += x;
                got++;
            }
        }
        pa.join();
        pb.join();
        for (RecvResult<Integer> r = a.tryRecv(); r.isReceived(); r = a.tryRecv()) {
            sum += r.orElseThrow();
        }
        for (RecvResult<Integer> r = b.tryRecv(); r.isReceived(); r = b.tryRecv()) {
            sum += r.orElseThrow();
        }
        check(sum == 3, "received a sum of " + sum + ", sent 3");
    }

    /**
     * A hand-made worker pool on a bounded channel: two workers take jobs until a stop flag is set.
     * The buggy shutdown sets the flag and closes; a worker that sees the flag leaves jobs in the
     * channel. The correct one closes the channel and the workers drain it.
     */
    static void workerPool(boolean buggy) throws InterruptedException {
        Channel<Integer> jobs = Channel.<Integer>builder().name("jobs").bounded(2).build();
        AtomicBool stop = new AtomicBool(false);
        AtomicI32 done = new AtomicI32(0);
        List<JoinHandle<Void>> workers = new ArrayList<>();
        for (int w = 1; w <= 2; w++) {
            workers.add(
                    spawn(
                            "worker-" + w,
                            () -> {
                                while (!(buggy && stop.load(Ordering.ACQUIRE))) {
                                    RecvResult<Integer> r = jobs.recv(Duration.ofMillis(5));
                                    if (r instanceof RecvResult.Closed) {
                                        return null;
                                    }
                                    if (r.isReceived()) {
                                        done.fetchAdd(1, Ordering.SEQ_CST);
                                    }
                                }
                                return null;
                            }));
        }
        for (int j = 0; j < 3; j++) {
            jobs.send(j);
        }
        if (buggy) {
            stop.store(true, Ordering.RELEASE); // BUG: jobs still queued are abandoned
        }
        jobs.close();
        for (JoinHandle<Void> w : workers) {
            w.join();
        }
        check(
                done.load(Ordering.SEQ_CST) == 3,
                "ran " + done.load(Ordering.SEQ_CST) + " of 3 jobs");
    }

    /**
     * Two stages share four jobs; each forwards every job it takes to the other stage through its
     * own bounded channel, and only when the jobs are gone does it close its output and drain its
     * input. With capacity 1, when each stage takes two jobs before the other drains, both block on
     * a full channel: a cycle of two sends. With capacity 4 nothing blocks.
     */
    static void twoPipelines(int capacity) throws InterruptedException {
        Channel<Integer> jobs = Channel.<Integer>builder().name("jobs").bounded(4).build();
        Channel<Integer> aToB = Channel.<Integer>builder().name("a-to-b").bounded(capacity).build();
        Channel<Integer> bToA = Channel.<Integer>builder().name("b-to-a").bounded(capacity).build();
        for (int j = 1; j <= 4; j++) {
            jobs.send(j);
        }
        jobs.close();
        AtomicI32 sum = new AtomicI32(0);
        JoinHandle<Void> a = spawn("stage-a", () -> stage(jobs, aToB, bToA, sum));
        JoinHandle<Void> b = spawn("stage-b", () -> stage(jobs, bToA, aToB, sum));
        a.join();
        b.join();
        check(sum.load(Ordering.SEQ_CST) == 10, "jobs lost: " + sum.load(Ordering.SEQ_CST));
    }

    private static Void stage(
            Channel<Integer> jobs, Channel<Integer> out, Channel<Integer> in, AtomicI32 sum)
            throws InterruptedException {
        for (RecvResult<Integer> r = jobs.tryRecv(); r.isReceived(); r = jobs.tryRecv()) {
            out.send(r.orElseThrow()); // blocks when the other stage has not drained yet
        }
        out.close();
        for (Integer x : in) {
            sum.fetchAdd(x, Ordering.SEQ_CST);
        }
        return null;
    }

    /**
     * The producer holds the lock while it sends into a full channel; the consumer takes the lock
     * before it receives: a cycle through 'results' and 'state'.
     */
    static void channelMutexCycle() throws InterruptedException {
        Channel<Integer> results = Channel.<Integer>builder().name("results").bounded(1).build();
        Mutex<Integer> state = Mutex.named("state", 0);
        JoinHandle<Void> producer =
                spawn(
                        "producer",
                        () -> {
                            for (int i = 1; i <= 2; i++) {
                                try (MutexGuard<Integer> g = state.lock()) {
                                    g.set(i);
                                    results.send(i); // BUG: blocks with the lock held
                                }
                            }
                            return null;
                        });
        JoinHandle<Void> consumer =
                spawn(
                        "consumer",
                        () -> {
                            for (int i = 1; i <= 2; i++) {
                                try (MutexGuard<Integer> g = state.lock()) {
                                    g.set(g.get() + 100);
                                }
                                results.recv();
                            }
                            return null;
                        });
        producer.join();
        consumer.join();
    }
}
