package dev.braid.bench.async;

import dev.braid.async.Async;
import dev.braid.async.AsyncChannels;
import dev.braid.async.Context;
import dev.braid.async.Poll;
import dev.braid.async.TaskHandle;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.channel.SendResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A ping-pong between two parties over two one-slot channels (issue 13): two braid tasks over braid
 * channels ({@link AsyncChannels}, on each {@link BraidExecutor}) against two virtual threads over
 * jox channels. Time per round trip (a send and a receive each way).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@OperationsPerInvocation(ChannelPingPong.ROUNDS)
public class ChannelPingPong {
    static final int ROUNDS = 10_000;

    /**
     * One side of the exchange as a task: {@code first} sends then receives, the other receives
     * then sends (the value it received), {@code ROUNDS} times.
     */
    static final class Side implements Async<Integer> {
        private final Channel<Integer> out;
        private final Channel<Integer> in;
        private final boolean first;
        private int round;
        private int last;
        private Async<SendResult> sending;
        private Async<RecvResult<Integer>> receiving;

        Side(Channel<Integer> out, Channel<Integer> in, boolean first) {
            this.out = out;
            this.in = in;
            this.first = first;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            while (true) {
                if (sending == null && receiving == null) {
                    if (round == ROUNDS) {
                        return Poll.ready(last);
                    }
                    if (first) {
                        sending = AsyncChannels.send(out, round);
                    } else {
                        receiving = AsyncChannels.recv(in);
                    }
                }
                if (sending != null) {
                    if (!sending.poll(cx).isReady()) {
                        return Poll.pending();
                    }
                    sending = null;
                    if (first) {
                        receiving = AsyncChannels.recv(in);
                    } else {
                        round++;
                        continue;
                    }
                }
                Poll<RecvResult<Integer>> r = receiving.poll(cx);
                if (!(r instanceof Poll.Ready<RecvResult<Integer>>(RecvResult<Integer> got))) {
                    return Poll.pending();
                }
                receiving = null;
                if (!(got instanceof RecvResult.Received<Integer>(Integer x))) {
                    throw new IllegalStateException("channel closed mid-exchange: " + got);
                }
                last = x;
                if (first) {
                    round++;
                } else {
                    sending = AsyncChannels.send(out, x);
                }
            }
        }
    }

    @Benchmark
    public int braidTasksBraidChannels(BraidExecutor b) throws InterruptedException {
        Channel<Integer> ping = Channel.bounded(1);
        Channel<Integer> pong = Channel.bounded(1);
        TaskHandle<Integer> other = b.ex.spawn(new Side(pong, ping, false));
        int r = b.ex.spawn(new Side(ping, pong, true)).join();
        other.join();
        return r;
    }

    @Benchmark
    public int virtualThreadsJox() throws InterruptedException {
        com.softwaremill.jox.Channel<Integer> ping =
                com.softwaremill.jox.Channel.newBufferedChannel(1);
        com.softwaremill.jox.Channel<Integer> pong =
                com.softwaremill.jox.Channel.newBufferedChannel(1);
        int[] last = new int[1];
        Thread other =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        for (int i = 0; i < ROUNDS; i++) {
                                            pong.send(ping.receive());
                                        }
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                });
        Thread first =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        for (int i = 0; i < ROUNDS; i++) {
                                            ping.send(i);
                                            last[0] = pong.receive();
                                        }
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                });
        first.join();
        other.join();
        return last[0];
    }
}
