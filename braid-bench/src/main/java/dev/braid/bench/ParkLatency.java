package dev.braid.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Not a JMH benchmark: measures how late this machine wakes a thread from a timed park, with no
 * timer library involved. Every timer (braid's, STPE's, Netty's) parks its driver until the next
 * deadline, so a machine whose wake-ups are sometimes milliseconds late cannot show TimerExpire's
 * "p99 lateness ≤ 1 tick" for any of them. Run it before judging that target on a machine:
 *
 * <pre>
 * java -cp braid-bench/target/benchmarks.jar dev.braid.bench.ParkLatency [parks] [spin]
 * </pre>
 *
 * Parks {@code parks} times (default 3000) for a uniformly random 0.1-10 ms each (the gaps a timer
 * driver sleeps through in TimerExpire) and prints how far past its deadline each park returned.
 * With {@code spin}, a second thread spins meanwhile (a machine that is not idle).
 */
public final class ParkLatency {
    private static volatile boolean stop;

    private ParkLatency() {}

    public static void main(String[] args) throws InterruptedException {
        int parks = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        boolean spin = args.length > 1 && args[1].equals("spin");
        Thread spinner = null;
        if (spin) {
            spinner =
                    new Thread(
                            () -> {
                                while (!stop) {
                                    Thread.onSpinWait();
                                }
                            });
            spinner.setDaemon(true);
            spinner.start();
        }
        SplittableRandom random = new SplittableRandom(1);
        long[] late = new long[parks];
        for (int i = 0; i < parks; i++) {
            long deadline = System.nanoTime() + 100_000 + random.nextLong(9_900_000);
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
            late[i] = System.nanoTime() - deadline;
        }
        stop = true;
        if (spinner != null) {
            spinner.join();
        }
        Arrays.sort(late);
        long overTick = Arrays.stream(late).filter(l -> l > 1_000_000).count();
        System.out.printf(
                "%d timed parks of 0.1-10 ms%s: late p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f"
                        + " max=%.3f ms; over 1 ms: %d (%.2f%%), over 2 ms: %d%n",
                parks,
                spin ? " (another thread spinning)" : "",
                late[parks / 2] / 1e6,
                late[(int) (parks * 0.90)] / 1e6,
                late[(int) (parks * 0.99)] / 1e6,
                late[(int) (parks * 0.999)] / 1e6,
                late[parks - 1] / 1e6,
                overTick,
                100.0 * overTick / parks,
                Arrays.stream(late).filter(l -> l > 2_000_000).count());
    }
}
