package dev.braid.bench;

import dev.braid.thread.Threads;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * A load-robust cross-check of {@link SpawnJoin} for shared, noisy machines (not a JMH benchmark).
 *
 * <p>JMH runs each benchmark's iterations back to back, so when other processes load the machine
 * for a while, one side of a braid/JDK pair can be measured under load and the other not; on the
 * 2-core build machines that swings spawn+join by 3-5x. This program interleaves the two sides
 * instead: each round times a batch of braid spawn+joins and a batch of JDK spawn+joins right after
 * each other (alternating which goes first), and reports the median over rounds of the per-round
 * ratio braid/JDK, so both sides of every ratio saw the same load.
 *
 * <pre>
 * java -cp braid-bench/target/benchmarks.jar dev.braid.bench.PairedSpawnJoin [rounds] [batch]
 * </pre>
 */
public final class PairedSpawnJoin {
    private static final Callable<Integer> BODY = () -> 42;
    private static final Runnable EMPTY = () -> {};

    private PairedSpawnJoin() {}

    /** The side of a pair: runs one batch and returns nanoseconds per spawn+join. */
    @FunctionalInterface
    private interface Side {
        long run(int batch) throws InterruptedException;
    }

    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        System.out.println("java " + Runtime.version() + ", rounds " + rounds + ", batch " + batch);
        compare(
                "platform",
                PairedSpawnJoin::braidPlatform,
                PairedSpawnJoin::jdkPlatform,
                rounds,
                batch);
        compare(
                "virtual",
                PairedSpawnJoin::braidVirtual,
                PairedSpawnJoin::jdkVirtual,
                rounds,
                batch * 10);
    }

    private static void compare(String kind, Side braid, Side jdk, int rounds, int batch)
            throws InterruptedException {
        for (int i = 0; i < rounds / 4; i++) { // warm-up: let both sides reach C2
            braid.run(batch);
            jdk.run(batch);
        }
        double[] ratio = new double[rounds];
        long[] braidNs = new long[rounds];
        long[] jdkNs = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            if ((i & 1) == 0) {
                braidNs[i] = braid.run(batch);
                jdkNs[i] = jdk.run(batch);
            } else {
                jdkNs[i] = jdk.run(batch);
                braidNs[i] = braid.run(batch);
            }
            ratio[i] = (double) braidNs[i] / jdkNs[i];
        }
        Arrays.sort(ratio);
        Arrays.sort(braidNs);
        Arrays.sort(jdkNs);
        System.out.printf(
                "%-8s braid median %8.2f us, jdk median %8.2f us; per-round ratio braid/jdk:"
                        + " p25 %.3f, median %.3f, p75 %.3f%n",
                kind,
                braidNs[rounds / 2] / 1e3,
                jdkNs[rounds / 2] / 1e3,
                ratio[rounds / 4],
                ratio[rounds / 2],
                ratio[rounds * 3 / 4]);
    }

    private static long braidPlatform(int batch) throws InterruptedException {
        long t0 = System.nanoTime();
        for (int i = 0; i < batch; i++) {
            Threads.builder().platform().spawn(BODY).join();
        }
        return (System.nanoTime() - t0) / batch;
    }

    private static long jdkPlatform(int batch) throws InterruptedException {
        long t0 = System.nanoTime();
        for (int i = 0; i < batch; i++) {
            Thread t = new Thread(EMPTY);
            t.start();
            t.join();
        }
        return (System.nanoTime() - t0) / batch;
    }

    private static long braidVirtual(int batch) throws InterruptedException {
        long t0 = System.nanoTime();
        for (int i = 0; i < batch; i++) {
            Threads.builder().virtual().spawn(BODY).join();
        }
        return (System.nanoTime() - t0) / batch;
    }

    private static long jdkVirtual(int batch) throws InterruptedException {
        long t0 = System.nanoTime();
        for (int i = 0; i < batch; i++) {
            Thread.ofVirtual().start(EMPTY).join();
        }
        return (System.nanoTime() - t0) / batch;
    }
}
