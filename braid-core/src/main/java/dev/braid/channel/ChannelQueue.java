package dev.braid.channel;

import dev.braid.internal.util.Args;
import java.time.Duration;
import java.util.AbstractQueue;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@link BlockingQueue} view of a {@link Channel}, from {@link Channel#asBlockingQueue()}: the
 * queue and the channel are the same object seen two ways (an element offered to one is received
 * from the other).
 *
 * <p>Mapping: {@code offer}/{@code put}/timed {@code offer} are {@code trySend}/{@code send}/timed
 * {@code send}; {@code poll}/{@code take}/timed {@code poll} are {@code tryRecv}/{@code recv}/timed
 * {@code recv}. A closed channel: {@code offer} returns false, {@code add} and {@code put} throw
 * {@link ChannelClosedException} (an {@link IllegalStateException}); {@code poll} returns null once
 * drained and {@code take} throws {@link ChannelClosedException}. The collection view ({@code
 * size}, {@code iterator}, {@code contains}, {@code toArray}, {@code remove(Object)}) covers the
 * buffered elements; an element still held by a blocked sender joins it when it is buffered. {@code
 * drainTo} refuses this queue and any other view of the same channel; an element it took that
 * {@code c.add} refused (the exception propagates) goes to the undelivered-element hook, and the
 * elements after it stay in the channel. Iterators are weakly consistent snapshots; {@code
 * Iterator.remove} removes that element if it is still buffered. {@code remove(Object)} frees a
 * slot that a waiting sender then fills, as a receive would. The spliterator is late-binding,
 * {@code CONCURRENT}, {@code ORDERED} and {@code NONNULL}, as the JDK queues'.
 *
 * <p>Where it differs from the JDK queue of the same shape ({@code SynchronousQueue} for capacity
 * 0, {@code ArrayBlockingQueue} bounded, {@code LinkedBlockingQueue} unbounded), on purpose: {@code
 * peek} on a rendezvous channel shows a waiting sender's element (what {@code poll} would take
 * now), where {@code SynchronousQueue.peek} is always null; {@code remainingCapacity} of an
 * unbounded channel is always {@link Integer#MAX_VALUE} (the {@code BlockingQueue} Javadoc's "no
 * intrinsic limit"), where {@code LinkedBlockingQueue} counts down from it; with a dropping {@link
 * Overflow} policy {@code offer}/{@code add}/{@code put} succeed on a full channel (the policy
 * drops an element through the undelivered hook), so {@code remainingCapacity() == 0} does not mean
 * {@code offer} fails; a closed channel refuses elements ({@code offer} false, {@code add}/{@code
 * put} throw {@link ChannelClosedException}). The view is not {@code Serializable}. A thread whose
 * interrupt status is set gets {@link InterruptedException} from {@code put}, {@code take} and the
 * timed forms even when they would not wait, as from {@code ArrayBlockingQueue}.
 */
final class ChannelQueue<T> extends AbstractQueue<T> implements BlockingQueue<T> {
    private final Channel<T> ch;

    ChannelQueue(Channel<T> ch) {
        this.ch = ch;
    }

    @Override
    public boolean add(T e) {
        return switch (ch.trySend(Args.notNull(e, "element"))) {
            case SendResult.Sent s -> true;
            case SendResult.Closed c -> throw ch.closedException("add to");
            default ->
                    throw new IllegalStateException(
                            "queue full: " + ch.core.label() + " holds " + ch.capacity());
        };
    }

    @Override
    public boolean offer(T e) {
        return ch.trySend(Args.notNull(e, "element")).isSent();
    }

    @Override
    public void put(T e) throws InterruptedException {
        ch.send(Args.notNull(e, "element"));
    }

    @Override
    public boolean offer(T e, long timeout, TimeUnit unit) throws InterruptedException {
        Args.notNull(e, "element");
        Args.notNull(unit, "unit");
        return ch.send(e, Duration.ofNanos(unit.toNanos(timeout))).isSent();
    }

    @Override
    public T poll() {
        return ch.tryRecvOrNull(); // no RecvResult or Optional per element
    }

    @Override
    public T take() throws InterruptedException {
        return ch.recv();
    }

    @Override
    public T poll(long timeout, TimeUnit unit) throws InterruptedException {
        Args.notNull(unit, "unit");
        return ch.recv(Duration.ofNanos(unit.toNanos(timeout))).valueIfReceived().orElse(null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T peek() {
        return (T) ch.core.peek();
    }

    @Override
    public int size() {
        return ch.len();
    }

    @Override
    public int remainingCapacity() {
        int cap = ch.capacity();
        return cap == Integer.MAX_VALUE ? cap : Math.max(0, cap - ch.len());
    }

    @Override
    public boolean addAll(Collection<? extends T> c) {
        Args.notNull(c, "c");
        if (c == this) {
            throw new IllegalArgumentException("c must not be this queue"); // AbstractQueue's: none
        }
        return super.addAll(c);
    }

    @Override
    public int drainTo(Collection<? super T> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super T> c, int maxElements) {
        Args.notNull(c, "c");
        if (c == this) {
            throw new IllegalArgumentException("c must not be this queue");
        }
        if (c instanceof ChannelQueue<?> other && other.ch == ch) {
            // asBlockingQueue() makes a new view per call: each element taken would go straight
            // back in, and the drain would run until maxElements (2^31 rounds untimed)
            throw new IllegalArgumentException(
                    "c must not be a view of the same channel: it would drain into itself");
        }
        int n = 0;
        while (n < maxElements) {
            T x = poll();
            if (x == null) {
                break;
            }
            try {
                c.add(x);
            } catch (RuntimeException e) {
                // taken and never delivered: the hook sees it, as any element the channel drops
                ch.core.undelivered(x);
                throw e;
            }
            n++;
        }
        return n;
    }

    @Override
    public boolean remove(Object o) {
        return o != null && ch.core.removeBuffered(o, false);
    }

    @Override
    public boolean contains(Object o) {
        return o != null && Arrays.asList(ch.core.snapshot()).contains(o);
    }

    @Override
    public Object[] toArray() {
        return ch.core.snapshot();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A> A[] toArray(A[] a) {
        Args.notNull(a, "a");
        Object[] s = ch.core.snapshot();
        if (a.length < s.length) {
            return (A[]) Arrays.copyOf(s, s.length, a.getClass());
        }
        System.arraycopy(s, 0, a, 0, s.length);
        if (a.length > s.length) {
            a[s.length] = null;
        }
        return a;
    }

    /**
     * Late-binding over {@link #iterator()}'s snapshot, reported {@code CONCURRENT} (so not {@code
     * SIZED}: the size read when traversal starts and the snapshot taken then may differ, and a
     * sized stream would fail on the difference), {@code ORDERED} and {@code NONNULL}, as the JDK's
     * blocking queues report.
     */
    @Override
    public Spliterator<T> spliterator() {
        return Spliterators.spliterator(
                this, Spliterator.CONCURRENT | Spliterator.ORDERED | Spliterator.NONNULL);
    }

    @Override
    public Iterator<T> iterator() {
        Object[] s = ch.core.snapshot();
        return new Iterator<>() {
            private int next;
            private int last = -1;

            @Override
            public boolean hasNext() {
                return next < s.length;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (next >= s.length) {
                    throw new NoSuchElementException("no more buffered elements in the snapshot");
                }
                last = next;
                return (T) s[next++];
            }

            @Override
            public void remove() {
                if (last < 0) {
                    throw new IllegalStateException("next() was not called, or remove() twice");
                }
                ch.core.removeBuffered(s[last], true);
                last = -1;
            }
        };
    }
}
