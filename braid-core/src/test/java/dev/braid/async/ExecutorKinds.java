package dev.braid.async;

/**
 * The three executors a misuse test runs on, by name ({@code threaded}, {@code pool}, {@code
 * local}), and how such a test reads a task's failure on each (a LocalExecutor's task runs only
 * inside {@code blockOn}).
 */
final class ExecutorKinds {
    private ExecutorKinds() {}

    /** A new executor of {@code kind}: two workers for threaded and pool. */
    static AsyncExecutor open(String kind) {
        return switch (kind) {
            case "threaded" -> ThreadedExecutor.create("ex", 2);
            case "pool" -> PoolExecutor.create("ex", 2);
            case "local" -> LocalExecutor.create("ex");
            default -> throw new IllegalArgumentException("kind: " + kind);
        };
    }

    /** What waiting for {@code h} on {@code ex} throws; fails if the task does not fail. */
    static Throwable failureOf(AsyncExecutor ex, TaskHandle<?> h) throws InterruptedException {
        try {
            if (ex instanceof LocalExecutor local) {
                local.blockOn(h);
            } else {
                h.join();
            }
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("task '" + h + "' did not fail");
    }
}
