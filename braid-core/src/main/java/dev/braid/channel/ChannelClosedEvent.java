package dev.braid.channel;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * JFR event for a channel being closed or cancelled, with how many buffered elements went to the
 * undelivered-element hook. Recorded only while a recording enables it.
 */
@Name("dev.braid.ChannelClosed")
@Label("braid Channel Closed")
@Category({"braid", "Channels"})
@Description("A braid channel was closed or cancelled")
final class ChannelClosedEvent extends jdk.jfr.Event {
    @Label("Channel")
    String channel;

    @Label("Cancelled")
    @Description("true for cancel (buffer discarded), false for close (buffer still delivered)")
    boolean cancelled;

    @Label("Undelivered")
    @Description("Buffered elements discarded through the undelivered-element hook by this call")
    int undelivered;

    @Label("Cause")
    String cause;

    static void emit(String channel, boolean cancelled, int undelivered, Throwable cause) {
        ChannelClosedEvent e = new ChannelClosedEvent();
        if (e.shouldCommit()) {
            e.channel = channel;
            e.cancelled = cancelled;
            e.undelivered = undelivered;
            e.cause = cause == null ? null : cause.toString();
            e.commit();
        }
    }
}
