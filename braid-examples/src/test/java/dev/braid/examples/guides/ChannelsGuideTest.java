package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.channel.Channel;
import dev.braid.channel.ChannelClosedException;
import dev.braid.channel.ChannelFlow;
import dev.braid.channel.RecvRegistration;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import dev.braid.channel.SelectLoop;
import dev.braid.channel.SendResult;
import dev.braid.channel.Sender;
import dev.braid.thread.Exit;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The examples of {@code docs/channels.md}, compiled and run: each test holds one snippet as the
 * guide shows it (placeholders such as {@code Job} and {@code run} are small local stand-ins) and
 * checks what the guide's text says about it.
 */
@SuppressWarnings("try") // the upstream is closed early, as the guide says
class ChannelsGuideTest {
    record Job(int id) {}

    private final List<Job> ran = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();

    private void run(Job j) {
        ran.add(j);
    }

    private void shutDown(java.util.Optional<Throwable> cause) {
        events.add("closed " + cause.isPresent());
    }

    private void heartbeat() {
        events.add("heartbeat");
    }

    @Test
    void theOpeningExample() throws Exception {
        List<Job> work = List.of(new Job(1), new Job(2), new Job(3));
        // --- docs/channels.md, opening example
        Channel<Job> jobs = Channel.<Job>builder().name("jobs").bounded(16).build();
        JoinHandle<Void> consumer =
                Threads.spawn(
                        () -> {
                            for (Job j : jobs) { // ends when closed and drained
                                run(j);
                            }
                        });
        for (Job j : work) jobs.send(j); // producer
        jobs.close();
        // ---
        consumer.join();
        assertThat(ran).containsExactlyElementsOf(work);
        assertThat(jobs.toString()).startsWith("Channel[jobs, capacity 16");
    }

    @Test
    void resultsAreSealed() throws Exception {
        Channel<Job> jobs = Channel.bounded(4);
        jobs.send(new Job(7));
        for (int round = 0; round < 3; round++) {
            if (round == 2) {
                jobs.close(new IllegalStateException("done"));
            }
            // --- docs/channels.md, "Operations and results"
            switch (jobs.recv(Duration.ofMillis(round == 1 ? 10 : 1000))) {
                case RecvResult.Received<Job> r -> run(r.value());
                case RecvResult.Closed<Job> c -> shutDown(c.cause());
                case RecvResult.TimedOut<Job> t -> heartbeat();
                case RecvResult.Empty<Job> e ->
                        throw new AssertionError("only tryRecv reports empty");
            }
            // ---
        }
        assertThat(ran).containsExactly(new Job(7));
        assertThat(events).containsExactly("heartbeat", "closed true");
        assertThat(jobs.tryRecv()).isInstanceOf(RecvResult.Closed.class);
    }

