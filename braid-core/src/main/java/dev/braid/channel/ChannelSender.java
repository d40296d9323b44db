package dev.braid.channel;

import dev.braid.cancel.Deadline;
import java.time.Duration;

/** The send-only view of a channel; it does not expose the channel. */
final class ChannelSender<T> implements Sender<T> {
    private final Channel<T> ch;

    ChannelSender(Channel<T> ch) {
        this.ch = ch;
    }

    Channel<T> channel() {
        return ch;
    }

    @Override
    public void send(T element) throws InterruptedException {
        ch.send(element);
    }

    @Override
    public SendResult send(T element, Duration timeout) throws InterruptedException {
        return ch.send(element, timeout);
    }

    @Override
    public SendResult send(T element, Deadline deadline) throws InterruptedException {
        return ch.send(element, deadline);
    }

    @Override
    public SendResult trySend(T element) {
        return ch.trySend(element);
    }

    @Override
    public SendRegistration registerSend(T element, ChannelWaker waker) {
        return ch.registerSend(element, waker);
    }

    @Override
    public boolean close() {
        return ch.close();
    }

    @Override
    public boolean close(Throwable cause) {
        return ch.close(cause);
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
    public String toString() {
        return "Sender of " + ch;
    }
}
