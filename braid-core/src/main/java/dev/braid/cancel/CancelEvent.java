package dev.braid.cancel;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: a token was cancelled. Costs nothing unless a recording enables it. */
@Name("dev.braid.Cancel")
@Label("Cancellation")
@Category({"braid", "Cancellation"})
@Description("A cancellation token was cancelled; its callbacks ran in this event's duration")
@StackTrace(true)
final class CancelEvent extends jdk.jfr.Event {
    @Label("Token")
    String token;

    @Label("Cause Class")
    Class<?> causeClass;

    @Label("Cause Message")
    String causeMessage;

    @Label("Callbacks")
    int callbacks;

    @Label("Failed Callbacks")
    int failures;
}
