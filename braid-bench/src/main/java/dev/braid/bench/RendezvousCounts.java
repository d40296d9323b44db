package dev.braid.bench;

import dev.braid.channel.Channel;

/**
 * Not a JMH benchmark: rendezvous hand-offs between two platform threads, in rounds, printing the
 * time per hand-off of each round, for counting what a hand-off costs in system calls and context
 * switches (ADR 0090, ADR 0091). Run it under {@code perf stat} and divide by {@code hand-offs ×
 * rounds}:
 *
 * <pre>
 * perf stat -e context-switches,syscalls:sys_enter_futex,syscalls:sys_enter_sched_yield -- \
 *     java -Xms512m [-Dbraid.channel.spins=N] [-Dbraid.channel.parkAnnounce=false] \
 *     -cp braid-bench/target/benchmarks.jar dev.braid.bench.RendezvousCounts [hand-offs] [rounds]
 * </pre>
 *
 * Defaults: 200,000 hand-offs, 4 rounds (the first is warm-up). futex calls count real parks and
 * unparks of a parked thread; {@code sched_yield} calls count the yields of the pre-park budget.
 */
public final class RendezvousCounts {
    private static final Integer ONE = 1;

    private RendezvousCounts() {}

    public static void main(String[] args) throws InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        for (int r = 0; r < rounds; r++) {
            Channel<Integer> ch = Channel.rendezvous();
            Thread tx =
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        try {
                                            for (int i = 0; i < n; i++) {
                                                ch.send(ONE);
                                            }
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                    });
            long t0 = System.nanoTime();
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += ch.recv();
            }
            tx.join();
            long dt = System.nanoTime() - t0;
            System.out.printf(
                    "round %d: %.0f ns per hand-off (%d received)%n", r, (double) dt / n, sum);
        }
    }
}
