package dev.braid.bench;

import dev.braid.sync.Lazy;
import dev.braid.sync.OnceCell;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading an initialized value: {@link Lazy#get}, {@link OnceCell#getOrInit} and {@link
 * OnceCell#get} against the classic double-checked holder (volatile field + synchronized).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class OnceBench {
    /** The double-checked idiom that OnceCell/Lazy replace. */
    static final class DoubleChecked {
        private volatile String value;

        String get() {
            String v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        value = v = "value";
                    }
                }
            }
            return v;
        }
    }

    final Lazy<String> lazy = Lazy.of(() -> "value");
    final OnceCell<String> cell = new OnceCell<>();
    final DoubleChecked doubleChecked = new DoubleChecked();

    {
        lazy.get();
        cell.set("value");
        doubleChecked.get();
    }

    @Benchmark
    public String lazyGet() {
        return lazy.get();
    }

    @Benchmark
    public String onceCellGetOrInit() {
        return cell.getOrInit(() -> "other");
    }

    @Benchmark
    public String onceCellGet() {
        return cell.get().orElseThrow();
    }

    @Benchmark
    public String doubleCheckedGet() {
        return doubleChecked.get();
    }
}
