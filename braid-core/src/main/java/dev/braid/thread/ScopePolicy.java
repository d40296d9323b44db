package dev.braid.thread;

/**
 * How a structured scope reacts when one of its children fails. Shared by thread scopes ({@link
 * Threads#scope}) and task scopes, so threads and tasks behave alike.
 */
public enum ScopePolicy {
    /**
     * The first child that fails cancels its siblings through the scope's token; the scope rethrows
     * that failure with the later ones added as suppressed. The default.
     */
    FAIL_FAST,
    /**
     * Every child runs to its end whatever the others do; the scope then rethrows the first failure
     * with the later ones added as suppressed.
     */
    COLLECT_ALL,
    /**
     * The first child that succeeds cancels its siblings; the scope fails only if every child
     * failed, with the first failure rethrown and the others suppressed.
     */
    FIRST_SUCCESS
}
