package dev.braid.rc;

import dev.braid.internal.util.Args;

/**
 * An {@link Arc} share that became unreachable without being released.
 *
 * @param resourceType the class name of the shared resource (never the resource's own text, which
 *     could run user code on the reporting thread)
 * @param createdAt a throwable whose stack trace is where the leaked share was created ({@link
 *     Arc#of}, {@link Arc#share} or {@link Weak#upgrade})
 */
public record LeakReport(String resourceType, Throwable createdAt) {
    /**
     * A report.
     *
     * @throws NullPointerException if an argument is null
     */
    public LeakReport {
        Args.notNull(resourceType, "resourceType");
        Args.notNull(createdAt, "createdAt");
    }

    /**
     * A one-paragraph description, followed by the creation stack.
     *
     * @return a one-paragraph description, followed by the creation stack
     */
    public String message() {
        StringBuilder sb =
                new StringBuilder("LEAK: a share of Arc<")
                        .append(resourceType)
                        .append("> became unreachable without release(); its resource will not be")
                        .append(" closed by braid. The leaked share was created at:");
        for (StackTraceElement e : createdAt.getStackTrace()) {
            sb.append("\n\tat ").append(e);
        }
        return sb.toString();
    }
}
