package dev.braid.internal.util;

import java.util.function.Function;

/**
 * Which channel a receiver or sender belongs to, for code outside {@code dev.braid.channel} that
 * must tell two views of one channel apart from two channels (the async select refuses a second
 * receive clause on a channel, as the blocking select does). The channel package installs the
 * function when its {@code Channel} class initialises; every receiver and sender is made by a
 * {@code Channel}, so the function is installed before anyone holds one to ask about.
 */
public final class ChannelIdentity {
    private static volatile Function<Object, Object> keyOf;

    private ChannelIdentity() {}

    /** Installs the channel package's function; called once, from {@code Channel}'s initialiser. */
    public static void install(Function<Object, Object> function) {
        if (keyOf != null) {
            throw new IllegalStateException("ChannelIdentity is installed once, by Channel");
        }
        keyOf = Args.notNull(function, "function");
    }

    /**
     * An object that is the same ({@code ==}) for every receiver and sender of one channel and
     * differs between channels.
     */
    public static Object of(Object receiverOrSender) {
        return keyOf.apply(Args.notNull(receiverOrSender, "receiverOrSender"));
    }
}
