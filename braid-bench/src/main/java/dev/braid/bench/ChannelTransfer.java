package dev.braid.bench;

import dev.braid.channel.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.MpmcArrayQueue;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One producer and one consumer calling non-blocking offer/poll, counting what was transferred:
 * JCTools' throughput shape (its {@code QueueThroughputBackoffNone}), which reports successful and
 * failed offers and polls apart. {@link ChannelBench}'s throughput groups count every call, so a
 * cheap failed poll on an empty queue scores like a transfer; here the number that matters is the
 * secondary metric {@code pollsMade} (elements moved per µs).
 *
 * <p>Unbounded queues need a cap, or a producer faster than its consumer fills the heap within an
 * iteration. The cap is the same for every queue: the consumer publishes how many it has taken with
 * a release store ({@code lazySet}, a plain store on x86), and the producer fails an offer while it
 * is {@value #CAP} ahead. {@code ChannelBench} capped with each queue's own {@code size()}, which
 * is O(n) for {@link ConcurrentLinkedQueue} and so measured that walk more than the queue.
 */
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChannelTransfer {
    static final Integer ONE = 1;

    /** How far an unbounded queue's producer may run ahead of its consumer. */
    static final int CAP = 100_000;

    /** The queues, and the consumer's published count for the unbounded cap. */
    @State(Scope.Group)
    public static class Queues {
        final Channel<Integer> bounded = Channel.bounded(1024);
        final Channel<Integer> unbounded = Channel.unbounded();
        final MpmcArrayQueue<Integer> mpmc = new MpmcArrayQueue<>(1024);
        final SpscArrayQueue<Integer> spsc = new SpscArrayQueue<>(1024);
        final MpscUnboundedArrayQueue<Integer> mpscUnbounded = new MpscUnboundedArrayQueue<>(1024);
        final ArrayBlockingQueue<Integer> abq = new ArrayBlockingQueue<>(1024);
        final ConcurrentLinkedQueue<Integer> clq = new ConcurrentLinkedQueue<>();
        final AtomicLong taken = new AtomicLong();
    }

    /** The producer's counters (JMH reports each public field as a rate). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Offers {
        /** Successful offers. */
        public long offersMade;

        /** Offers refused (queue full, or the unbounded cap reached). */
        public long offersFailed;

        long total; // made over the whole trial, for the cap (not reset per iteration)

        /** Resets the reported counters. */
        @Setup(Level.Iteration)
        public void clear() {
            offersMade = 0;
            offersFailed = 0;
        }

        boolean underCap(Queues q) {
            return total - q.taken.get() < CAP;
        }

        void count(boolean made) {
            if (made) {
                offersMade++;
                total++;
            } else {
                offersFailed++;
            }
        }
    }

    /** The consumer's counters. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Polls {
        /** Polls that returned an element: the transfer rate. */
        public long pollsMade;

        /** Polls that found the queue empty. */
        public long pollsFailed;

        long total;

        /** Resets the reported counters. */
        @Setup(Level.Iteration)
        public void clear() {
            pollsMade = 0;
            pollsFailed = 0;
        }

        void count(boolean got, Queues q) {
            if (got) {
                pollsMade++;
                q.taken.lazySet(++total);
            } else {
                pollsFailed++;
            }
        }
    }

    // ---- bounded, capacity 1024 ----

    @Benchmark
    @Group("boundedBraid")
    @GroupThreads(1)
    public void boundedBraidOffer(Queues q, Offers c) {
        c.count(q.bounded.trySend(ONE).isSent());
    }

    @Benchmark
    @Group("boundedBraid")
    @GroupThreads(1)
    public void boundedBraidPoll(Queues q, Polls c) {
        c.count(q.bounded.tryRecv().isReceived(), q);
    }

    // the same consumer on tryRecvOrNull: the perf suite's JCTools shape polls with
    // poll() != null, and tryRecv().isReceived() allocates a 16-byte Received per element on the
    // consumer: C2 inlines all of tryRecv here, but where the empty branch also runs the fresh
    // Received merges with the shared Empty at the inlined return, and the type test on that
    // merge keeps C2 from scalar-replacing it (ADR 0100)

    @Benchmark
    @Group("boundedBraidOrNull")
    @GroupThreads(1)
    public void boundedBraidOrNullOffer(Queues q, Offers c) {
        boundedBraidOffer(q, c);
    }

    @Benchmark
    @Group("boundedBraidOrNull")
    @GroupThreads(1)
    public void boundedBraidOrNullPoll(Queues q, Polls c) {
        c.count(q.bounded.tryRecvOrNull() != null, q);
    }

    // ADR 0092's pause on the allocation-free consumer (chan7): the 2026-12-05 quiet run judged it
    // with the tryRecv consumer, whose Received allocation capped it near 5 transfers/us

    @Benchmark
    @Group("boundedBraidOrNullMissPause")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.missPause=8"
            })
    public void boundedBraidOrNullMissPauseOffer(Queues q, Offers c) {
        boundedBraidOffer(q, c);
    }

    @Benchmark
    @Group("boundedBraidOrNullMissPause")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.missPause=8"
            })
    public void boundedBraidOrNullMissPausePoll(Queues q, Polls c) {
        boundedBraidOrNullPoll(q, c);
    }

    // the same with a pause of 2 spin-waits (~40-50 ns): about Mpmc's failed-call rate

    @Benchmark
    @Group("boundedBraidOrNullMissPause2")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.missPause=2"
            })
    public void boundedBraidOrNullMissPause2Offer(Queues q, Offers c) {
        boundedBraidOffer(q, c);
    }

    @Benchmark
    @Group("boundedBraidOrNullMissPause2")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.missPause=2"
            })
    public void boundedBraidOrNullMissPause2Poll(Queues q, Polls c) {
        boundedBraidOrNullPoll(q, c);
    }

    // the allocation-free consumer with the cached counters off: a miss reads the slot, then the
    // other counter (two lines, JCTools' order) - Mpmc's failure cost with braid's code

    @Benchmark
    @Group("boundedBraidOrNullUncached")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.ringCache=false"
            })
    public void boundedBraidOrNullUncachedOffer(Queues q, Offers c) {
        boundedBraidOffer(q, c);
    }

    @Benchmark
    @Group("boundedBraidOrNullUncached")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.ringCache=false"
            })
    public void boundedBraidOrNullUncachedPoll(Queues q, Polls c) {
        boundedBraidOrNullPoll(q, c);
    }

    // the allocation-free consumer without ADR 0100's small first attempt (the before)

    @Benchmark
    @Group("boundedBraidOrNullLoopOnly")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.ringFirstTry=false"
            })
    public void boundedBraidOrNullLoopOnlyOffer(Queues q, Offers c) {
        boundedBraidOffer(q, c);
    }

    @Benchmark
    @Group("boundedBraidOrNullLoopOnly")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.ringFirstTry=false"
            })
    public void boundedBraidOrNullLoopOnlyPoll(Queues q, Polls c) {
        boundedBraidOrNullPoll(q, c);
    }

    // the same with ADR 0092's experimental pause before a fresh-read full or empty answer

    @Benchmark
    @Group("boundedBraidMissPause")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.missPause=8"
            })
    public void boundedBraidMissPauseOffer(Queues q, Offers c) {
        boundedBraidOffer(q, c);
    }

    @Benchmark
    @Group("boundedBraidMissPause")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.missPause=8"
            })
    public void boundedBraidMissPausePoll(Queues q, Polls c) {
        boundedBraidPoll(q, c);
    }

    // the same with SlotRing's cached counters off (the "before"), for an A/B in one run

    @Benchmark
    @Group("boundedBraidUncached")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.ringCache=false"
            })
    public void boundedBraidUncachedOffer(Queues q, Offers c) {
        boundedBraidOffer(q, c);
    }

    @Benchmark
    @Group("boundedBraidUncached")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.ringCache=false"
            })
    public void boundedBraidUncachedPoll(Queues q, Polls c) {
        boundedBraidPoll(q, c);
    }

    // the same with ADR 0074's tail-first poll (before ADR 0082), for an A/B in one run

    @Benchmark
    @Group("boundedBraidTailFirst")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.pollTrail=false"
            })
    public void boundedBraidTailFirstOffer(Queues q, Offers c) {
        boundedBraidOffer(q, c);
    }

    @Benchmark
    @Group("boundedBraidTailFirst")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.pollTrail=false"
            })
    public void boundedBraidTailFirstPoll(Queues q, Polls c) {
        boundedBraidPoll(q, c);
    }

    @Benchmark
    @Group("boundedMpmc")
    @GroupThreads(1)
    public void boundedMpmcOffer(Queues q, Offers c) {
        c.count(q.mpmc.offer(ONE));
    }

    @Benchmark
    @Group("boundedMpmc")
    @GroupThreads(1)
    public void boundedMpmcPoll(Queues q, Polls c) {
        c.count(q.mpmc.poll() != null, q);
    }

    // the perf suite's ceiling: single-producer single-consumer, which a channel is not

    @Benchmark
    @Group("boundedSpsc")
    @GroupThreads(1)
    public void boundedSpscOffer(Queues q, Offers c) {
        c.count(q.spsc.offer(ONE));
    }

    @Benchmark
    @Group("boundedSpsc")
    @GroupThreads(1)
    public void boundedSpscPoll(Queues q, Polls c) {
        c.count(q.spsc.poll() != null, q);
    }

    @Benchmark
    @Group("boundedAbq")
    @GroupThreads(1)
    public void boundedAbqOffer(Queues q, Offers c) {
        c.count(q.abq.offer(ONE));
    }

    @Benchmark
    @Group("boundedAbq")
    @GroupThreads(1)
    public void boundedAbqPoll(Queues q, Polls c) {
        c.count(q.abq.poll() != null, q);
    }

    // ---- unbounded, capped alike ----

    @Benchmark
    @Group("unboundedBraid")
    @GroupThreads(1)
    public void unboundedBraidOffer(Queues q, Offers c) {
        c.count(c.underCap(q) && q.unbounded.trySend(ONE).isSent());
    }

    @Benchmark
    @Group("unboundedBraid")
    @GroupThreads(1)
    public void unboundedBraidPoll(Queues q, Polls c) {
        c.count(q.unbounded.tryRecv().isReceived(), q);
    }

    // the same with the unbounded fast path off (ADR 0057's "before"), for an A/B in one run

    @Benchmark
    @Group("unboundedBraidLocked")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.fastUnbounded=false"
            })
    public void unboundedBraidLockedOffer(Queues q, Offers c) {
        unboundedBraidOffer(q, c);
    }

    @Benchmark
    @Group("unboundedBraidLocked")
    @GroupThreads(1)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.fastUnbounded=false"
            })
    public void unboundedBraidLockedPoll(Queues q, Polls c) {
        unboundedBraidPoll(q, c);
    }

    @Benchmark
    @Group("unboundedMpsc")
    @GroupThreads(1)
    public void unboundedMpscOffer(Queues q, Offers c) {
        c.count(c.underCap(q) && q.mpscUnbounded.offer(ONE));
    }

    @Benchmark
    @Group("unboundedMpsc")
    @GroupThreads(1)
    public void unboundedMpscPoll(Queues q, Polls c) {
        c.count(q.mpscUnbounded.poll() != null, q);
    }

    @Benchmark
    @Group("unboundedClq")
    @GroupThreads(1)
    public void unboundedClqOffer(Queues q, Offers c) {
        c.count(c.underCap(q) && q.clq.offer(ONE));
    }

    @Benchmark
    @Group("unboundedClq")
    @GroupThreads(1)
    public void unboundedClqPoll(Queues q, Polls c) {
        c.count(q.clq.poll() != null, q);
    }
}
