package dev.braid.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.channel.Channel;
import dev.braid.channel.ChannelFlow;
import dev.braid.channel.ChannelWaker;
import dev.braid.channel.Overflow;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import dev.braid.channel.SelectLoop;
import dev.braid.channel.SendResult;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Hostile-input cases of {@code dev.braid.channel} for {@link HostileInputTest}: negative capacity,
 * a null element, timeout, waker, cause or handler, a dropping policy on a rendezvous channel, a
 * select with no clause or a duplicated clause. After each, the channel is still open, empty and
 * without waiters.
 */
final class ChannelCases {
    /** Parameters that legitimately accept any value, with the reason. */
    static final Map<String, String> EXEMPT =
            Map.ofEntries(
                    Map.entry("Overflow.valueOf(String)", "javac-generated; the JDK checks it"),
                    Map.entry(
                            "ChannelClosedException.<init>(String, Throwable)",
                            "an exception: any message, the cause may be null"),
                    Map.entry(
                            "ChannelInterruptedException.<init>(InterruptedException)",
                            "an exception: the cause may be null"),
                    Map.entry("SendResult$Sent.equals(Object)", "equals accepts anything"),
                    Map.entry("SendResult$Full.equals(Object)", "equals accepts anything"),
                    Map.entry("SendResult$Closed.equals(Object)", "equals accepts anything"),
                    Map.entry("SendResult$TimedOut.equals(Object)", "equals accepts anything"),
                    Map.entry("RecvResult$Received.equals(Object)", "equals accepts anything"),
                    Map.entry("RecvResult$Empty.equals(Object)", "equals accepts anything"),
                    Map.entry("RecvResult$Closed.equals(Object)", "equals accepts anything"),
                    Map.entry("RecvResult$TimedOut.equals(Object)", "equals accepts anything"));

    private ChannelCases() {}

