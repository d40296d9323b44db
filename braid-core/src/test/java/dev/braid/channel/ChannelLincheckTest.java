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

    /**
     * WithWaiter plus a blocking receive in a cancelled scope (ADR 0144): on an empty ring it waits
     * in the ring and leaves at once, unless a producer resumed it first. It must return an element
     * exactly when a sequential receive would have found one, or "left" as if it never came: an
     * element handed to a waiter that left would be lost, one kept in the ring while the waiter
     * reports having left would be received twice or out of order.
     */
    public abstract static class WithRingWaiter extends WithWaiter {
        WithRingWaiter(Channel.Builder<Integer> b) {
            super(b);
        }

        @Operation
        public String recvOrLeave() {
            dev.braid.cancel.CancellationSource src = new dev.braid.cancel.CancellationSource();
            src.cancel();
            try {
                return dev.braid.cancel.CancelScope.withToken(
                        src.token(), () -> String.valueOf(ch.recv()));
            } catch (dev.braid.cancel.CancelledException e) {
                return "left";
            } catch (ChannelClosedException e) {
                return "closed";
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    public static class RingWaiter extends WithRingWaiter {
        public RingWaiter() {
            super(Channel.<Integer>builder().bounded(2));
        }
    }

    public static class RingWaiterUnbounded extends WithRingWaiter {
        public RingWaiterUnbounded() {
            super(Channel.<Integer>builder().unbounded());
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
            return java.util.List.of(Bounded1.class, RingWaiter.class);
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
                Conflated.class,
                RingWaiter.class,
                RingWaiterUnbounded.class);
    }

    /**
     * The ring waiter's two races as fixed scenarios, model-checked exhaustively enough to find the
     * interleaving (random scenarios rarely pair a waiting receive with a send and a later read): a
     * receive that waits in the ring and leaves against a send that resumes it, then a read of what
     * is left; and the same with a close after the send. An element handed to a waiter that left
     * (lost) or kept in the ring after a hand-off (received twice) fails here.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(
            classes = {RingWaiter.class, RingWaiterUnbounded.class})
    void ringWaiterRaces(Class<? extends Ops> flavor) throws ReflectiveOperationException {
        java.lang.reflect.Method recv = flavor.getMethod("recvOrLeave");
        java.lang.reflect.Method send = flavor.getMethod("trySend", int.class);
        java.lang.reflect.Method take = flavor.getMethod("tryRecv");
        java.lang.reflect.Method close = flavor.getMethod("close");
        org.jetbrains.kotlinx.lincheck.Actor recvA =
                new org.jetbrains.kotlinx.lincheck.Actor(recv, java.util.List.of());
        org.jetbrains.kotlinx.lincheck.Actor sendA =
                new org.jetbrains.kotlinx.lincheck.Actor(send, java.util.List.of(1));
        org.jetbrains.kotlinx.lincheck.Actor takeA =
                new org.jetbrains.kotlinx.lincheck.Actor(take, java.util.List.of());
        org.jetbrains.kotlinx.lincheck.Actor closeA =
                new org.jetbrains.kotlinx.lincheck.Actor(close, java.util.List.of());
        new ModelCheckingOptions()
                .iterations(0) // only the scenarios below
                .invocationsPerIteration(isLong() ? invocations() * 10 : 500)
                .addCustomScenario(
                        new org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario(
                                java.util.List.of(),
                                java.util.List.of(
                                        java.util.List.of(recvA), java.util.List.of(sendA)),
                                java.util.List.of(takeA),
                                null))
                .addCustomScenario(
                        new org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario(
                                java.util.List.of(),
                                java.util.List.of(
                                        java.util.List.of(recvA, takeA),
                                        java.util.List.of(sendA, closeA)),
                                java.util.List.of(takeA),
                                null))
                .check(flavor);
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
