package dev.braid.bench;

import dev.braid.channel.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.MpmcArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The perf suite's {@code ChannelBurstCost}: the benchmark thread sends a burst of {@link #burst}
 * elements to a consumer running on its own platform thread and waits until the consumer has taken
 * the last one; the score is the time of one burst, hand-over and drain included (the shape of
 * JCTools' {@code QueueBurstCost}, written here). Targets: ≤ 1.2× JCTools {@code MpmcArrayQueue}, ≤
 * 0.5× {@code ArrayBlockingQueue}.
 *
 * <p>Two consumer styles. {@code braid}, {@code mpmc} and {@code abq} spin on the non-blocking poll
 * ({@code tryRecv} / {@code poll}), as JCTools' consumer does: the producer never has to wake
 * anyone, so this is the cost of the queue itself. {@code braidBlocking} and {@code abqBlocking}
 * take with the blocking call ({@code recv} / {@code take}): the consumer parks between bursts and
 * the first element of each burst must wake it, which is what a channel's user normally writes.
 * Compare each style with its own kind.
 *
 * <p>{@code braidOrNull} is {@code braid} with the consumer on {@code tryRecvOrNull} (no result
 * object: the shape of {@code mpmc.poll() != null}); {@code braid}'s {@code tryRecv} allocates its
 * 16-byte {@code Received} per element in this loop ({@code -prof gc}).
 *
 * <p>{@code braidTailFirst} is {@code braid} with {@code -Dbraid.channel.pollTrail=false} (the poll
 * of ADR 0074, before ADR 0082), set in this fork before the channel class loads: the before and
 * after of ADR 0082 in one JMH run. {@code braidMissPause} is {@code braid} with {@code
 * -Dbraid.channel.missPause=8} (ADR 0092's experiment), set the same way.
 */
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Threads(1)
public class ChannelBurst {
    private static final Integer ONE = 1;

    /** Which queue, and how its consumer takes. */
    @Param({
        "braid",
        "mpmc",
        "abq",
        "braidBlocking",
        "abqBlocking",
        "braidTailFirst",
        "braidOrNull",
        "braidMissPause",
        "braidOrNullMissPause"
    })
    public String impl;

    /** Elements per burst (the suite's 100). */
    @Param("100")
    public int burst;

    private Channel<Integer> channel;
    private MpmcArrayQueue<Integer> mpmc;
    private ArrayBlockingQueue<Integer> abq;
    private int kind; // 0 braid, 1 mpmc, 2 abq: the producer's offer, chosen outside the loop

    /** Elements taken by the consumer so far (release-stored by it, read by the producer). */
    private final AtomicLong taken = new AtomicLong();

    private long sent;
    private volatile boolean stop;
    private Thread consumer;

    /** Creates the queue and starts the consumer. */
    @Setup(Level.Trial)
    public void start() {
        if (burst < 1 || burst > 1024) {
            throw new IllegalArgumentException(
                    "burst must be in 1..1024 (capacity 1024): " + burst);
        }
        Runnable loop;
        if (impl.equals("braidTailFirst")) { // before ADR 0082, read when SlotRing is initialised
            System.setProperty("braid.channel.pollTrail", "false");
        }
        if (impl.startsWith("braid") && impl.endsWith("MissPause")) { // ADR 0092, read the same way
            System.setProperty("braid.channel.missPause", "8");
        }
        switch (impl) {
            case "braid",
                    "braidBlocking",
                    "braidTailFirst",
                    "braidOrNull",
                    "braidMissPause",
                    "braidOrNullMissPause" -> {
                channel = Channel.bounded(1024);
                kind = 0;
                loop =
                        switch (impl) {
                            case "braidBlocking" -> this::braidBlocking;
                            case "braidOrNull", "braidOrNullMissPause" ->
                                    () -> spin(() -> channel.tryRecvOrNull() != null);
                            default -> () -> spin(() -> channel.tryRecv().isReceived());
                        };
            }
            case "mpmc" -> {
                mpmc = new MpmcArrayQueue<>(1024);
                kind = 1;
                loop = () -> spin(() -> mpmc.poll() != null);
            }
            case "abq", "abqBlocking" -> {
                abq = new ArrayBlockingQueue<>(1024);
                kind = 2;
                loop =
                        impl.equals("abq")
                                ? () -> spin(() -> abq.poll() != null)
                                : this::abqBlocking;
            }
            default -> throw new IllegalArgumentException("impl: unknown " + impl);
        }
        consumer = new Thread(loop, "burst-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    /** Stops the consumer and waits for it. */
    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        stop = true;
        if (channel != null) {
            channel.close();
        }
        consumer.interrupt();
        consumer.join(10_000);
        if (consumer.isAlive()) {
            throw new IllegalStateException("the consumer did not stop within 10 s");
        }
    }

    /** One burst: send {@link #burst} elements, then wait until the consumer took the last one. */
    @Benchmark
    public long burst() {
        switch (kind) {
            case 0 -> {
                for (int i = 0; i < burst; i++) {
                    while (!channel.trySend(ONE).isSent()) {
                        Thread.onSpinWait();
                    }
                }
            }
            case 1 -> {
                for (int i = 0; i < burst; i++) {
                    while (!mpmc.offer(ONE)) {
                        Thread.onSpinWait();
                    }
                }
            }
            default -> {
                for (int i = 0; i < burst; i++) {
                    while (!abq.offer(ONE)) {
                        Thread.onSpinWait();
                    }
                }
            }
        }
        long target = sent += burst;
        while (taken.get() < target) {
            Thread.onSpinWait();
        }
        return target;
    }

    /** The spinning consumer: {@code took} is one non-blocking poll, true if it took an element. */
    private void spin(java.util.function.BooleanSupplier took) {
        long n = 0;
        while (!stop) {
            if (took.getAsBoolean()) {
                taken.lazySet(++n);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void braidBlocking() {
        long n = 0;
        while (true) {
            try {
                channel.recv();
            } catch (InterruptedException | RuntimeException e) {
                return; // interrupted or closed at tear-down
            }
            taken.lazySet(++n);
        }
    }

    private void abqBlocking() {
        long n = 0;
        while (true) {
            try {
                abq.take();
            } catch (InterruptedException e) {
                return;
            }
            taken.lazySet(++n);
        }
    }
}
