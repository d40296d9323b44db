package dev.braid.channel;

import dev.braid.internal.util.SelectWord;
import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the async select's shared registrations on one rendezvous channel (ADR 0175):
 * a select word with a receive watch and an offer on the channel ({@code selectRegister}), settled
 * later ({@code selectSettle}: withdrawn, its offer taken, closed, or its watch made ready by
 * another party's offer), against non-blocking sends and receives, plain send registrations (whose
 * offers fire the watch) and close, against the same class run sequentially. The word's offer and
 * its watch complete together at most once; an element withdrawn is never received, one taken is
 * reported sent. Smoke sizes in the default build; {@code -Plincheck} runs long.
 */
class AsyncSelectWordLincheckTest {
    @Param(name = "v", gen = IntGen.class, conf = "1:4")
    public static class SelectOnRendezvous {
        private final Channel<Integer> ch = Channel.<Integer>builder().rendezvous().build();
        private final ArrayDeque<SelectWord> words = new ArrayDeque<>();
        private final ArrayDeque<SendRegistration> offers = new ArrayDeque<>();

        @Operation
        public String trySend(@Param(name = "v") int v) {
            return ch.trySend(v).getClass().getSimpleName();
        }

        @Operation
        public String tryRecv() {
            return String.valueOf(ch.tryRecv());
        }

        @Operation
        public boolean close() {
            return ch.close();
        }

        /** A plain pending send: its offer fires every watch but a word's own. */
        @Operation
        public String offer(@Param(name = "v") int v) {
            synchronized (offers) {
                SendRegistration r = ch.registerSend(v, () -> {});
                if (r.isDone()) {
                    return r.result().getClass().getSimpleName();
                }
                offers.add(r);
                return "pending";
            }
        }

        @Operation
        public String withdraw() {
            synchronized (offers) {
                SendRegistration r = offers.poll();
                if (r == null) {
                    return "none";
                }
                return r.cancel() ? "withdrawn" : r.result().getClass().getSimpleName();
            }
        }

        /** The select's registration: watch first (clause 0), then its offer of {@code v}. */
        @Operation
        public String selectRegister(@Param(name = "v") int v) {
            synchronized (words) {
                SelectWord w = SelectWord.of((ChannelWaker) () -> {});
                if (w.watchRecv(ch, 0) || w.offer(ch, v, 1)) {
                    String what = w.abort() ? "ready now" : outcome(w);
                    w.unregisterAll();
                    return what;
                }
                words.add(w);
                return "pending";
            }
        }

        @Operation
        public String selectSettle() {
            synchronized (words) {
                SelectWord w = words.poll();
                if (w == null) {
                    return "none";
                }
                String what = w.abort() ? "withdrawn" : outcome(w);
                w.unregisterAll();
                return what;
            }
        }

        private static String outcome(SelectWord w) {
            return w.chosen() == 0 ? "watch ready" : w.sendResult().getClass().getSimpleName();
        }
    }

    /**
     * The sequential specification, written from the contract rather than run from the code (so
     * that a select woken by its own offer, which the code would do the same way sequentially,
     * fails here): one FIFO of offers, plain or a select's; a select's receive watch is ready at
     * registration if another live offer (or the close) is there, and is fired, killing its word's
     * offer, by a later plain offer or another select's offer, never by its own.
     */
    public static class Model {
        /** An offer in the channel: a plain registration's ({@code word} false) or a select's. */
        private static final class Offer {
            final int value;
            final boolean word;
            String state = "pending"; // or Sent, Closed, watch ready (a select's only)

            Offer(int value, boolean word) {
                this.value = value;
                this.word = word;
            }
        }

        private boolean closed;
        private final java.util.List<Offer> fifo = new java.util.ArrayList<>();
        private final ArrayDeque<Offer> offers = new ArrayDeque<>();
        private final ArrayDeque<Offer> words = new ArrayDeque<>();

        private Offer firstLive() {
            for (Offer o : fifo) {
                if (o.state.equals("pending")) {
                    return o;
                }
            }
            return null;
        }

        private void fireWatches(Offer except) {
            for (Offer w : words) {
                if (w != except && w.state.equals("pending")) {
                    w.state = "watch ready";
                }
            }
        }

        public String trySend(int v) {
            return closed ? "Closed" : "Full";
        }

        public String tryRecv() {
            Offer o = closed ? null : firstLive();
            if (o != null) {
                o.state = "Sent";
                return String.valueOf(new RecvResult.Received<>(o.value));
            }
            return String.valueOf(
                    closed
                            ? new RecvResult.Closed<Integer>(java.util.Optional.empty())
                            : new RecvResult.Empty<Integer>());
        }

        public boolean close() {
            if (closed) {
                return false;
            }
            closed = true;
            for (Offer o : fifo) {
                if (o.state.equals("pending")) {
                    o.state = "Closed";
                }
            }
            return true;
        }

        public String offer(int v) {
            if (closed) {
                return "Closed";
            }
            Offer o = new Offer(v, false);
            fifo.add(o);
            offers.add(o);
            fireWatches(null);
            return "pending";
        }

        public String withdraw() {
            Offer o = offers.poll();
            if (o == null) {
                return "none";
            }
            if (!o.state.equals("pending")) {
                return o.state;
            }
            o.state = "gone";
            return "withdrawn";
        }

        public String selectRegister(int v) {
            if (closed || firstLive() != null) {
                return "ready now";
            }
            Offer w = new Offer(v, true);
            fifo.add(w);
            words.add(w);
            fireWatches(w);
            return "pending";
        }

        public String selectSettle() {
            Offer w = words.poll();
            if (w == null) {
                return "none";
            }
            String what = w.state.equals("pending") ? "withdrawn" : w.state;
            w.state = "gone"; // withdrawn or settled: neither live nor watched
            return what;
        }
    }

    private static int iterations() {
        return Integer.getInteger("braid.lincheck.iterations", 3);
    }

    private static int invocations() {
        return Integer.getInteger("braid.lincheck.invocations", 100);
    }

    private static boolean isLong() {
        return iterations() > 3;
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(isLong() ? iterations() : 1)
                .invocationsPerIteration(isLong() ? invocations() : 30)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(Model.class)
                .check(SelectOnRendezvous.class);
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(isLong() ? iterations() : 1)
                .invocationsPerIteration(isLong() ? invocations() * 5 : 200)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(Model.class)
                .check(SelectOnRendezvous.class);
    }
}
