/**
 * Atomic cells with named memory orderings ({@link dev.braid.atomic.Ordering}), fences, and {@link
 * dev.braid.atomic.Plain}, instrumented plain state for the testkit's race detector. Every atomic
 * access is a testkit yield point and, under the testkit, goes through its weak-memory model.
 */
package dev.braid.atomic;
