package dev.braid.channel;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * JFR event for a send, receive or select that waited longer than the threshold (default 1 ms;
 * configurable, e.g. {@code dev.braid.ChannelBlocked#threshold=100 us}). Recorded only while a
 * recording enables it; started only on the parking path, so operations that do not wait never
 * touch it.
 */
@Name("dev.braid.ChannelBlocked")
@Label("braid Channel Blocked")
@Category({"braid", "Channels"})
@Description(
        "A thread waited on a braid channel (send, receive or select) longer than the threshold")
@StackTrace(true)
@Threshold("1 ms")
final class ChannelBlockedEvent extends jdk.jfr.Event {
    @Label("Channel")
    @Description("The channel's label and state, or the select's clauses")
    String channel;

    @Label("Operation")
    @Description("send, receive or select")
    String operation;

    @Label("Completed")
    @Description("false when the wait ended by timeout, interrupt or a cancelled scope")
    boolean completed;

    /** Starts timing a wait; cheap (allocation elided, no timing) when not recording. */
    static ChannelBlockedEvent start() {
        ChannelBlockedEvent e = new ChannelBlockedEvent();
        e.begin();
        return e;
    }

    /** Ends {@code event} if a wait was started (it is null when the first try succeeded). */
    static void finish(ChannelBlockedEvent event, Object channel, String op, boolean completed) {
        if (event != null) {
            event.finish(channel, op, completed);
        }
    }

    void finish(Object channel, String operation, boolean completed) {
        end();
        if (shouldCommit()) {
            this.channel = channel.toString();
            this.operation = operation;
            this.completed = completed;
            commit();
        }
    }
}
