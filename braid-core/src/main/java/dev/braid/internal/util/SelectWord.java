package dev.braid.internal.util;

import java.util.function.Function;

/**
 * The channel package's select word, for the async select in {@code dev.braid.async} (ADR 0175):
 * one word that every registration of one non-blocking select shares, as the blocking select's
 * entries share theirs. A counterpart claims the word for exactly one clause, so at most one clause
 * completes; and a channel never pairs a word with itself: its own offer does not make its own
 * receive clause ready, nor fire that clause's callback. The channel package installs the factory
 * when its {@code Channel} class initialises; every receiver and sender is made by a {@code
 * Channel}, so the factory is installed before anyone holds one to register.
 *
 * <p>Receivers, senders and elements are passed as {@code Object} because this package sits above
 * the channel package; the implementation casts them back.
 */
public interface SelectWord {
    /**
     * Registers a readiness callback for receive clause {@code clause} on {@code receiver}, unless
     * a receive could proceed now (an element, a live offer other than this word's own, or the
     * close): then it registers nothing and returns true.
     */
    boolean watchRecv(Object receiver, int clause);

    /**
     * Puts {@code element} on offer in {@code sender}'s channel for send clause {@code clause},
     * unless the send could proceed now (room, a waiting receiver other than this word, or the
     * close): then it registers nothing and returns true. Readiness callbacks of this word are not
     * fired by its own offer.
     */
    boolean offer(Object sender, Object element, int clause);

    /**
     * Whether a counterpart has chosen a clause and completed the word; a true answer is an acquire
     * of what that counterpart did before. False while the word waits, and for a moment while a
     * counterpart is completing it (its callback then follows).
     */
    boolean isChosen();

    /**
     * The owner withdraws: true if this call won (no clause was chosen, none will be); false if a
     * counterpart chose one first (then {@link #chosen()} says which).
     */
    boolean abort();

    /**
     * The clause chosen (waits out a counterpart's last few stores); only after a lost abort or
     * {@link #isChosen()}.
     */
    int chosen();

    /**
     * For a chosen send clause: its outcome, a {@code SendResult} (sent, or closed with its cause).
     */
    Object sendResult();

    /** Takes every registration of this word out of its channel (stale ones included). */
    void unregisterAll();

    /**
     * A new word whose claim calls {@code waker} (a {@code dev.braid.channel.ChannelWaker}).
     *
     * @param waker the callback
     * @return the word
     */
    static SelectWord of(Object waker) {
        return Factory.make.apply(Args.notNull(waker, "waker"));
    }

    /**
     * Installs the channel package's factory; called once, from {@code Channel}'s initialiser.
     *
     * @param factory makes a word for a waker
     */
    static void install(Function<Object, SelectWord> factory) {
        Factory.install(factory);
    }

    /** Holds the installed factory. */
    final class Factory {
        private static volatile Function<Object, SelectWord> make;

        private Factory() {}

        static void install(Function<Object, SelectWord> factory) {
            if (make != null) {
                throw new IllegalStateException("SelectWord is installed once, by Channel");
            }
            make = Args.notNull(factory, "factory");
        }
    }
}
