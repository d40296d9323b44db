package dev.braid.channel;

import dev.braid.cancel.Deadline;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;

/** The receive-only view of a channel; it does not expose the channel. */
final class ChannelReceiver<T> implements Receiver<T> {
    private final Channel<T> ch;

    ChannelReceiver(Channel<T> ch) {
        this.ch = ch;
    }

    Channel<T> channel() {
        return ch;
    }

    @Override
    public T recv() throws InterruptedException {
        return ch.recv();
    }

    @Override
    public RecvResult<T> recv(Duration timeout) throws InterruptedException {
        return ch.recv(timeout);
    }

    @Override
    public RecvResult<T> recv(Deadline deadline) throws InterruptedException {
        return ch.recv(deadline);
    }

    @Override
    public RecvResult<T> tryRecv() {
        return ch.tryRecv();
    }

    @Override
    public T tryRecvOrNull() {
        return ch.tryRecvOrNull();
    }

    @Override
    public RecvRegistration registerRecv(ChannelWaker waker) {
        return ch.registerRecv(waker);
    }

    @Override
    public boolean cancel() {
        return ch.cancel();
    }

    @Override
    public boolean cancel(Throwable cause) {
        return ch.cancel(cause);
    }

    @Override
    public boolean isClosed() {
        return ch.isClosed();
    }

    @Override
    public int capacity() {
        return ch.capacity();
    }

    @Override
    public int len() {
        return ch.len();
    }

    @Override
    public Iterator<T> iterator() {
        return ch.iterator();
    }

    @Override
    public Stream<T> stream() {
        return ch.stream();
    }

    @Override
    public String toString() {
        return "Receiver of " + ch;
    }
}
