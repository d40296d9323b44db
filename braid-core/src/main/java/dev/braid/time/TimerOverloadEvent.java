package dev.braid.time;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: a schedule call was rejected because the wheel was full. Costs nothing unless recording. */
@Name("dev.braid.TimerOverload")
@Label("Timer Wheel Overload")
@Category({"braid", "Time"})
@Description("A timer was rejected because the wheel holds its maximum number of pending timers")
@StackTrace(true)
final class TimerOverloadEvent extends jdk.jfr.Event {
    @Label("Wheel")
    String wheel;

    @Label("Capacity")
    int capacity;
}