    @Test
    void theTableOfOperations() throws Exception {
        Channel<Integer> ch = Channel.bounded(1);
        assertThat(ch.trySend(1)).isInstanceOf(SendResult.Sent.class);
        assertThat(ch.trySend(2)).isInstanceOf(SendResult.Full.class);
        assertThat(ch.send(2, Duration.ZERO))
                .as("<= 0: do not wait")
                .isInstanceOf(SendResult.TimedOut.class);
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(1));
        assertThat(ch.tryRecv()).isInstanceOf(RecvResult.Empty.class);
        assertThatThrownBy(() -> ch.send(null)).isInstanceOf(NullPointerException.class);
        assertThat(ch.sender()).isNotInstanceOf(Channel.class);
        assertThat(ch.receiver()).isNotInstanceOf(Channel.class);
        assertThat(ch.close()).isTrue();
        assertThat(ch.close()).as("idempotent, says so").isFalse();
        assertThatThrownBy(() -> ch.send(3)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(ch::recv).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void aPollingConsumerWithoutResultObjects() throws Exception {
        Channel<Job> jobs = Channel.bounded(4);
        Thread producer =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    for (int i = 1; i <= 50; i++) {
                                        try {
                                            jobs.send(new Job(i));
                                        } catch (InterruptedException e) {
                                            return;
                                        }
                                    }
                                    jobs.close();
                                });
        // --- docs/channels.md, "Allocation" (a hot polling consumer)
        while (true) {
            Job j = jobs.tryRecvOrNull(); // no result object
            if (j != null) {
                run(j);
            } else if (jobs.isClosed()) {
                j = jobs.tryRecvOrNull(); // an element sent before the close may have arrived since
                if (j == null) {
                    break; // closed and drained
                }
                run(j);
            } else {
                Thread.onSpinWait();
            }
        }
        producer.join();
        assertThat(ran).hasSize(50).first().isEqualTo(new Job(1));
        assertThat(ran).last().isEqualTo(new Job(50));
    }

    @Test
    void closeAndCancel() throws Exception {
        List<Integer> undelivered = new ArrayList<>();
        Channel<Integer> ch =
                Channel.<Integer>builder().bounded(4).onUndelivered(undelivered::add).build();
        ch.send(1);
        ch.send(2);
        ch.close();
        assertThat(ch.recv()).as("buffered elements are still received").isEqualTo(1);
        assertThat(ch.cancel()).as("cancel after close: not the call that closed it").isFalse();
        assertThat(undelivered)
                .as("cancel after close still discards the buffer")
                .containsExactly(2);
        assertThat(ch.tryRecv()).isInstanceOf(RecvResult.Closed.class);
    }

    @Test
    void select() throws Exception {
        Channel<Job> jobs = Channel.bounded(1);
        Channel<String> results = Channel.bounded(1);
        CancellationSource src = new CancellationSource();
        CancellationToken shutdown = src.token();
        String result = "r";
        jobs.send(new Job(1));
        // --- docs/channels.md, "Select"
        String what =
                Select.<String>fair()
                        .recv(jobs, job -> "job " + job)
                        .send(results, result, () -> "sent a result")
                        .cancelled(shutdown, () -> "shutting down")
                        .timeout(Duration.ofSeconds(1), () -> "idle")
                        .run();
        // ---
        assertThat(what).isIn("job " + new Job(1), "sent a result");
        int taken = what.startsWith("job") ? 1 : 0;
        assertThat(jobs.len()).as("a losing clause took nothing").isEqualTo(1 - taken);
        assertThat(results.len()).as("a losing clause sent nothing").isEqualTo(1 - taken);
    }

    @Test
    void selectLoop() throws Exception {
        Channel<Job> jobs = Channel.bounded(4);
        Channel<String> control = Channel.bounded(4);
        CancellationSource src = new CancellationSource();
        CancellationToken shutdown = src.token();
        jobs.send(new Job(1));
        control.send("reload");
        List<String> applied = new CopyOnWriteArrayList<>();
        JoinHandle<Void> loop =
                Threads.spawn(
                        () -> {
                            // --- docs/channels.md, "Select" (the loop)
                            SelectLoop.fair()
                                    .recv(jobs, this::run)
                                    .recv(control, applied::add)
                                    .idle(Duration.ofSeconds(1), this::heartbeat)
                                    .stopOn(shutdown)
                                    .run();
                            // ---
                            return null;
                        });
        while (!(ran.size() == 1 && applied.size() == 1)) {
            Thread.sleep(1);
        }
        src.cancel("stop");
        loop.join();
        assertThat(ran).containsExactly(new Job(1));
        assertThat(applied).containsExactly("reload");
    }

    @Test
    void waitingForAThreadInASelect() throws Exception {
        Channel<String> results = Channel.bounded(1);
        CancellationToken shutdown = new CancellationSource().token();
        JoinHandle<Integer> worker = Threads.spawn(() -> 6 * 7);
        worker.join();
        // --- docs/channels.md, "Waiting for a thread in a select"
        String what =
                Select.<String>biased()
                        .recv(results, r -> "result " + r)
                        .joined(
                                worker,
                                exit ->
                                        switch (exit) {
                                            case Exit.Returned<Integer> v ->
                                                    "worker returned " + v.value();
                                            case Exit.Panicked<Integer> p ->
                                                    "worker failed: " + p.cause();
                                            case Exit.Cancelled<Integer> c -> "worker stopped";
                                        })
                        .cancelled(shutdown, () -> "shutting down")
                        .timeout(Duration.ofSeconds(1), () -> "idle")
                        .run();
        // ---
        assertThat(what).isEqualTo("worker returned 42");
        assertThat(worker.tryJoin()).as("a join clause consumes nothing").isPresent();
    }

    @Test
    void nonBlockingUse() throws Exception {
        Channel<Job> jobs = Channel.bounded(1);
        ConcurrentLinkedQueue<Runnable> loopQueue = new ConcurrentLinkedQueue<>();
        boolean readyAtOnce = false;
        // --- docs/channels.md, "Non-blocking use"
        RecvResult<Job> r = jobs.tryRecv();
        if (r instanceof RecvResult.Empty<Job>) {
            RecvRegistration reg = jobs.registerRecv(() -> loopQueue.add(() -> {}));
            if (reg.isReady()) {
                /* became ready while registering: poll again now */
                readyAtOnce = true;
            }
        }
        // ---
        assertThat(readyAtOnce).isFalse();
        assertThat(loopQueue).isEmpty();
        jobs.send(new Job(1));
        assertThat(loopQueue).as("the waker ran once the channel could serve").hasSize(1);
        assertThat(jobs.tryRecv())
                .as("a registration takes no element")
                .isEqualTo(new RecvResult.Received<>(new Job(1)));
    }

    @Test
    void blockingQueueView() throws Exception {
        Channel<Integer> ch = Channel.bounded(2);
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        assertThat(q.offer(1)).isTrue();
        assertThat(q.offer(2, 0, TimeUnit.SECONDS)).isTrue();
        assertThat(q.offer(3, -1, TimeUnit.SECONDS)).as("t <= 0: do not wait").isFalse();
        assertThat(q.remainingCapacity()).isZero();
        assertThat(q.peek()).isEqualTo(1);
        ch.close();
        assertThat(q.offer(4)).isFalse();
        assertThatThrownBy(() -> q.add(4)).isInstanceOf(ChannelClosedException.class);
        assertThat(q.poll()).as("buffered elements first").isEqualTo(1);
        assertThat(q.take()).isEqualTo(2);
        assertThat(q.poll()).as("then null").isNull();
        assertThatThrownBy(q::take).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void flowAdapters() throws Exception {
        List<Job> got = new CopyOnWriteArrayList<>();
        CountDownLatch completed = new CountDownLatch(1);
        Flow.Subscriber<Job> downstream =
                new Flow.Subscriber<>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(Job item) {
                        got.add(item);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onComplete() {
                        completed.countDown();
                    }
                };
        try (SubmissionPublisher<Job> upstream = new SubmissionPublisher<>()) {
            // --- docs/channels.md, "Views: BlockingQueue and Flow"
            Channel<Job> jobs = Channel.bounded(16);
            upstream.subscribe(
                    ChannelFlow.subscriber(jobs, 16)); // backpressure: at most 16 outside
            ChannelFlow.publisher(jobs)
                    .subscribe(downstream); // delivered on a braid virtual thread
            // ---
            for (int i = 0; i < 40; i++) {
                upstream.submit(new Job(i));
            }
            upstream.close(); // onComplete closes the channel once the held elements are sent
            assertThat(completed.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(got).hasSize(40).first().isEqualTo(new Job(0));
            assertThat(jobs.isClosed()).isTrue();
        }
    }

    @Test
    void theReadmeLines() throws Exception {
        Job job = new Job(5);
        // --- README.md, "A taste" (channel lines)
        Channel<Job> jobs = Channel.bounded(16); // send blocks while 16 are buffered
        jobs.send(job); // close(): receivers drain, then see Closed
        jobs.close();
        for (Job j : jobs) run(j); // ends when closed and drained
        // ---
        assertThat(ran).containsExactly(job);
        Sender<Job> tx = jobs.sender();
        assertThat(tx.trySend(job)).isInstanceOf(SendResult.Closed.class);
    }
}
