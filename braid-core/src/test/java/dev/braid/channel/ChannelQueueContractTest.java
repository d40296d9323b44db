package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link BlockingQueue} view against the JDK contracts that the JSR166 TCK's {@code
 * BlockingQueueTest}, {@code Collection8Test} and {@code SynchronousQueueTest} check, over every
 * flavor (capacity 0 behaves as a {@code SynchronousQueue}, unbounded reports {@link
 * Integer#MAX_VALUE} remaining capacity). Written from the {@code Queue}, {@code BlockingQueue},
 * {@code Collection} and {@code Spliterator} Javadoc; audit 8.
 */
class ChannelQueueContractTest {

    static List<Flavor> flavors() {
        return Flavor.all();
    }

    /**
     * As {@code ArrayBlockingQueue} and {@code LinkedBlockingQueue}: CONCURRENT, ORDERED, NONNULL
     * and not SIZED. A SIZED spliterator here read {@code size()} and then took the snapshot, so
     * {@code q.stream().toArray()} failed ("Accept exceeded fixed size") when a send or receive
     * came between the two.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void spliteratorIsConcurrentOrderedNonNullAndNotSized(Flavor f) {
        BlockingQueue<Integer> q = f.<Integer>make().ch().asBlockingQueue();
        int n = Math.min(3, f.room());
        for (int i = 0; i < n; i++) {
            q.add(i);
        }
        Spliterator<Integer> s = q.spliterator();
        assertThat(s.characteristics())
                .as("characteristics %s", Integer.toHexString(s.characteristics()))
                .isEqualTo(Spliterator.CONCURRENT | Spliterator.ORDERED | Spliterator.NONNULL);
        assertThat(q.stream().toList()).hasSize(n).isSorted();
        assertThat(q.parallelStream().toList()).hasSize(n).isSorted();
    }

    /** JSR166's checkEmpty and Collection8Test's testEmptyMeansEmpty, for every flavor. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void anEmptyQueueIsEmptyEveryWay(Flavor f) throws Exception {
        BlockingQueue<Integer> q = f.<Integer>make().ch().asBlockingQueue();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.size()).isZero();
        assertThat(q.peek()).isNull();
        assertThat(q.poll()).isNull();
        assertThat(q.poll(0, TimeUnit.SECONDS)).isNull();
        assertThat(q.poll(-1, TimeUnit.NANOSECONDS)).isNull();
        assertThat(q.poll(Long.MIN_VALUE, TimeUnit.DAYS)).isNull();
        assertThat(q.toString()).isEqualTo("[]");
        assertThat(q.toArray()).isEmpty();
        assertThat(q.toArray().getClass()).isEqualTo(Object[].class);
        Integer[] none = new Integer[0];
        assertThat(q.toArray(none)).isSameAs(none);
        Integer[] three = {1, 2, 3};
        assertThat(q.toArray(three)).isSameAs(three).containsExactly(null, 2, 3);
        assertThat(q.iterator().hasNext()).isFalse();
        assertThatThrownBy(() -> q.iterator().next()).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(q::element).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(q::remove).isInstanceOf(NoSuchElementException.class);
        assertThat(q.contains(1)).isFalse();
        assertThat(q.remove(1)).isFalse();
        q.forEach(x -> fail("forEach on an empty queue saw " + x));
        assertThat(q.spliterator().tryAdvance(x -> fail("tryAdvance saw " + x))).isFalse();
        assertThat(q.drainTo(new ArrayList<>())).isZero();
        assertThat(q.remainingCapacity())
                .isEqualTo(f.capacity() == Flavor.UNBOUNDED ? Integer.MAX_VALUE : f.capacity());
        if (f.capacity() == 0) { // SynchronousQueue: nothing is taken without a waiting receiver
            assertThat(q.offer(1)).isFalse();
            assertThat(q.offer(1, 0, TimeUnit.SECONDS)).isFalse();
            assertThatThrownBy(() -> q.add(1)).isInstanceOf(IllegalStateException.class);
            assertThat(q.isEmpty()).isTrue();
        }
    }

    private static void fail(String why) {
        throw new AssertionError(why);
    }

    /**
     * Collection8Test's testNullPointerExceptions and BlockingQueueTest's null and self cases:
     * every null argument is refused (NPE) before anything else, contains/remove(null) are false,
     * drainTo(this) is refused and a non-positive drainTo bound takes nothing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void nullsAndSelfAreRefused(Flavor f) throws Exception {
        BlockingQueue<Integer> q = f.<Integer>make().ch().asBlockingQueue();
        boolean one = f.room() > 0 && q.offer(1);
        List<ThrowingCallable> npe =
                List.of(
                        () -> q.add(null),
                        () -> q.offer(null),
                        () -> q.put(null),
                        () -> q.offer(null, 1, TimeUnit.HOURS),
                        () -> q.offer(1, 1, null),
                        () -> q.poll(1, null),
                        () -> q.addAll(null),
                        () -> q.addAll(Arrays.asList(new Integer[2])),
                        () -> q.containsAll(null),
                        () -> q.retainAll(null),
                        () -> q.removeAll(null),
                        () -> q.removeIf(null),
                        () -> q.forEach(null),
                        () -> q.iterator().forEachRemaining(null),
                        () -> q.spliterator().forEachRemaining(null),
                        () -> q.spliterator().tryAdvance(null),
                        () -> q.toArray((Object[]) null),
                        () -> q.drainTo(null),
                        () -> q.drainTo(null, 0));
        for (ThrowingCallable c : npe) {
            assertThatThrownBy(c).isInstanceOf(NullPointerException.class);
        }
        assertThat(q.contains(null)).isFalse();
        assertThat(q.remove(null)).isFalse();
        assertThatThrownBy(() -> q.drainTo(q)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.drainTo(q, 0)).isInstanceOf(IllegalArgumentException.class);
        List<Integer> sink = new ArrayList<>();
        for (int n : new int[] {0, -1, -42, Integer.MIN_VALUE}) {
            assertThat(q.drainTo(sink, n)).isZero();
        }
        assertThat(sink).isEmpty();
        assertThat(q.size()).isEqualTo(one ? 1 : 0);
    }

    /**
     * As ArrayBlockingQueue (whose blocking methods take their lock interruptibly): a thread whose
     * interrupt status is set when it calls put, take, or timed offer or poll gets {@link
     * InterruptedException} even when the call would not wait, the status is cleared, and nothing
     * is sent or taken. The non-blocking offer and poll ignore the status.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void aSetInterruptStatusFailsTheBlockingMethodsAtOnce(Flavor f) throws Exception {
        BlockingQueue<Integer> q = f.<Integer>make().ch().asBlockingQueue();
        List<ThrowingCallable> blocking =
                List.of(
                        () -> q.put(9),
                        () -> q.offer(9, 1, TimeUnit.SECONDS),
                        () -> q.offer(9, 0, TimeUnit.SECONDS),
                        () -> q.offer(9, -1, TimeUnit.SECONDS));
        for (ThrowingCallable c : blocking) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(c).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("status cleared").isFalse();
        }
        assertThat(q.size()).isZero();
        boolean buffered = f.room() > 0 && q.offer(1);
        List<ThrowingCallable> receiving =
                List.of(
                        q::take,
                        () -> q.poll(1, TimeUnit.SECONDS),
                        () -> q.poll(0, TimeUnit.SECONDS),
                        () -> q.poll(Long.MIN_VALUE, TimeUnit.DAYS));
        for (ThrowingCallable c : receiving) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(c).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("status cleared").isFalse();
        }
        assertThat(q.size()).isEqualTo(buffered ? 1 : 0);
        Thread.currentThread().interrupt();
        try {
            assertThat(q.poll()).isEqualTo(buffered ? 1 : null);
            if (f.room() > 0) {
                assertThat(q.offer(2)).isTrue();
            }
            assertThat(Thread.currentThread().isInterrupted()).as("status kept").isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
