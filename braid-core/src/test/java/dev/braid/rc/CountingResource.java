package dev.braid.rc;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** A resource that counts its closes and can be told to fail closing. */
final class CountingResource implements AutoCloseable {
    final AtomicInteger closes = new AtomicInteger();
    volatile Exception failWith;

    @Override
    public void close() throws IOException {
        closes.incrementAndGet();
        Exception e = failWith;
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
    }

    @Override
    public String toString() {
        return "secret-contents";
    }
}
