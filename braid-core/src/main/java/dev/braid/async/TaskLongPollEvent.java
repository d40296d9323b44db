package dev.braid.async;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * JFR event for one poll of a task that ran longer than the threshold (default 10 ms; configurable
 * like any JFR event, e.g. {@code dev.braid.TaskLongPoll#threshold=1 ms}): usually blocking code
 * inside async code, which stalls every other task of its executor thread. Recorded only while a
 * recording with this event enabled is running.
 */
@Name("dev.braid.TaskLongPoll")
@Label("braid Task Long Poll")
@Category({"braid", "Async"})
@Description("A poll of an async task took longer than the threshold (blocking inside async code?)")
@StackTrace(false)
@Threshold("10 ms")
final class TaskLongPollEvent extends jdk.jfr.Event {
    /**
     * Never committed: asked per poll whether a recording has this event on, so that a poll
     * allocates an event and reads the clock only then (ADR 0061).
     */
    static final TaskLongPollEvent PROBE = new TaskLongPollEvent();

    @Label("Task")
    @Description("The task's name")
    String task;

    @Label("Task Id")
    long taskId;

    @Label("Polls")
    @Description("How many polls the task had, this one included")
    long polls;
}
