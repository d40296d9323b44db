package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.channel.Channel;
import dev.braid.thread.ScopePolicy;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Audit 9: {@code Threads.scope} and {@code TaskScope} share one {@link ScopePolicy} vocabulary;
 * the same plan of children gives the same outcome under each policy on both (what is thrown, what
 * is suppressed, whether a blocked sibling is stopped). The exception types differ by design
 * ({@code PanicException} for threads, {@link TaskPanicException} for tasks, ADR 0027): compared
 * here by their causes. A "blocked" child waits in a braid wait that only a stop ends.
 */
class ScopePolicyVocabularyAuditTest {
    private static final Duration HANG = Duration.ofSeconds(60);
    private final ThreadedExecutor ex = ThreadedExecutor.create("vocabulary", 2);

    @AfterEach
    void close() {
        ex.close();
    }

    /** A child: "ok" returns 1, "fN" throws an ISE with message fN, "blocked" waits forever. */
    private static Object threadsOutcome(ScopePolicy policy, String... plan) {
        try {
            Threads.scope(
                    policy,
                    s -> {
                        for (String p : plan) {
                            s.spawn(
                                    () -> {
                                        if (p.equals("blocked")) {
                                            return Channel.<Integer>rendezvous().recv();
                                        }
                                        if (p.startsWith("f")) {
                                            throw new IllegalStateException(p);
                                        }
                                        return 1;
                                    });
                        }
                    });
            return "returned";
        } catch (Throwable t) {
            return causes(t);
        }
    }

    private Object tasksOutcome(ScopePolicy policy, String... plan) {
        try (TaskScope scope = TaskScope.open(ex, policy)) {
            for (String p : plan) {
                scope.spawn(
                        p.equals("blocked")
                                ? Async.<Integer>never()
                                : p.startsWith("f")
                                        ? Async.<Integer>failed(new IllegalStateException(p))
                                        : Async.ready(1));
            }
            scope.join();
            return "returned";
        } catch (Throwable t) {
            return causes(t);
        }
    }

    /** The messages of the thrown exception's cause and of its suppressed ones' causes, sorted. */
    private static Set<String> causes(Throwable t) {
        List<Throwable> all = new ArrayList<>(List.of(t));
        all.addAll(List.of(t.getSuppressed()));
        Set<String> out = new TreeSet<>();
        for (Throwable e : all) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            out.add(c.getClass().getSimpleName() + ":" + c.getMessage());
        }
        return out;
    }

    private void sameOnBoth(ScopePolicy policy, Object expected, String... plan) {
        assertTimeoutPreemptively(
                HANG,
                () -> {
                    assertThat(threadsOutcome(policy, plan)).as("threads").isEqualTo(expected);
                    assertThat(tasksOutcome(policy, plan)).as("tasks").isEqualTo(expected);
                });
    }

    @Test
    void failFastThrowsTheFailureAndStopsTheBlockedSibling() {
        sameOnBoth(ScopePolicy.FAIL_FAST, Set.of("IllegalStateException:f1"), "f1", "blocked");
        sameOnBoth(ScopePolicy.FAIL_FAST, "returned", "ok", "ok");
    }

    @Test
    void collectAllThrowsOneFailureWithTheOthersSuppressed() {
        sameOnBoth(
                ScopePolicy.COLLECT_ALL,
                Set.of("IllegalStateException:f1", "IllegalStateException:f2"),
                "f1",
                "ok",
                "f2");
        sameOnBoth(ScopePolicy.COLLECT_ALL, "returned", "ok", "ok");
    }

    @Test
    void firstSuccessReturnsOnASuccessStopsTheBlockedSiblingAndThrowsWhenAllFail() {
        sameOnBoth(ScopePolicy.FIRST_SUCCESS, "returned", "ok", "blocked");
        sameOnBoth(ScopePolicy.FIRST_SUCCESS, "returned", "f1", "ok");
        sameOnBoth(
                ScopePolicy.FIRST_SUCCESS,
                Set.of("IllegalStateException:f1", "IllegalStateException:f2"),
                "f1",
                "f2");
    }
}
