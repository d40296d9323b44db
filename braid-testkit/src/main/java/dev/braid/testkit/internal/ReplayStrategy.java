package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;
import dev.braid.testkit.Schedule;

/**
 * Follows the choices of a recorded {@link Schedule}. It reports, instead of papering over, a
 * program that asks for more choices, offers fewer options than were chosen from, or ends with a
 * different trace fingerprint.
 */
public final class ReplayStrategy implements Strategy {
    private final Schedule schedule;
    private final ChoiceLog.Reader reader;
    private int used;

    /** A strategy that replays {@code schedule}. */
    public ReplayStrategy(Schedule schedule) {
        this.schedule = schedule;
        this.reader = new ChoiceLog.Reader(schedule.choices());
    }

    /** The schedule being replayed. */
    public Schedule schedule() {
        return schedule;
    }

    @Override
    public String name() {
        return schedule.strategy();
    }

    @Override
    public long seed() {
        return schedule.seed();
    }

    @Override
    public int choose(int[] runnable, int count, int current, Op op, long step) {
        if (used >= schedule.choiceCount()) {
            throw new Divergence(
                    "the schedule holds "
                            + schedule.choiceCount()
                            + " choices but the program asked for more (at step "
                            + step
                            + ")");
        }
        int c = reader.next(count);
        if (c < 0 || c >= count) {
            throw new Divergence(
                    "choice "
                            + (used + 1)
                            + " was recorded as #"
                            + c
                            + " but only "
                            + count
                            + " threads are runnable at step "
                            + step);
        }
        used++;
        return c;
    }

    @Override
    public int chooseMemory(int count, int current, long step) {
        if (used >= schedule.choiceCount()) {
            throw new Divergence(
                    "the schedule holds "
                            + schedule.choiceCount()
                            + " choices but the program asked for more (a memory choice at step "
                            + step
                            + ")");
        }
        int c = reader.next(count);
        if (c < 0 || c >= count) {
            throw new Divergence(
                    "memory choice "
                            + (used + 1)
                            + " was recorded as #"
                            + c
                            + " but only "
                            + count
                            + " options exist at step "
                            + step);
        }
        used++;
        return c;
    }

    @Override
    public String finish(int choicesMade, int fingerprint) {
        if (choicesMade != schedule.choiceCount()) {
            return "the program ended after "
                    + choicesMade
                    + " of the schedule's "
                    + schedule.choiceCount()
                    + " choices";
        }
        if (fingerprint != schedule.fingerprint()) {
            return String.format(
                    "the trace fingerprint is %08x, the schedule recorded %08x",
                    fingerprint, schedule.fingerprint());
        }
        return null;
    }
}
