package dev.braid.testkit.internal;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * The tasks of one run, in id order: appended by the baton holder only, read by any thread (the
 * controller's watchdog and teardown, tasks unwinding after the verdict).
 */
final class TaskList extends AbstractList<Task> implements RandomAccess {
    /*
     * Implementation notes
     *
     * Replaces a CopyOnWriteArrayList, whose add copied the whole array under a lock at every
     * spawn: a visible share of a short run's profile (docs/perf/testkit.md). One writer (the
     * baton holder; spawns are seam calls) appends; readers are the baton holder and, after a
     * verdict or from the watchdog, other threads that only iterate.
     *
     * Publication. add() stores the task into the array, then (if it grew) the new array, then
     * the size, both volatile: a reader that reads the size first and then the array sees every
     * element below that size (an older array still holds those elements too). Elements are never
     * removed or replaced. Iteration (AbstractList's, by index) sees a prefix of the tasks; it never
     * throws ConcurrentModificationException because modCount is not used.
     */

    private volatile Task[] array = new Task[4];
    private volatile int size;

    /** Appends {@code t}; only the baton holder calls it. */
    @Override
    public boolean add(Task t) {
        Task[] a = array;
        int n = size;
        if (n == a.length) {
            a = Arrays.copyOf(a, n * 2);
            a[n] = t;
            array = a;
        } else {
            a[n] = t;
        }
        size = n + 1;
        return true;
    }

    @Override
    public Task get(int index) {
        int n = size;
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException(index);
        }
        return array[index];
    }

    @Override
    public int size() {
        return size;
    }
}
