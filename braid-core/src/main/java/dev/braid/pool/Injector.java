package dev.braid.pool;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The pool's shared queue for tasks submitted from outside its workers: first in, first out, any
 * number of producers and consumers.
 */
final class Injector {
    /*
     * Implementation notes
     *
     * Algorithm. A Michael-Scott queue (the JDK's ConcurrentLinkedQueue): lock-free, unbounded, one
     * node per task. External submissions are the only producers; workers poll it when their own
     * queue is empty, and every 61st task first (as tokio) so that a worker busy with local
     * fork/join work still serves outside callers.
     *
     * Memory ordering. The queue's volatile links publish the task to the worker that polls it.
     * The testkit's model does not see those edges (it is not a braid atomic); the task's own
     * status CAS and completion swap are what pool tests rely on, and offer/poll announce yield
     * points so that the scheduler interleaves them.
     *
     * Tradeoffs. A node per submission (~24 bytes) costs less than a lock and needs no resizing;
     * the depth is counted by the queue's size(), which is O(n) and only used by metrics.
     */

    private final ConcurrentLinkedQueue<TaskHandle<?>> queue = new ConcurrentLinkedQueue<>();

    void push(TaskHandle<?> task) {
        Rt.yieldPoint(Op.OTHER, this);
        queue.offer(task);
    }

    TaskHandle<?> poll() {
        Rt.yieldPoint(Op.OTHER, this);
        return queue.poll();
    }

    boolean isEmpty() {
        Rt.yieldPoint(Op.OTHER, this);
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }
}
