package dev.braid.cancel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    @Test
    void expiresAfterItsDuration() throws Exception {
        Deadline far = Deadline.after(Duration.ofMinutes(10));
        assertThat(far.isExpired()).isFalse();
        assertThat(far.remaining()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10));
        Deadline d = Deadline.after(Duration.ofMillis(20));
        Thread.sleep(30);
        assertThat(d.isExpired()).isTrue();
        assertThat(d.remaining()).isZero();
        assertThat(d.remainingNanos()).isZero();
    }

    @Test
    void zeroAndNegativeTimeoutsAreAlreadyExpired() {
        assertThat(Deadline.after(Duration.ZERO).isExpired()).isTrue();
        assertThat(Deadline.after(Duration.ofSeconds(-5)).isExpired()).isTrue();
    }

    @Test
    void hugeDurationsSaturateInsteadOfOverflowing() {
        Deadline far = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(far.isExpired()).isFalse();
        assertThat(far.remaining()).isGreaterThan(Duration.ofDays(365 * 50));
        assertThat(far.compareTo(Deadline.after(Duration.ofDays(1)))).isPositive();
    }

    @Test
    void neverIsLaterThanEverythingAndMinPicksTheEarlier() {
        Deadline soon = Deadline.after(Duration.ofSeconds(1));
        Deadline later = Deadline.after(Duration.ofSeconds(2));
        assertThat(soon.min(later)).isSameAs(soon);
        assertThat(later.min(soon)).isSameAs(soon);
        assertThat(Deadline.never().min(soon)).isSameAs(soon);
        assertThat(Deadline.never().isExpired()).isFalse();
        assertThat(Deadline.never().remainingNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(Deadline.never().compareTo(Deadline.never())).isZero();
        assertThat(Deadline.never()).hasToString("Deadline[never]");
    }
}