    static void add(AtomicCases.Sink sink) {
        Channel<Integer> ch = Channel.<Integer>builder().name("hostile").bounded(2).build();
        Runnable untouched =
                () -> {
                    assertThat(ch.isClosed()).isFalse();
                    assertThat(ch.len()).isZero();
                    assertThat(ch.blockedSenders()).isZero();
                    assertThat(ch.blockedReceivers()).isZero();
                };
        ChannelWaker noWaker = null;
        Duration noDuration = null;
        Deadline noDeadline = null;
        Sink s = new Sink(sink, untouched);

        s.iae("Channel.bounded(int)", "capacity", () -> Channel.bounded(-1));
        s.npe("Channel.bounded(int, Overflow)", "overflow", () -> Channel.bounded(1, null));
        s.iae(
                "Channel.bounded(int, Overflow)#negative",
                "capacity",
                () -> Channel.bounded(-3, Overflow.BLOCK));
        s.iae(
                "Channel.bounded(int, Overflow)#rendezvousDrop",
                "capacity",
                () -> Channel.bounded(0, Overflow.DROP_OLDEST));
        s.npe("Channel$Builder.name(String)", "name", () -> Channel.builder().name(null));
        s.iae("Channel$Builder.name(String)#blank", "name", () -> Channel.builder().name(" "));
        s.iae("Channel$Builder.bounded(int)", "capacity", () -> Channel.builder().bounded(-1));
        s.iae(
                "Channel$Builder.bounded(int)#max",
                "capacity",
                () -> Channel.builder().bounded(Integer.MAX_VALUE));
        s.npe(
                "Channel$Builder.bounded(int, Overflow)",
                "overflow",
                () -> Channel.builder().bounded(1, null));
        s.npe(
                "Channel$Builder.onUndelivered(Consumer)",
                "hook",
                () -> Channel.builder().onUndelivered(null));

        s.npe("Channel.send(Object)", "element", () -> ch.send(null));
        s.npe("Channel.send(Object, Duration)", "element", () -> ch.send(null, Duration.ZERO));
        s.npe("Channel.send(Object, Duration)#timeout", "timeout", () -> ch.send(1, noDuration));
        s.npe("Channel.send(Object, Deadline)", "element", () -> ch.send(null, Deadline.never()));
        s.npe("Channel.send(Object, Deadline)#deadline", "deadline", () -> ch.send(1, noDeadline));
        s.npe("Channel.trySend(Object)", "element", () -> ch.trySend(null));
        s.npe(
                "Channel.registerSend(Object, ChannelWaker)",
                "element",
                () -> ch.registerSend(null, () -> {}));
        s.npe(
                "Channel.registerSend(Object, ChannelWaker)#waker",
                "waker",
                () -> ch.registerSend(1, noWaker));
        s.npe("Channel.close(Throwable)", "cause", () -> ch.close(null));
        s.npe("Channel.cancel(Throwable)", "cause", () -> ch.cancel(null));
        s.npe("Channel.recv(Duration)", "timeout", () -> ch.recv(noDuration));
        s.npe("Channel.recv(Deadline)", "deadline", () -> ch.recv(noDeadline));
        s.npe("Channel.registerRecv(ChannelWaker)", "waker", () -> ch.registerRecv(null));
        s.npe("Channel.sender().send(Object)", "element", () -> ch.sender().trySend(null));

        s.npe("SendResult$Closed.<init>(Optional)", "cause", () -> new SendResult.Closed(null));
        s.npe("RecvResult$Closed.<init>(Optional)", "cause", () -> new RecvResult.Closed<>(null));
        s.npe("RecvResult$Received.<init>(Object)", "value", () -> new RecvResult.Received<>(null));
        s.iae(
                "RecvResult$Received.orElseThrow()",
                "no element",
                () -> new RecvResult.Empty<Integer>().orElseThrow(),
                java.util.NoSuchElementException.class);

        Function<Integer, String> noFn = null;
        Supplier<String> noSupplier = null;
        s.npe(
                "Select.recv(Receiver, Function)",
                "rx",
                () -> Select.<String>biased().recv(null, x -> "x"));
        s.npe(
                "Select.recv(Receiver, Function)#handler",
                "onValue",
                () -> Select.<String>biased().recv(ch, noFn));
        s.iae(
                "Select.recv(Receiver, Function)#duplicate",
                "rx",
                () -> Select.<String>fair().recv(ch, x -> "a").recv(ch.receiver(), x -> "b"));
        s.npe(
                "Select.recvOrClosed(Receiver, Function)",
                "rx",
                () -> Select.<String>biased().recvOrClosed(null, r -> "x"));
        s.npe(
                "Select.recvOrClosed(Receiver, Function)#handler",
                "handler",
                () -> Select.<String>biased().recvOrClosed(ch, null));
        s.npe(
                "Select.send(Sender, Object, Supplier)",
                "element",
                () -> Select.<String>biased().send(ch, null, () -> "x"));
        s.npe(
                "Select.send(Sender, Object, Supplier)#tx",
                "tx",
                () -> Select.<String>biased().send(null, 1, () -> "x"));
        s.npe(
                "Select.send(Sender, Object, Supplier)#handler",
                "onSent",
                () -> Select.<String>biased().send(ch, 1, noSupplier));
        s.iae(
                "Select.send(Sender, Object, Supplier)#duplicate",
                "tx",
                () ->
                        Select.<String>biased()
                                .send(ch, 1, () -> "a")
                                .send(ch.sender(), 2, () -> "b"));
        s.npe(
                "Select.cancelled(CancellationToken, Supplier)",
                "token",
                () -> Select.<String>biased().cancelled(null, () -> "x"));
        s.npe(
                "Select.cancelled(CancellationToken, Supplier)#handler",
                "onCancelled",
                () -> Select.<String>biased().cancelled(CancellationToken.none(), null));
        s.npe(
                "Select.timeout(Duration, Supplier)",
                "timeout",
                () -> Select.<String>biased().timeout(null, () -> "x"));
        s.iae(
                "Select.timeout(Duration, Supplier)#twice",
                "timeout",
                () ->
                        Select.<String>biased()
                                .timeout(Duration.ZERO, () -> "a")
                                .timeout(Duration.ZERO, () -> "b"));
        s.npe(
                "Select.deadline(Deadline, Supplier)",
                "deadline",
                () -> Select.<String>biased().deadline(null, () -> "x"));
        s.npe("Select.orElse(Supplier)", "onDefault", () -> Select.<String>biased().orElse(null));
        JoinHandle<Integer> finished = Threads.spawn(() -> 1);
        try {
            finished.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        s.npe(
                "Select.joined(JoinHandle, Function)",
                "handle",
                () -> Select.<String>biased().joined(null, e -> "x"));
        s.npe(
                "Select.joined(JoinHandle, Function)#handler",
                "onExit",
                () -> Select.<String>biased().joined(finished, null));
        s.iae(
                "Select.joined(JoinHandle, Function)#duplicate",
                "handle",
                () ->
                        Select.<String>biased()
                                .joined(finished, e -> "a")
                                .joined(finished, e -> "b"));
        s.iae(
                "Select.run()#noClauses",
                "no clauses",
                () -> Select.<String>fair().run(),
                IllegalStateException.class);

        Consumer<Integer> noConsumer = null;
        s.npe(
                "SelectLoop.recv(Receiver, Consumer)",
                "rx",
                () -> SelectLoop.fair().recv(null, x -> {}));
        s.npe(
                "SelectLoop.recv(Receiver, Consumer)#handler",
                "handler",
                () -> SelectLoop.fair().recv(ch, noConsumer));
        s.iae(
                "SelectLoop.recv(Receiver, Consumer)#duplicate",
                "rx",
                () -> SelectLoop.fair().recv(ch, x -> {}).recv(ch, x -> {}));
        s.npe("SelectLoop.onClosed(Runnable)", "action", () -> SelectLoop.fair().onClosed(null));
        s.npe(
                "SelectLoop.idle(Duration, Runnable)",
                "timeout",
                () -> SelectLoop.fair().idle(null, () -> {}));
        s.npe(
                "SelectLoop.stopOn(CancellationToken)",
                "token",
                () -> SelectLoop.fair().stopOn(null));
        s.iae(
                "SelectLoop.idle(Duration, Runnable)#zero",
                "timeout",
                () -> SelectLoop.fair().idle(Duration.ZERO, () -> {}));
        s.npe(
                "SelectLoop.idle(Duration, Runnable)#action",
                "action",
                () -> SelectLoop.fair().idle(Duration.ofSeconds(1), null));
        s.iae(
                "SelectLoop.stopOn(CancellationToken)#twice",
                "token",
                () ->
                        SelectLoop.fair()
                                .stopOn(CancellationToken.none())
                                .stopOn(CancellationToken.none()));
        s.iae(
                "SelectLoop.run()#noClauses",
                "no receive clause",
                () -> SelectLoop.biased().run(),
                IllegalStateException.class);
        java.util.concurrent.BlockingQueue<Integer> q = ch.asBlockingQueue();
        s.npe("Channel.asBlockingQueue().offer(Object)", "element", () -> q.offer(null));
        s.npe("Channel.asBlockingQueue().add(Object)", "element", () -> q.add(null));
        s.npe("Channel.asBlockingQueue().put(Object)", "element", () -> q.put(null));
        s.npe(
                "Channel.asBlockingQueue().offer(Object, long, TimeUnit)",
                "element",
                () -> q.offer(null, 1, java.util.concurrent.TimeUnit.SECONDS));
        s.npe(
                "Channel.asBlockingQueue().offer(Object, long, TimeUnit)#unit",
                "unit",
                () -> q.offer(1, 1, null));
        s.npe("Channel.asBlockingQueue().poll(long, TimeUnit)", "unit", () -> q.poll(1, null));
        s.npe("Channel.asBlockingQueue().drainTo(Collection)", "c", () -> q.drainTo(null));
        s.iae("Channel.asBlockingQueue().drainTo(Collection)#self", "c", () -> q.drainTo(q));
        s.npe("Channel.asBlockingQueue().toArray(Object[])", "a", () -> q.toArray((Object[]) null));
        s.npe("ChannelFlow.publisher(Receiver)", "rx", () -> ChannelFlow.publisher(null));
        s.npe(
                "ChannelFlow.publisher(Receiver).subscribe(Subscriber)",
                "subscriber",
                () -> ChannelFlow.publisher(ch).subscribe(null));
        s.npe("ChannelFlow.subscriber(Sender, int)", "tx", () -> ChannelFlow.subscriber(null, 1));
        s.iae(
                "ChannelFlow.subscriber(Sender, int)#zero",
                "batch",
                () -> ChannelFlow.subscriber(ch, 0));
        s.iae(
                "ChannelFlow.subscriber(Sender, int)#negative",
                "batch",
                () -> ChannelFlow.subscriber(ch, -4));
        java.util.concurrent.Flow.Subscriber<Integer> sub = ChannelFlow.subscriber(ch, 1);
        s.npe(
                "ChannelFlow.subscriber(Sender, int).onSubscribe(Subscription)",
                "subscription",
                () -> sub.onSubscribe(null));
        s.npe("ChannelFlow.subscriber(Sender, int).onNext(Object)", "item", () -> sub.onNext(null));
        s.npe(
                "ChannelFlow.subscriber(Sender, int).onError(Throwable)",
                "cause",
                () -> sub.onError(null));
        assertThat(Optional.of(ch.toString())).get().asString().contains("hostile");
    }

    private record Sink(AtomicCases.Sink sink, Runnable untouched) {
        void npe(
                String sig,
                String arg,
                org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
            sink.put(sig, call, NullPointerException.class, arg, untouched);
        }

        void iae(
                String sig,
                String arg,
                org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
            sink.put(sig, call, IllegalArgumentException.class, arg, untouched);
        }

        void iae(
                String sig,
                String arg,
                org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
                Class<? extends Throwable> type) {
            sink.put(sig, call, type, arg, untouched);
        }
    }
}
