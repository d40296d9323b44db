package dev.braid.bench;

/** The work every lock benchmark does inside its critical section: increment a plain field. */
final class Counter {
    long n;
}
