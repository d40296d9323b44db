package dev.braid.testkit.internal;

import static dev.braid.testkit.internal.StallJudge.Verdict.BLOCKED_OUTSIDE;
import static dev.braid.testkit.internal.StallJudge.Verdict.NONE;
import static dev.braid.testkit.internal.StallJudge.Verdict.RUNAWAY;
import static java.lang.Thread.State.BLOCKED;
import static java.lang.Thread.State.RUNNABLE;
import static java.lang.Thread.State.TIMED_WAITING;
import static java.lang.Thread.State.WAITING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.internal.StallJudge.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The watchdog's rule (ADR 0177) on made-up timelines: what a sampler that comes back on time or
 * late sees of a holder that is blocked, computing, or descheduled. No thread, no clock: each test
 * is a list of samples.
 */
class StallJudgeTest {
    private static final long MS = 1_000_000L;
    private static final long WATCH = 1_000 * MS; // the default watchdog
    private static final long POLL = 50 * MS; // Engine.pollNanos(WATCH)

    /** Feeds samples every {@code gap} with no step and state {@code s}; the verdicts. */
    private static List<Verdict> samples(StallJudge j, long[] t, int n, long gap, Thread.State s) {
        List<Verdict> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t[0] += gap;
            out.add(j.sample(t[0], 7, s));
        }
        return out;
    }

    private static StallJudge judge(long[] t) {
        StallJudge j = new StallJudge(WATCH, POLL, t[0]);
        assertThat(j.sample(t[0], 7, RUNNABLE)).isEqualTo(NONE); // the last step
        return j;
    }

    @Test
    void aHolderBlockedForTheWatchdogsTimeOfOnTimeSamplesIsReported() {
        long[] t = {0};
        StallJudge j = judge(t);
        List<Verdict> v = samples(j, t, 21, POLL, WAITING);
        assertThat(v.subList(0, 20)).containsOnly(NONE); // 19 credited intervals: 950 ms
        assertThat(v.get(20)).isEqualTo(BLOCKED_OUTSIDE); // 20 intervals: the watchdog's second
    }

    @Test
    void aHolderComputingWithoutAStepIsReportedAfterTenWatchdogTimes() {
        long[] t = {0};
        StallJudge j = judge(t);
        List<Verdict> v = samples(j, t, 200, POLL, RUNNABLE);
        assertThat(v.subList(0, 199)).containsOnly(NONE);
        assertThat(v.get(199)).isEqualTo(RUNAWAY);
    }

    /** The misfire of the old rule: one look at a computing holder caught it in a short wait. */
    @Test
    void oneBlockedLookAfterALongComputationIsNotReported() {
        long[] t = {0};
        StallJudge j = judge(t);
        assertThat(samples(j, t, 30, POLL, RUNNABLE)).containsOnly(NONE); // 1.5 s, no step
        assertThat(samples(j, t, 1, POLL, BLOCKED)).containsOnly(NONE); // the old rule reported
        assertThat(samples(j, t, 1, POLL, RUNNABLE)).containsOnly(NONE);
        assertThat(samples(j, t, 19, POLL, WAITING)).containsOnly(NONE); // a new streak
    }

    /** A loaded machine: the sampler comes back seconds late; that time is not counted. */
    @Test
    void aStarvedSamplerDoesNotReportABriefWait() {
        long[] t = {0};
        StallJudge j = judge(t);
        // five samples, two seconds apart, all seeing the holder waiting: 10 s of wall time,
        // which the old rule (wall time, one look) reported at the first of them
        assertThat(samples(j, t, 5, 2_000 * MS, WAITING)).containsOnly(NONE);
        assertThat(j.sample(t[0] += POLL, 8, RUNNABLE)).isEqualTo(NONE); // it went on
    }

    /** A holder descheduled (RUNNABLE, no step) through a long pause: not a runaway. */
    @Test
    void aDescheduledHolderThroughLongPausesIsNotARunaway() {
        long[] t = {0};
        StallJudge j = judge(t);
        // 30 s of wall time in twelve late samples and a GC-like pause of 20 s
        assertThat(samples(j, t, 12, 2_500 * MS, RUNNABLE)).containsOnly(NONE);
        assertThat(samples(j, t, 1, 20_000 * MS, RUNNABLE)).containsOnly(NONE);
        assertThat(j.sample(t[0] += POLL, 8, RUNNABLE)).isEqualTo(NONE);
    }

    /** Late samples delay a real report; they do not prevent it. */
    @Test
    void aRealBlockIsStillReportedWhenEverySampleIsLate() {
        long[] t = {0};
        StallJudge j = judge(t);
        List<Verdict> v = samples(j, t, 11, 2_000 * MS, TIMED_WAITING);
        assertThat(v.subList(0, 10)).containsOnly(NONE); // 100 ms credited per sample
        assertThat(v.get(10)).isEqualTo(BLOCKED_OUTSIDE);
    }

    @Test
    void aStepEndsTheStall() {
        long[] t = {0};
        StallJudge j = judge(t);
        assertThat(samples(j, t, 19, POLL, WAITING)).containsOnly(NONE);
        assertThat(j.sample(t[0] += POLL, 8, WAITING)).isEqualTo(NONE); // a step
        StallJudge again = j;
        long[] u = {t[0]};
        List<Verdict> v = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            v.add(again.sample(u[0] += POLL, 8, WAITING));
        }
        assertThat(v.subList(0, 20)).containsOnly(NONE);
        assertThat(v.get(20)).isEqualTo(BLOCKED_OUTSIDE);
    }

    /** A very short watchdog still wants three samples in a row that see the holder blocked. */
    @Test
    void aShortWatchdogStillWantsThreeBlockedSamples() {
        StallJudge j = new StallJudge(MS, 10 * MS, 0); // the shared watchdog polls every 10 ms
        assertThat(j.sample(0, 3, RUNNABLE)).isEqualTo(NONE);
        assertThat(j.sample(10 * MS, 3, WAITING)).isEqualTo(NONE);
        assertThat(j.sample(20 * MS, 3, WAITING)).isEqualTo(NONE);
        assertThat(j.sample(30 * MS, 3, WAITING)).isEqualTo(BLOCKED_OUTSIDE);
    }

    @Test
    void theClockCreditsAtMostTwiceTheIntervalPerSample() {
        StallJudge.Clock c = new StallJudge.Clock(50 * MS, 0);
        assertThat(c.sample(40 * MS)).isEqualTo(40 * MS);
        assertThat(c.sample(5_040 * MS)).isEqualTo(100 * MS);
        assertThat(c.sample(5_000 * MS)).isZero(); // never backwards
        assertThat(c.elapsed()).isEqualTo(140 * MS);
        StallJudge.Clock fine = new StallJudge.Clock(MS, 0);
        assertThat(fine.sample(100 * MS)).isEqualTo(6 * MS); // interval + 5 ms for short ones
    }
}
