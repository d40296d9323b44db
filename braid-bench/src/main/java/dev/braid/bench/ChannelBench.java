package dev.braid.bench;

import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Exchanger;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MpmcArrayQueue;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Channels against their peers, the shapes of the perf suite (docs/perf/channels.md): 1P1C
 * throughput of non-blocking offer/poll (bounded 1024 and unbounded), blocking hand-off of 10,000
 * elements between two platform threads (rendezvous and buffered 16), a two-clause select, and a
 * single-thread send/recv pair for {@code -prof gc}.
 */
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ChannelBench {
    static final Integer ONE = 1;
    static final int HANDOFFS = 10_000;

    // ---- 1P1C throughput, non-blocking ----

    /** The queues of the throughput groups. */
    @State(Scope.Group)
    public static class Queues {
        final Channel<Integer> bounded = Channel.bounded(1024);
        final Channel<Integer> unbounded = Channel.unbounded();
        final MpmcArrayQueue<Integer> mpmc = new MpmcArrayQueue<>(1024);
        final MpscUnboundedArrayQueue<Integer> mpscUnbounded = new MpscUnboundedArrayQueue<>(1024);
        final ArrayBlockingQueue<Integer> abq = new ArrayBlockingQueue<>(1024);
        final ConcurrentLinkedQueue<Integer> clq = new ConcurrentLinkedQueue<>();
    }

    @Benchmark
    @Group("boundedBraid")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean boundedBraidOffer(Queues q) {
        return q.bounded.trySend(ONE).isSent();
    }

    @Benchmark
    @Group("boundedBraid")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object boundedBraidPoll(Queues q) {
        return q.bounded.tryRecv();
    }

    @Benchmark
    @Group("boundedMpmc")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean boundedMpmcOffer(Queues q) {
        return q.mpmc.offer(ONE);
    }

    @Benchmark
    @Group("boundedMpmc")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object boundedMpmcPoll(Queues q) {
        return q.mpmc.poll();
    }

    @Benchmark
    @Group("boundedAbq")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean boundedAbqOffer(Queues q) {
        return q.abq.offer(ONE);
    }

    @Benchmark
    @Group("boundedAbq")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object boundedAbqPoll(Queues q) {
        return q.abq.poll();
    }

    @Benchmark
    @Group("unboundedBraid")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean unboundedBraidOffer(Queues q) {
        return q.unbounded.len() < 100_000 && q.unbounded.trySend(ONE).isSent();
    }

    @Benchmark
    @Group("unboundedBraid")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object unboundedBraidPoll(Queues q) {
        return q.unbounded.tryRecv();
    }

    // The same group with the unbounded fast path off (ADR 0057's "before"), for an A/B in one run.

    @Benchmark
    @Group("unboundedBraidLocked")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.fastUnbounded=false"
            })
    public boolean unboundedBraidLockedOffer(Queues q) {
        return q.unbounded.len() < 100_000 && q.unbounded.trySend(ONE).isSent();
    }

    @Benchmark
    @Group("unboundedBraidLocked")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.fastUnbounded=false"
            })
    public Object unboundedBraidLockedPoll(Queues q) {
        return q.unbounded.tryRecv();
    }

    @Benchmark
    @Group("unboundedMpsc")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean unboundedMpscOffer(Queues q) {
        return q.mpscUnbounded.size() < 100_000 && q.mpscUnbounded.offer(ONE);
    }

    @Benchmark
    @Group("unboundedMpsc")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object unboundedMpscPoll(Queues q) {
        return q.mpscUnbounded.poll();
    }

    @Benchmark
    @Group("unboundedClq")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean unboundedClqOffer(Queues q) {
        return q.clq.size() < 100_000 && q.clq.offer(ONE);
    }

    @Benchmark
    @Group("unboundedClq")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object unboundedClqPoll(Queues q) {
        return q.clq.poll();
    }

    // ---- blocking hand-off between two platform threads, ns per element ----

    interface Pipe {
        void send(Integer x) throws InterruptedException;

        Integer recv() throws InterruptedException;
    }

    private static long handoff(Pipe p) throws InterruptedException {
        Thread producer =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    try {
                                        for (int i = 0; i < HANDOFFS; i++) {
                                            p.send(ONE);
                                        }
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                });
        long sum = 0;
        for (int i = 0; i < HANDOFFS; i++) {
            sum += p.recv();
        }
        producer.join();
        return sum;
    }

    private static Pipe braid(Channel<Integer> ch) {
        return new Pipe() {
            public void send(Integer x) throws InterruptedException {
                ch.send(x);
            }

            public Integer recv() throws InterruptedException {
                return ch.recv();
            }
        };
    }

    private static Pipe jox(com.softwaremill.jox.Channel<Integer> ch) {
        return new Pipe() {
            public void send(Integer x) throws InterruptedException {
                ch.send(x);
            }

            public Integer recv() throws InterruptedException {
                return ch.receive();
            }
        };
    }

    private static Pipe juc(BlockingQueue<Integer> q) {
        return new Pipe() {
            public void send(Integer x) throws InterruptedException {
                q.put(x);
            }

            public Integer recv() throws InterruptedException {
                return q.take();
            }
        };
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    public long rendezvousBraid() throws InterruptedException {
        return handoff(braid(Channel.rendezvous()));
    }

    /**
     * {@link #rendezvousBraid} with a fixed 256 pre-park spins ({@code -Dbraid.channel.spins=256
     * -Dbraid.channel.longSpins=0}): ADR 0091's rejected default, beside the adaptive spin.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.spins=256",
                "-Dbraid.channel.longSpins=0"
            })
    public long rendezvousBraidSpins256() throws InterruptedException {
        return rendezvousBraid();
    }

    /**
     * {@link #rendezvousBraid} with ADR 0091's long spin at 1,024 ({@code
     * -Dbraid.channel.longSpins=1024}).
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.longSpins=1024"
            })
    public long rendezvousBraidLongSpins1024() throws InterruptedException {
        return rendezvousBraid();
    }

    /**
     * {@link #rendezvousBraid} with ADR 0091's long spin at 4,096 ({@code
     * -Dbraid.channel.longSpins=4096}).
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.longSpins=4096"
            })
    public long rendezvousBraidLongSpins4096() throws InterruptedException {
        return rendezvousBraid();
    }

    /**
     * {@link #rendezvousBraid} with a fixed 32 pre-park spins and no adaptation ({@code
     * -Dbraid.channel.longSpins=0}): the wait before ADR 0091, for an A/B in one run.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.longSpins=0"
            })
    public long rendezvousBraidShortSpins() throws InterruptedException {
        return rendezvousBraid();
    }

    /**
     * {@link #rendezvousBraid} with the unconditional unpark of a claimed waiter ({@code
     * -Dbraid.channel.parkAnnounce=false}), the behaviour before ADR 0090, for an A/B in one run.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.parkAnnounce=false"
            })
    public long rendezvousBraidAlwaysUnpark() throws InterruptedException {
        return rendezvousBraid();
    }

    /**
     * {@link #rendezvousBraid} without the lock-free waiter slot ({@code
     * -Dbraid.channel.handOffSlot=false}): every rendezvous wait in the locked lists, the hand-off
     * before ADR 0112, for an A/B in one run.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.handOffSlot=false"
            })
    public long rendezvousBraidNoSlot() throws InterruptedException {
        return rendezvousBraid();
    }

    /**
     * {@link #rendezvousBraid} without the partner hint ({@code
     * -Dbraid.channel.partnerHint=false}): every wait spins before it yields, the wait before ADR
     * 0113, for an A/B in one run.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.partnerHint=false"
            })
    public long rendezvousBraidNoPartnerHint() throws InterruptedException {
        return rendezvousBraid();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    public long rendezvousJox() throws InterruptedException {
        return handoff(jox(com.softwaremill.jox.Channel.newRendezvousChannel()));
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    public long rendezvousSynchronousQueue() throws InterruptedException {
        return handoff(juc(new SynchronousQueue<>()));
    }

    /**
     * The perf suite's third rendezvous peer: an {@link Exchanger} pair, the producer giving the
     * element and taking null, the consumer the reverse (an exchange is a rendezvous both ways).
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    public long rendezvousExchanger() throws InterruptedException {
        Exchanger<Integer> ex = new Exchanger<>();
        return handoff(
                new Pipe() {
                    public void send(Integer x) throws InterruptedException {
                        ex.exchange(x);
                    }

                    public Integer recv() throws InterruptedException {
                        return ex.exchange(null);
                    }
                });
    }

    /**
     * Not a product, not a peer: the floor of a rendezvous hand-off on this machine. One volatile
     * word, both threads spinning: the sender stores its element and spins until the receiver has
     * cleared the word (so a send returns only once taken, as a rendezvous must), the receiver
     * spins until the word holds an element, takes it and clears it. About one cache-line round
     * trip per element, and nothing else: no close, timeout, interrupt, select, park or yield (it
     * burns both processors while it waits). A real hand-off's distance to this is its protocol.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    public long rendezvousFloor() throws InterruptedException {
        return handoff(new SpinSlot());
    }

    /** {@link #rendezvousFloor}'s word: one element in flight, null while none. */
    static final class SpinSlot implements Pipe {
        private volatile Integer item;

        @Override
        public void send(Integer x) {
            item = x; // the previous send returned only once its element was taken: empty here
            while (item != null) {
                Thread.onSpinWait();
            }
        }

        @Override
        public Integer recv() {
            Integer x;
            while ((x = item) == null) {
                Thread.onSpinWait();
            }
            item = null;
            return x;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    public long buffered16Braid() throws InterruptedException {
        return handoff(braid(Channel.bounded(16)));
    }

    /** {@link #buffered16Braid} without the partner hint (ADR 0113), for an A/B in one run. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    @Fork(
            value = 1,
            jvmArgsAppend = {
                "-Xms2g",
                "-Xmx2g",
                "-XX:+AlwaysPreTouch",
                "-Dbraid.channel.partnerHint=false"
            })
    public long buffered16BraidNoPartnerHint() throws InterruptedException {
        return buffered16Braid();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    public long buffered16Jox() throws InterruptedException {
        return handoff(jox(com.softwaremill.jox.Channel.newBufferedChannel(16)));
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    public long buffered16Abq() throws InterruptedException {
        return handoff(juc(new ArrayBlockingQueue<>(16)));
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(HANDOFFS)
    public long buffered16Lbq() throws InterruptedException {
        return handoff(juc(new LinkedBlockingQueue<>(16)));
    }

    // ---- two-clause select, one thread (a ready element each time) ----

    /** Two channels for the select benchmarks. */
    @State(Scope.Thread)
    public static class Pair {
        final Channel<Integer> a = Channel.bounded(1);
        final Channel<Integer> b = Channel.bounded(1);
        final com.softwaremill.jox.Channel<Integer> ja =
                com.softwaremill.jox.Channel.newBufferedChannel(1);
        final com.softwaremill.jox.Channel<Integer> jb =
                com.softwaremill.jox.Channel.newBufferedChannel(1);
        final Select<Integer> select = Select.<Integer>fair().recv(a, x -> x).recv(b, x -> x);
        int turn;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int select2Braid(Pair p) throws InterruptedException {
        (((p.turn++) & 1) == 0 ? p.a : p.b).trySend(ONE);
        return p.select.run();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int select2Jox(Pair p) throws InterruptedException {
        (((p.turn++) & 1) == 0 ? p.ja : p.jb).send(ONE);
        return com.softwaremill.jox.Select.select(p.ja.receiveClause(), p.jb.receiveClause());
    }

    // ---- single-thread send + recv, for -prof gc (steady state allocates nothing) ----

    /** A bounded channel for the allocation check. */
    @State(Scope.Thread)
    public static class One {
        final Channel<Integer> ch = Channel.bounded(16);
        final ArrayBlockingQueue<Integer> abq = new ArrayBlockingQueue<>(16);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Integer sendRecvBraid(One o) throws InterruptedException {
        o.ch.send(ONE);
        return o.ch.recv();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Integer sendRecvAbq(One o) throws InterruptedException {
        o.abq.put(ONE);
        return o.abq.take();
    }

    // the non-blocking pair for -prof gc (ADR 0100): B/op says whether C2 scalar-replaced the
    // Received of tryRecv at this call site

    /** trySend then tryRecv: every tryRecv finds an element (only the Received branch runs). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean tryPairReceivedBraid(One o) {
        return o.ch.trySend(ONE).isSent() & o.ch.tryRecv().isReceived();
    }

    /**
     * trySend, then tryRecv twice: the second finds the channel empty, so both of tryRecv's
     * branches run at one call site and the Received merges with the shared Empty.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean tryPairEmptyTooBraid(One o) {
        boolean sent = o.ch.trySend(ONE).isSent();
        return sent & o.ch.tryRecv().isReceived() & !o.ch.tryRecv().isReceived();
    }

    /** The same on tryRecvOrNull, which returns the element itself. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean tryPairEmptyTooOrNullBraid(One o) {
        boolean sent = o.ch.trySend(ONE).isSent();
        return sent & o.ch.tryRecvOrNull() != null & o.ch.tryRecvOrNull() == null;
    }

    /** Keeps {@link RecvResult} in the imports used by the throughput groups' return values. */
    static boolean received(Object r) {
        return r instanceof RecvResult.Received<?>;
    }
}
