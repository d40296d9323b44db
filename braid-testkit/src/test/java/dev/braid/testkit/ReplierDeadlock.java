package dev.braid.testkit;

import dev.braid.async.AsyncChannels;
import dev.braid.async.TaskHandle;
import dev.braid.async.ThreadedExecutor;
import dev.braid.channel.Channel;
import dev.braid.sync.Mutex;
import dev.braid.thread.Threads;

/**
 * The program of the tests of a deadlock through a thread's join of a task: main holds mutex 'm'
 * and joins a task of a one-worker {@link ThreadedExecutor}; task 'client' awaits two replies on
 * channel 'replies'; thread 'replier' sends the first, then takes 'm' before it sends the second.
 * So main waits for the task, the task for the channel, the replier for main: one cycle, which the
 * report must show through the join.
 */
final class ReplierDeadlock {
    private ReplierDeadlock() {}

    /** Picks the task main joins, once 'client' is spawned: client itself, or one awaiting it. */
    @FunctionalInterface
    interface Joined {
        TaskHandle<Integer> pick(ThreadedExecutor ex, TaskHandle<Integer> client);
    }

    static void run(Joined joined) throws Exception {
        Mutex<Integer> m = Mutex.named("m", 0);
        Channel<Integer> replies = Channel.<Integer>builder().name("replies").bounded(4).build();
        ThreadedExecutor ex = ThreadedExecutor.create("exec", 1);
        try (var g = m.lock()) {
            Threads.builder()
                    .name("replier")
                    .spawn(
                            () -> {
                                replies.send(1);
                                m.withLock(v -> v); // waits for main, which waits for the task
                                replies.send(2);
                                return null;
                            });
            TaskHandle<Integer> client =
                    ex.spawn(
                            "client",
                            AsyncChannels.recv(replies)
                                    .then(
                                            a ->
                                                    AsyncChannels.recv(replies)
                                                            .map(
                                                                    b ->
                                                                            a.orElseThrow()
                                                                                    + b
                                                                                            .orElseThrow())));
            g.set(joined.pick(ex, client).join());
        }
        ex.close();
    }
}
