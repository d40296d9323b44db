package dev.braid.examples;

import dev.braid.async.Async;
import dev.braid.async.AsyncChannels;
import dev.braid.async.Context;
import dev.braid.async.LocalExecutor;
import dev.braid.async.Poll;
import dev.braid.async.ThreadedExecutor;
import dev.braid.async.Timed;
import dev.braid.async.Waker;
import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.AtomicRef;
import dev.braid.atomic.Ordering;
import dev.braid.channel.Channel;
import dev.braid.channel.SendResult;
import dev.braid.testkit.SimBody;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The showcase's async step (issue 13 point 9): a small crawler in which async tasks fetch pages
 * under a timeout and report over a channel that a plain thread reads, and a lost wake-up in a
 * hand-written future that the testkit finds and replays.
 */
public final class AsyncShowcase {
    private AsyncShowcase() {}

    /** A page of the little in-memory web the crawler walks: its links, and its fetch time. */
    record Page(List<String> links, Duration latency) {}

    /**
     * The web: every link leads to a page here; {@code /slow} takes far longer than any timeout.
     */
    static final Map<String, Page> WEB =
            Map.of(
                    "/", new Page(List.of("/docs", "/blog", "/about"), Duration.ofMillis(5)),
                    "/docs",
                            new Page(
                                    List.of("/docs/channels", "/docs/pool", "/"),
                                    Duration.ofMillis(20)),
                    "/docs/channels", new Page(List.of("/docs/pool"), Duration.ofMillis(10)),
                    "/docs/pool", new Page(List.of(), Duration.ofMillis(15)),
                    "/blog", new Page(List.of("/blog/2026", "/slow"), Duration.ofMillis(10)),
                    "/blog/2026", new Page(List.of("/about"), Duration.ofMillis(25)),
                    "/about", new Page(List.of(), Duration.ofMillis(5)),
                    "/slow", new Page(List.of("/never-reached"), Duration.ofSeconds(30)));

    /** What one fetch task reports over the channel. */
    record Fetched(String url, List<String> links, boolean timedOut) {}

    /**
     * Fetching a page: a future that is ready after the page's latency (the shared timer wheel).
     */
    static Async<Page> fetch(String url) {
        Page page = WEB.get(url);
        return Async.sleep(page.latency()).map(v -> page);
    }

    /**
     * Crawls {@link #WEB} from {@code start}: one task per page found, each fetch bounded by {@code
     * perPage}; the tasks send what they found on a bounded channel, which the calling thread reads
     * (blocking) to spawn tasks for the links it has not seen. A fetch that times out is reported,
     * and its links are never followed.
     *
     * @param start the first page
     * @param perPage the timeout of each fetch
     * @return one line per page, sorted: its links, or that it timed out
     * @throws InterruptedException if interrupted
     */
    static List<String> crawl(String start, Duration perPage) throws InterruptedException {
        Channel<Fetched> fetched = Channel.<Fetched>builder().name("fetched").bounded(2).build();
        List<String> report = new ArrayList<>();
        try (ThreadedExecutor ex = ThreadedExecutor.create("crawler", 2)) {
            Set<String> seen = new HashSet<>(Set.of(start));
            spawnFetch(ex, start, perPage, fetched);
            int outstanding = 1;
            while (outstanding > 0) {
                Fetched f = fetched.recv(); // a thread receives what the tasks send
                outstanding--;
                report.add(
                        f.timedOut()
                                ? f.url() + " timed out after " + perPage.toMillis() + " ms"
                                : f.url() + " -> " + String.join(", ", f.links()));
                for (String link : f.links()) {
                    if (seen.add(link)) {
                        spawnFetch(ex, link, perPage, fetched);
                        outstanding++;
                    }
                }
            }
        } // every task has reported: close() finds none left to cancel
        Collections.sort(report);
        return report;
    }

    private static void spawnFetch(
            ThreadedExecutor ex, String url, Duration perPage, Channel<Fetched> out) {
        Async<SendResult> task =
                fetch(url)
                        .timeout(perPage) // Done(page), or Elapsed: the sleep is dropped
                        .then(
                                t ->
                                        AsyncChannels.send( // pending while the channel is full
                                                out,
                                                switch (t) {
                                                    case Timed.Done<Page>(Page p) ->
                                                            new Fetched(url, p.links(), false);
                                                    case Timed.Elapsed<Page>() ->
                                                            new Fetched(url, List.of(), true);
                                                }));
        ex.spawn("fetch " + url, task);
    }

    /**
     * A hand-written leaf future, ready once {@link #set()} ran. The correct one publishes its
     * waker and then checks the flag; the buggy one checks first, so a {@code set()} that runs
     * between its check and its publication sees no waker, and the task sleeps for ever. Its state
     * is in braid's atomics, whose every access is a point where the testkit may switch threads.
     */
    static final class Flag implements Async<String> {
        private final AtomicBool isSet = new AtomicBool(false);
        private final AtomicRef<Waker> waker = new AtomicRef<>();
        private final boolean buggy;

        Flag(boolean buggy) {
            this.buggy = buggy;
        }

        @Override
        public Poll<String> poll(Context cx) {
            if (buggy) {
                if (isSet.load(Ordering.SEQ_CST)) {
                    return Poll.ready("set");
                }
                waker.store(cx.waker(), Ordering.SEQ_CST); // BUG: too late for a set() just now
                return Poll.pending();
            }
            waker.store(cx.waker(), Ordering.SEQ_CST); // 1. publish the waker
            return isSet.load(Ordering.SEQ_CST) ? Poll.ready("set") : Poll.pending(); // 2. check
        }

        void set() {
            isSet.store(true, Ordering.SEQ_CST); // 1. change the condition
            Waker w = waker.load(Ordering.SEQ_CST); // 2. then read the waker
            if (w != null) {
                w.wake();
            }
        }
    }

    /**
     * A task awaits a {@link Flag} that a thread sets: with the buggy flag, some interleavings
     * leave the task pending with nobody to wake it, which the testkit reports as a deadlock.
     *
     * @param buggy whether the flag checks before it publishes its waker
     * @return the program, for the testkit to explore
     */
    static SimBody lostWakeUp(boolean buggy) {
        return () -> {
            Flag flag = new Flag(buggy);
            try (LocalExecutor ex = LocalExecutor.create("main")) {
                JoinHandle<Void> setter = Threads.builder().name("setter").spawn(flag::set);
                String s = ex.blockOn(flag); // the task awaiting the flag
                setter.join();
                if (!s.equals("set")) {
                    throw new AssertionError("the flag future gave " + s);
                }
            }
        };
    }
}
