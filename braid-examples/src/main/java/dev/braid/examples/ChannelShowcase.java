package dev.braid.examples;

import dev.braid.channel.Channel;
import dev.braid.channel.Select;
import dev.braid.testkit.SimBody;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The showcase's channel step (issue 11 point 9): a pipeline through bounded channels, a select
 * with a timeout that also waits for a thread's end, and a planted channel bug for the testkit.
 */
public final class ChannelShowcase {
    private ChannelShowcase() {}

    /**
     * A producer feeds 1..n through a bounded channel to {@code workers} threads that square each
     * number into a second bounded channel; the caller sums the squares. Each close ends the next
     * stage: the producer closes {@code jobs}, the last worker's end closes {@code results}.
     *
     * @param n how many numbers
     * @param workers how many squaring threads
     * @return the sum of the squares of 1..n
     * @throws InterruptedException if interrupted
     */
    static long pipeline(int n, int workers) throws InterruptedException {
        Channel<Integer> jobs = Channel.<Integer>builder().name("jobs").bounded(4).build();
        Channel<Long> results = Channel.<Long>builder().name("results").bounded(4).build();
        JoinHandle<Void> producer =
                Threads.builder()
                        .name("producer")
                        .spawn(
                                () -> {
                                    for (int i = 1; i <= n; i++) {
                                        jobs.send(i); // blocks while 4 jobs wait: backpressure
                                    }
                                    jobs.close(); // done: workers drain what is left, then stop
                                    return null;
                                });
        List<JoinHandle<Void>> squarers = new ArrayList<>();
        for (int w = 1; w <= workers; w++) {
            squarers.add(
                    Threads.builder()
                            .name("squarer-" + w)
                            .spawn(
                                    () -> {
                                        for (Integer x : jobs) { // ends when closed and drained
                                            results.send((long) x * x);
                                        }
                                        return null;
                                    }));
        }
        JoinHandle<Void> closer =
                Threads.spawn(
                        () -> {
                            for (JoinHandle<Void> s : squarers) {
                                s.join();
                            }
                            results.close();
                            return null;
                        });
        long sum = 0;
        for (Long r : results) {
            sum += r;
        }
        producer.join();
        closer.join();
        return sum;
    }

    /**
     * One select over a reply channel, the end of a service thread and a timeout, run twice: first
     * nothing is ready and the timeout fires; then the service is let go and its end wins.
     *
     * @return what each of the two selects returned
     * @throws InterruptedException if interrupted
     */
    static List<String> selectWithTimeout() throws InterruptedException {
        Channel<String> replies = Channel.<String>builder().name("replies").rendezvous().build();
        Channel<String> go = Channel.bounded(1);
        JoinHandle<String> service =
                Threads.builder().name("service").spawn(() -> "answer after " + go.recv());
        List<String> out = new ArrayList<>();
        for (Duration limit : List.of(Duration.ofMillis(20), Duration.ofSeconds(30))) {
            out.add(
                    Select.<String>biased()
                            .recv(replies, r -> "reply " + r)
                            .joined(service, exit -> "service ended: " + exit.get())
                            .timeout(limit, () -> "timed out after " + limit.toMillis() + " ms")
                            .run());
            go.trySend("the go signal");
        }
        return out;
    }

    /**
     * The planted bug: two producers share a channel and each closes it when it is done, so the
     * slower one may send on a channel the faster one has already closed.
     */
    static final SimBody EARLY_CLOSE =
            () -> {
                Channel<Integer> events =
                        Channel.<Integer>builder().name("events").bounded(8).build();
                List<JoinHandle<Void>> producers = new ArrayList<>();
                for (int p = 1; p <= 2; p++) {
                    int id = p;
                    producers.add(
                            Threads.builder()
                                    .name("producer-" + p)
                                    .spawn(
                                            () -> {
                                                events.send(id);
                                                events.close(); // BUG: the other may not be done
                                                return null;
                                            }));
                }
                int received = 0;
                for (Integer e : events) {
                    received++;
                }
                for (JoinHandle<Void> p : producers) {
                    p.join(); // a producer whose send found the channel closed panicked
                }
                if (received != 2) {
                    throw new AssertionError("received " + received + " of 2 events");
                }
            };
}
