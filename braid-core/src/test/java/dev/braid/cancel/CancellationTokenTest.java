package dev.braid.cancel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CancellationTokenTest {
    @Test
    void cancelSetsTheCauseOnceAndRunsCallbacksNewestFirst() {
        var src = new CancellationSource();
        List<Integer> order = new ArrayList<>();
        src.token().onCancel(() -> order.add(1));
        src.token().onCancel(() -> order.add(2));
        assertThat(src.isCancelled()).isFalse();
        assertThat(src.token().cause()).isEmpty();

        IOException cause = new IOException("peer gone");
        assertThat(src.cancel(cause)).isTrue();
        assertThat(src.cancel(new IOException("second"))).isFalse();
        assertThat(src.token().cause()).containsSame(cause);
        assertThat(order).containsExactly(2, 1);
    }

    @Test
    void callbackRegisteredAfterCancelRunsAtOnce() {
        var src = new CancellationSource();
        src.cancel("stop");
        AtomicInteger runs = new AtomicInteger();
        CancellationRegistration r = src.token().onCancel(runs::incrementAndGet);
        assertThat(runs).hasValue(1);
        assertThat(r.deregister()).isFalse();
        assertThat(src.token().cause().orElseThrow())
                .isInstanceOf(CancellationException.class)
                .hasMessage("stop");
    }

    @Test
    void aRegistrationSaysWhereItStands() {
        var src = new CancellationSource();
        CancellationRegistration live = src.token().onCancel(() -> {});
        assertThat(live)
                .hasToString("CancellationRegistration[live, on CancellationToken[active]]");
        live.deregister();
        assertThat(live)
                .hasToString("CancellationRegistration[removed, on CancellationToken[active]]");
        CancellationRegistration kept = src.token().onCancel(() -> {});
        src.cancel("stop");
        kept.deregister();
        assertThat(kept.toString())
                .startsWith("CancellationRegistration[kept (the token was cancelled first), on ")
                .contains("cancelled: ");
        assertThat(src.token().onCancel(() -> {}))
                .hasToString(
                        "CancellationRegistration[ran at registration: the token was already cancelled]");
        assertThat(CancellationToken.none().onCancel(() -> {}))
                .hasToString("CancellationRegistration[never runs: the token cannot be cancelled]");
    }

    @Test
    void deregisteredCallbackNeverRunsAndIsReleased() {
        var src = new CancellationSource();
        AtomicInteger runs = new AtomicInteger();
        Runnable cb = runs::incrementAndGet;
        WeakReference<Runnable> weak = new WeakReference<>(cb);
        CancellationRegistration r = src.token().onCancel(cb);
        cb = null;
        assertThat(r.deregister()).isTrue();
        assertThat(r.deregister()).isFalse();
        src.cancel();
        assertThat(runs).hasValue(0);
        assertThat(dev.braid.Collected.cleared(weak)).as("the callback was released").isTrue();
    }

    @Test
    void deregisterMiddleKeepsTheOthers() {
        var src = new CancellationSource();
        List<String> ran = new ArrayList<>();
        var a = src.token().onCancel(() -> ran.add("a"));
        var b = src.token().onCancel(() -> ran.add("b"));
        var c = src.token().onCancel(() -> ran.add("c"));
        assertThat(b.deregister()).isTrue();
        assertThat(a.deregister()).isTrue();
        src.token().onCancel(() -> ran.add("d"));
        src.cancel();
        assertThat(ran).containsExactly("d", "c");
        assertThat(c.deregister()).isFalse();
    }

    @Test
    void failingCallbacksDoNotStopOthersAndAreReported() {
        var src = new CancellationSource();
        AtomicInteger ran = new AtomicInteger();
        src.token()
                .onCancel(
                        () -> {
                            throw new IllegalStateException("one");
                        });
        src.token().onCancel(ran::incrementAndGet);
        src.token()
                .onCancel(
                        () -> {
                            throw new IllegalArgumentException("two");
                        });
        assertThatThrownBy(src::cancel) // newest first: "two" is the first failure
                .isInstanceOf(CancellationCallbackException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThat(ran).hasValue(1);
        assertThat(src.isCancelled()).isTrue();
    }

    @Test
    void reentrantCancelInsideCallbackIsANoOp() {
        var src = new CancellationSource();
        List<Object> seen = new ArrayList<>();
        src.token()
                .onCancel(
                        () -> {
                            seen.add(src.cancel("again"));
                            seen.add(src.token().isCancelled());
                            src.token().onCancel(() -> seen.add("nested"));
                        });
        assertThat(src.cancel("first")).isTrue();
        assertThat(seen).containsExactly(false, true, "nested");
        assertThat(src.token().cause().orElseThrow()).hasMessage("first");
    }

    @Test
    void linkedTokenIsCancelledByAnyParentWithItsCause() {
        var p1 = new CancellationSource();
        var p2 = new CancellationSource();
        var child = CancellationSource.linkedTo(p1.token(), p2.token());
        var grandchild = CancellationSource.linkedTo(child.token());
        IOException cause = new IOException("p2");
        p2.cancel(cause);
        assertThat(child.token().cause()).containsSame(cause);
        assertThat(grandchild.token().cause()).containsSame(cause);
        assertThat(p1.isCancelled()).isFalse();
    }

    @Test
    void linkedToACancelledParentIsCancelledAtOnce() {
        var p = new CancellationSource();
        p.cancel("gone");
        var child = CancellationSource.linkedTo(CancellationToken.none(), p.token());
        assertThat(child.isCancelled()).isTrue();
    }

    @Test
    void cancellingTheChildDoesNotCancelParentsAndReleasesLinks() {
        var p = new CancellationSource();
        var child = CancellationSource.linkedTo(p.token());
        child.cancel();
        assertThat(p.isCancelled()).isFalse();
        var closed = CancellationSource.linkedTo(p.token());
        closed.close();
        p.cancel();
        assertThat(closed.isCancelled()).isFalse();
    }

    @Test
    void deadlineIsQueryableAndInherited() {
        var p = new CancellationSource();
        assertThat(p.token().deadline().isNever()).isTrue();
        p.cancelAfter(Duration.ofHours(1));
        var child = CancellationSource.linkedTo(p.token());
        child.cancelAfter(Duration.ofHours(2)); // later than the parent's: child keeps the earlier
        assertThat(child.token().deadline()).isEqualTo(p.token().deadline());
        child.cancelAfter(Duration.ofMinutes(1));
        assertThat(child.token().deadline()).isLessThan(p.token().deadline());
        p.close();
        child.close();
    }

    @Test
    void cancelAfterCancelsWithDeadlineExceeded() throws Exception {
        var src = CancellationSource.withTimeout(Duration.ofMillis(20));
        assertThat(src.token().await(Duration.ofSeconds(30))).isTrue();
        assertThat(src.token().cause().orElseThrow()).isInstanceOf(DeadlineExceededException.class);
        assertThatThrownBy(src.token()::throwIfCancelled)
                .isInstanceOf(DeadlineExceededException.class);
        assertThat(src.token().deadline().isExpired()).isTrue();
    }

    @Test
    void zeroCancelAfterCancelsNow() {
        var src = new CancellationSource();
        src.cancelAfter(Duration.ZERO);
        assertThat(src.isCancelled()).isTrue();
    }

    @Test
    void toExceptionCarriesTheCause() {
        var src = new CancellationSource();
        assertThatThrownBy(src.token()::toException).isInstanceOf(IllegalStateException.class);
        src.token().throwIfCancelled();
        IOException cause = new IOException("x");
        src.cancel(cause);
        assertThat(src.token().toException())
                .isInstanceOf(CancellationException.class)
                .hasCause(cause);
    }

    @Test
    void noneIsNeverCancelled() {
        CancellationToken none = CancellationToken.none();
        assertThat(none.canBeCancelled()).isFalse();
        assertThat(none.onCancel(() -> {}).deregister()).isTrue();
        assertThat(none.deadline().isNever()).isTrue();
    }

    @Test
    void bridgesToAndFromCompletableFuture() {
        var src = new CancellationSource();
        CompletableFuture<String> f = new CompletableFuture<>();
        src.token().propagateTo(f);
        src.cancel("stop");
        assertThat(f.isCancelled()).isTrue();

        CompletableFuture<String> g = new CompletableFuture<>();
        CancellationToken fromG = CancellationToken.fromFuture(g);
        IOException boom = new IOException("boom");
        g.completeExceptionally(boom);
        assertThat(fromG.cause()).containsSame(boom);

        CompletableFuture<String> h = new CompletableFuture<>();
        CancellationToken fromH = CancellationToken.fromFuture(h);
        h.complete("ok");
        assertThat(fromH.isCancelled()).isFalse();

        // a finished future drops its registration
        var src2 = new CancellationSource();
        CompletableFuture<String> done = new CompletableFuture<>();
        CancellationRegistration r = src2.token().propagateTo(done);
        done.complete("x");
        assertThat(r.deregister()).isFalse();
    }

    @Test
    void interruptsABoundThread() throws Exception {
        var src = new CancellationSource();
        CountDownLatch started = new CountDownLatch(1);
        JoinHandle<Boolean> h =
                Threads.spawn(
                        () -> {
                            var r = src.token().interruptOnCancel(Thread.currentThread());
                            try {
                                started.countDown();
                                Threads.sleep(Duration.ofMinutes(1));
                                return false;
                            } catch (InterruptedException e) {
                                return true;
                            } finally {
                                r.close();
                            }
                        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        src.cancel();
        assertThat(h.join()).isTrue();
    }

    @Test
    void awaitWakesOnCancelAndTimesOut() throws Exception {
        var src = new CancellationSource();
        assertThat(src.token().await(Duration.ofMillis(10))).isFalse();
        JoinHandle<Void> h =
                Threads.spawn(
                        () -> {
                            Threads.sleep(Duration.ofMillis(20));
                            src.cancel();
                            return null;
                        });
        src.token().await();
        h.join();
        assertThat(src.isCancelled()).isTrue();
    }
}
