package dev.braid.channel;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * Linearizability of each flavor's non-blocking operations, close and cancel, and a cancelled
 * waiter (a pending send registration that is withdrawn), and the queue view's peek, remove(Object)
 * and snapshot, against the same class run sequentially. Smoke sizes in the default build; {@code
 * -Plincheck} runs long, with the ring shrunk to one slot ({@code -Dbraid.channel.ring=1}) so
 * growth and wrap-around happen constantly, and unbounded segments of two cells ({@code
 * -Dbraid.channel.segment=2}). {@code -Dbraid.lincheck.flavor=RendezvousWithWaiters} (a class's
 * simple name) runs one flavor only.
 */
class ChannelLincheckTest {
    /** Operations shared by every flavor. */
    @Param(name = "v", gen = IntGen.class, conf = "1:4")
    public abstract static class Ops {
        final Channel<Integer> ch;
        final java.util.List<Integer> undelivered = new java.util.ArrayList<>();

        Ops(Channel.Builder<Integer> b) {
            ch = b.onUndelivered(undelivered::add).build();
        }

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

        @Operation
        public boolean cancel() {
            return ch.cancel();
        }

        @Operation
        public int len() {
            return ch.len();
        }

        // the BlockingQueue view's collection operations, run under the core's lock

        @Operation
        public String peek() {
            return String.valueOf(ch.asBlockingQueue().peek());
        }

        @Operation
        public boolean removeValue(@Param(name = "v") int v) {
            return ch.asBlockingQueue().remove(v);
        }

        @Operation
        public String snapshot() {
            return java.util.Arrays.toString(ch.asBlockingQueue().toArray());
        }
    }

    /** Ops plus a waiter that offers an element and withdraws it (buffered flavors only). */
    public abstract static class WithWaiter extends Ops {
        WithWaiter(Channel.Builder<Integer> b) {
            super(b);
        }

        @Operation
        public String offerThenWithdraw(@Param(name = "v") int v) {
            SendRegistration r = ch.registerSend(v, () -> {});
            if (r.cancel()) {
                return "withdrawn";
            }
            return r.result().getClass().getSimpleName();
        }
    }

    /**
     * Ops plus cancelled waiters on a rendezvous channel, where an offer that is pending can be
     * taken by a receiver at any moment: {@code offer} leaves a send registration (a waiter without
     * a thread) on offer, {@code withdraw} cancels the oldest one still held. Both take this
     * object's monitor so that the list of held registrations is in registration order; the channel
     * operations themselves are not under it. Withdrawing reports "withdrawn" (the element was
     * never delivered) or the send's outcome (a receiver took it, or close or cancel rejected it),
     * never both, and a withdrawn element is never received.
     */
    public static class RendezvousWithWaiters extends Ops {
        private final java.util.ArrayDeque<SendRegistration> held = new java.util.ArrayDeque<>();

        public RendezvousWithWaiters() {
            super(Channel.<Integer>builder().rendezvous());
        }

        @Operation
        public synchronized String offer(@Param(name = "v") int v) {
            SendRegistration r = ch.registerSend(v, () -> {});
            if (r.isDone()) {
                return r.result().getClass().getSimpleName();
            }
            held.add(r);
            return "pending";
        }

        @Operation
        public synchronized String withdraw() {
            SendRegistration r = held.poll();
            if (r == null) {
                return "none";
            }
            if (r.cancel()) {
                return "withdrawn";
            }
            return r.result().getClass().getSimpleName();
        }
    }

    public static class Rendezvous extends Ops {
        public Rendezvous() {
            super(Channel.<Integer>builder().rendezvous());
        }
    }

    public static class Bounded1 extends WithWaiter {
        public Bounded1() {
            super(Channel.<Integer>builder().bounded(1));
        }
    }

    public static class Bounded2 extends WithWaiter {
        public Bounded2() {
            super(Channel.<Integer>builder().bounded(2));
        }
    }

    public static class DropOldest2 extends WithWaiter {
        public DropOldest2() {
            super(Channel.<Integer>builder().bounded(2, Overflow.DROP_OLDEST));
        }
    }

    public static class DropNewest1 extends WithWaiter {
        public DropNewest1() {
            super(Channel.<Integer>builder().bounded(1, Overflow.DROP_NEWEST));
        }
    }

    public static class Unbounded extends WithWaiter {
        public Unbounded() {
            super(Channel.<Integer>builder().unbounded());
        }
    }

    public static class Conflated extends WithWaiter {
        public Conflated() {
            super(Channel.<Integer>builder().conflated());
        }
    }

    private static int iterations() {
        return Integer.getInteger("braid.lincheck.iterations", 3);
    }

    private static int invocations() {
        return Integer.getInteger("braid.lincheck.invocations", 100);
    }

    private static ModelCheckingOptions model() {
        return new ModelCheckingOptions()
                .iterations(isLong() ? iterations() : 1)
                .invocationsPerIteration(isLong() ? invocations() : 30)
                .threads(3)
                .actorsPerThread(3);
    }

    private static StressOptions stress() {
        return new StressOptions()
                .iterations(isLong() ? iterations() : 1)
                .invocationsPerIteration(isLong() ? invocations() * 5 : 200)
                .threads(3)
                .actorsPerThread(3);
    }

    /** Long runs ({@code -Plincheck}) check every flavor; the default build a smoke subset. */
    static boolean isLong() {
        return iterations() > 3;
    }

    static java.util.List<Class<? extends Ops>> flavors() {
        String only = System.getProperty("braid.lincheck.flavor"); // e.g. RendezvousWithWaiters
        if (only != null && !only.isEmpty()) {
            return allFlavors().stream().filter(c -> c.getSimpleName().equals(only)).toList();
        }
        if (!isLong()) {
            return java.util.List.of(Bounded1.class);
        }
        return allFlavors();
    }

    static java.util.List<Class<? extends Ops>> allFlavors() {
        return java.util.List.of(
                Rendezvous.class,
                RendezvousWithWaiters.class,
                Bounded1.class,
                Bounded2.class,
                DropOldest2.class,
                DropNewest1.class,
                Unbounded.class,
                Conflated.class);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("flavors")
    void modelChecking(Class<? extends Ops> flavor) {
        model().check(flavor);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("flavors")
    void stress(Class<? extends Ops> flavor) {
        stress().check(flavor);
    }
}
