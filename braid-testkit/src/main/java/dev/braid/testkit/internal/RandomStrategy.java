package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;
import java.util.SplittableRandom;

/** Uniformly random choice among the runnable tasks at every scheduling point, from a seed. */
public final class RandomStrategy implements Strategy {
    /** The name in schedule strings. */
    public static final String NAME = "random";

    private final long seed;
    private final SplittableRandom random;

    /** A strategy whose choices depend only on {@code seed} and the program's history. */
    public RandomStrategy(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public int choose(int[] runnable, int count, int current, Op op, long step) {
        return random.nextInt(count);
    }

    /** Uniform among the stores a load may read, or the places a store may take. */
    @Override
    public int chooseMemory(int count, int current, long step) {
        return random.nextInt(count);
    }
}
