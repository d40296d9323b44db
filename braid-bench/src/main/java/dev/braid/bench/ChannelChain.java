package dev.braid.bench;

import dev.braid.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A chain of {@value #LINKS} virtual threads (issue 11's "chain of 1,000 virtual threads ≤ 0.8×
 * jox", docs/perf/channels.md): thread {@code i} receives from channel {@code i} and sends to
 * channel {@code i + 1}. Each invocation pushes {@value #ELEMENTS} elements in at the head (a
 * virtual producer) and takes them out at the tail (the benchmark thread); the score is the time of
 * one element crossing one link (ns per hop), for rendezvous and buffered(16) channels, braid
 * against jox 1.0.1 on the same shape.
 */
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ChannelChain {
    static final int LINKS = 1_000;
    static final int ELEMENTS = 1_000;
    static final Integer ONE = 1;

    /**
     * Which channels: braid's or jox's; {@code braidVirtualSpins} is braid with {@code
     * -Dbraid.channel.virtualSpins=true} (virtual threads spin before they yield and park, as
     * before ADR 0083), {@code braidAlwaysUnpark} braid with {@code
     * -Dbraid.channel.parkAnnounce=false} (every completed waiter unparked, as before ADR 0090),
     * {@code braidNoSlot} braid with {@code -Dbraid.channel.handOffSlot=false} (rendezvous waits in
     * the locked lists only, as before ADR 0112), {@code braidNoVirtualHint} braid with {@code
     * -Dbraid.channel.virtualHint=false} (virtual threads yield before every park, as before ADR
     * 0122), {@code braidNoRingWaiter} braid with {@code -Dbraid.channel.ringWaiter=false} (a lone
     * blocked receiver of a buffered channel queues under the lock, as before ADR 0144), {@code
     * braidTwoBudgets} braid with {@code -Dbraid.channel.oneBudget=false} (a virtual thread's
     * queued wait yields again after its lock-free retries did, as before ADR 0156), each set in
     * this fork before the channel classes load.
     */
    @Param({
        "braid",
        "jox",
        "braidVirtualSpins",
        "braidAlwaysUnpark",
        "braidNoSlot",
        "braidNoVirtualHint",
        "braidNoRingWaiter",
        "braidTwoBudgets"
    })
    public String impl;

    /** Capacity of every link: 0 (rendezvous) or 16 (buffered). */
    @Param({"0", "16"})
    public int capacity;

    /** One channel of the chain, whichever library it comes from. */
    interface Link {
        void send(Integer x) throws InterruptedException;

        Integer recv() throws InterruptedException;
    }

    private Link[] links; // LINKS + 1 channels: head .. tail
    private final List<Thread> stages = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() {
        if ("braidVirtualSpins".equals(impl)) {
            System.setProperty("braid.channel.virtualSpins", "true");
        }
        if ("braidAlwaysUnpark".equals(impl)) {
            System.setProperty("braid.channel.parkAnnounce", "false");
        }
        if ("braidNoSlot".equals(impl)) {
            System.setProperty("braid.channel.handOffSlot", "false"); // before ADR 0112
        }
        if ("braidNoVirtualHint".equals(impl)) {
            System.setProperty("braid.channel.virtualHint", "false"); // before ADR 0122
        }
        if ("braidNoRingWaiter".equals(impl)) {
            System.setProperty("braid.channel.ringWaiter", "false"); // before ADR 0144
        }
        if ("braidTwoBudgets".equals(impl)) {
            System.setProperty("braid.channel.oneBudget", "false"); // before ADR 0156
        }
        links = new Link[LINKS + 1];
        for (int i = 0; i <= LINKS; i++) {
            links[i] = impl.startsWith("braid") ? braid(capacity) : jox(capacity);
        }
        for (int i = 0; i < LINKS; i++) {
            Link in = links[i];
            Link out = links[i + 1];
            stages.add(
                    Thread.ofVirtual()
                            .name("stage-" + i)
                            .start(
                                    () -> {
                                        try {
                                            while (true) {
                                                out.send(in.recv());
                                            }
                                        } catch (InterruptedException e) {
                                            // torn down
                                        }
                                    }));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        for (Thread t : stages) {
            t.interrupt();
        }
        for (Thread t : stages) {
            t.join();
        }
        stages.clear();
    }

    private static Link braid(int capacity) {
        Channel<Integer> ch = capacity == 0 ? Channel.rendezvous() : Channel.bounded(capacity);
        return new Link() {
            public void send(Integer x) throws InterruptedException {
                ch.send(x);
            }

            public Integer recv() throws InterruptedException {
                return ch.recv();
            }
        };
    }

    private static Link jox(int capacity) {
        com.softwaremill.jox.Channel<Integer> ch =
                capacity == 0
                        ? com.softwaremill.jox.Channel.newRendezvousChannel()
                        : com.softwaremill.jox.Channel.newBufferedChannel(capacity);
        return new Link() {
            public void send(Integer x) throws InterruptedException {
                ch.send(x);
            }

            public Integer recv() throws InterruptedException {
                return ch.receive();
            }
        };
    }

    /** Sends {@value #ELEMENTS} elements through all {@value #LINKS} links. */
    @Benchmark
    @OperationsPerInvocation(ELEMENTS * LINKS)
    public long chain() throws InterruptedException {
        Link head = links[0];
        Thread producer =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        for (int i = 0; i < ELEMENTS; i++) {
                                            head.send(ONE);
                                        }
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                });
        Link tail = links[LINKS];
        long sum = 0;
        for (int i = 0; i < ELEMENTS; i++) {
            sum += tail.recv();
        }
        producer.join();
        return sum;
    }
}
