package dev.braid.bench;

import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Register + deregister a cancellation callback on a long-lived token. CompletableFuture has no
 * deregistration; two stand-ins are measured: (a) {@code whenComplete} on a fresh future that is
 * dropped (register only), and (b) the same plus {@code cancel(false)} of the returned dependent,
 * after which the action never runs — CF's "unsubscribe" — and (c) the same with {@code
 * complete(null)} of the dependent instead, which also stops the action and is CF's cheapest
 * unsubscribe. On a long-lived future (b) and (c) would leak: the dead completion stays on the
 * future's stack until it completes, so all three use a fresh future. braid also runs the fresh
 * shapes: new source + register + deregister, and new source + register ({@code
 * braidFreshSourceRegister}, the like-for-like of CF's fresh-future {@code whenComplete}). Target:
 * ≤ 1.0× CF.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"},
        jvmArgsAppend = "--sun-misc-unsafe-memory-access=allow")
@Threads(1)
public class CancelRegister {
    private static final Runnable CALLBACK = () -> {};
    private static final BiConsumer<Object, Throwable> CF_CALLBACK = (v, e) -> {};

    private final CancellationToken token = new CancellationSource().token();

    @Benchmark
    public boolean braidRegisterDeregister() {
        CancellationRegistration r = token.onCancel(CALLBACK);
        return r.deregister();
    }

    @Benchmark
    public boolean braidFreshSourceRegisterDeregister() {
        CancellationSource s = new CancellationSource();
        return s.token().onCancel(CALLBACK).deregister();
    }

    /** Like-for-like with {@link #completableFutureWhenComplete}: fresh source, register only. */
    @Benchmark
    public CancellationRegistration braidFreshSourceRegister() {
        CancellationSource s = new CancellationSource();
        return s.token().onCancel(CALLBACK);
    }

    @Benchmark
    public boolean completableFutureWhenCompleteThenCancel() {
        CompletableFuture<Object> f = new CompletableFuture<>();
        return f.whenComplete(CF_CALLBACK).cancel(false);
    }

    /**
     * CF's cheapest unsubscribe: completing the dependent first means the action never runs (the
     * source's completion sees a completed dependent), without building a CancellationException.
     */
    @Benchmark
    public boolean completableFutureWhenCompleteThenComplete() {
        CompletableFuture<Object> f = new CompletableFuture<>();
        return f.whenComplete(CF_CALLBACK).complete(null);
    }

    @Benchmark
    public Object completableFutureWhenComplete() {
        CompletableFuture<Object> f = new CompletableFuture<>();
        return f.whenComplete(CF_CALLBACK);
    }
}
