package dev.braid.api;

import static dev.braid.atomic.Ordering.ACQUIRE;
import static dev.braid.atomic.Ordering.RELAXED;
import static dev.braid.atomic.Ordering.RELEASE;
import static dev.braid.atomic.Ordering.SEQ_CST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.AtomicI64;
import dev.braid.atomic.AtomicRef;
import dev.braid.atomic.Fences;
import dev.braid.atomic.Ordering;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Hostile-input cases of {@code dev.braid.atomic} for {@link HostileInputTest}: a null ordering, an
 * ordering that makes no sense for the access, a bad compare-exchange pair, a null function. Each
 * call would change the cell if it were accepted, and the check confirms it did not.
 */
final class AtomicCases {
    interface Sink {
        void put(
                String signature,
                ThrowingCallable call,
                Class<? extends Throwable> type,
                String mentions,
                Runnable unchanged);
    }

    private final Sink sink;

    private AtomicCases(Sink sink) {
        this.sink = sink;
    }

    static void add(Sink sink) {
        new AtomicCases(sink).all();
    }

    /** {@code null}, and {@code bad} if not null, must be refused naming {@code order}. */
    private void ord(String sig, Consumer<Ordering> call, Runnable unchanged, Ordering bad) {
        sink.put(sig, () -> call.accept(null), NullPointerException.class, "order", unchanged);
        if (bad != null) {
            sink.put(
                    sig + "#" + bad,
                    () -> call.accept(bad),
                    IllegalArgumentException.class,
                    "order",
                    unchanged);
        }
    }

    /** Null success/failure, a RELEASE failure, and a failure stronger than success. */
    private void cas(String sig, BiConsumer<Ordering, Ordering> call, Runnable unchanged) {
        sink.put(
                sig,
                () -> call.accept(null, RELAXED),
                NullPointerException.class,
                "success",
                unchanged);
        sink.put(
                sig + "#failureNull",
                () -> call.accept(SEQ_CST, null),
                NullPointerException.class,
                "failure",
                unchanged);
        sink.put(
                sig + "#release",
                () -> call.accept(SEQ_CST, RELEASE),
                IllegalArgumentException.class,
                "failure",
                unchanged);
        sink.put(
                sig + "#stronger",
                () -> call.accept(ACQUIRE, SEQ_CST),
                IllegalArgumentException.class,
                "stronger",
                unchanged);
        sink.put(
                sig + "#strongerAcquire",
                () -> call.accept(RELEASE, ACQUIRE),
                IllegalArgumentException.class,
                "stronger",
                unchanged);
    }

    private void all() {
        AtomicI32 i = new AtomicI32(7);
        Runnable iSame = () -> assertThat(i.load(SEQ_CST)).isEqualTo(7);
        ord("AtomicI32.load(Ordering)", o -> i.load(o), iSame, RELEASE);
        ord("AtomicI32.store(int, Ordering)", o -> i.store(8, o), iSame, ACQUIRE);
        ord("AtomicI32.swap(int, Ordering)", o -> i.swap(8, o), iSame, null);
        ord("AtomicI32.fetchAdd(int, Ordering)", o -> i.fetchAdd(1, o), iSame, null);
        ord("AtomicI32.fetchSub(int, Ordering)", o -> i.fetchSub(1, o), iSame, null);
        ord("AtomicI32.fetchAnd(int, Ordering)", o -> i.fetchAnd(0, o), iSame, null);
        ord("AtomicI32.fetchOr(int, Ordering)", o -> i.fetchOr(1, o), iSame, null);
        ord("AtomicI32.fetchXor(int, Ordering)", o -> i.fetchXor(1, o), iSame, null);
        ord("AtomicI32.fetchMax(int, Ordering)", o -> i.fetchMax(9, o), iSame, null);
        ord("AtomicI32.fetchMin(int, Ordering)", o -> i.fetchMin(1, o), iSame, null);
        ord(
                "AtomicI32.fetchUpdate(IntUnaryOperator, Ordering)",
                o -> i.fetchUpdate(v -> 1, o),
                iSame,
                null);
        ord(
                "AtomicI32.updateAndGet(IntUnaryOperator, Ordering)",
                o -> i.updateAndGet(v -> 1, o),
                iSame,
                null);
        npe(
                "AtomicI32.fetchUpdate(IntUnaryOperator, Ordering)#f",
                () -> i.fetchUpdate(null, SEQ_CST),
                iSame);
        npe(
                "AtomicI32.updateAndGet(IntUnaryOperator, Ordering)#f",
                () -> i.updateAndGet(null, SEQ_CST),
                iSame);
        cas(
                "AtomicI32.compareExchange(int, int, Ordering, Ordering)",
                (s, f) -> i.compareExchange(7, 8, s, f),
                iSame);
        cas(
                "AtomicI32.compareExchangeWeak(int, int, Ordering, Ordering)",
                (s, f) -> i.compareExchangeWeak(7, 8, s, f),
                iSame);

        AtomicI64 l = new AtomicI64(7);
        Runnable lSame = () -> assertThat(l.load(SEQ_CST)).isEqualTo(7L);
        ord("AtomicI64.load(Ordering)", o -> l.load(o), lSame, Ordering.ACQ_REL);
        ord("AtomicI64.store(long, Ordering)", o -> l.store(8, o), lSame, ACQUIRE);
        ord("AtomicI64.swap(long, Ordering)", o -> l.swap(8, o), lSame, null);
        ord("AtomicI64.fetchAdd(long, Ordering)", o -> l.fetchAdd(1, o), lSame, null);
        ord("AtomicI64.fetchSub(long, Ordering)", o -> l.fetchSub(1, o), lSame, null);
        ord("AtomicI64.fetchAnd(long, Ordering)", o -> l.fetchAnd(0, o), lSame, null);
        ord("AtomicI64.fetchOr(long, Ordering)", o -> l.fetchOr(1, o), lSame, null);
        ord("AtomicI64.fetchXor(long, Ordering)", o -> l.fetchXor(1, o), lSame, null);
        ord("AtomicI64.fetchMax(long, Ordering)", o -> l.fetchMax(9, o), lSame, null);
        ord("AtomicI64.fetchMin(long, Ordering)", o -> l.fetchMin(1, o), lSame, null);
        ord(
                "AtomicI64.fetchUpdate(LongUnaryOperator, Ordering)",
                o -> l.fetchUpdate(v -> 1, o),
                lSame,
                null);
        ord(
                "AtomicI64.updateAndGet(LongUnaryOperator, Ordering)",
                o -> l.updateAndGet(v -> 1, o),
                lSame,
                null);
        npe(
                "AtomicI64.fetchUpdate(LongUnaryOperator, Ordering)#f",
                () -> l.fetchUpdate(null, SEQ_CST),
                lSame);
        npe(
                "AtomicI64.updateAndGet(LongUnaryOperator, Ordering)#f",
                () -> l.updateAndGet(null, SEQ_CST),
                lSame);
        cas(
                "AtomicI64.compareExchange(long, long, Ordering, Ordering)",
                (s, f) -> l.compareExchange(7, 8, s, f),
                lSame);
        cas(
                "AtomicI64.compareExchangeWeak(long, long, Ordering, Ordering)",
                (s, f) -> l.compareExchangeWeak(7, 8, s, f),
                lSame);

        AtomicBool b = new AtomicBool(true);
        Runnable bSame = () -> assertThat(b.load(SEQ_CST)).isTrue();
        ord("AtomicBool.load(Ordering)", o -> b.load(o), bSame, RELEASE);
        ord("AtomicBool.store(boolean, Ordering)", o -> b.store(false, o), bSame, ACQUIRE);
        ord("AtomicBool.swap(boolean, Ordering)", o -> b.swap(false, o), bSame, null);
        ord("AtomicBool.fetchAnd(boolean, Ordering)", o -> b.fetchAnd(false, o), bSame, null);
        ord("AtomicBool.fetchOr(boolean, Ordering)", o -> b.fetchOr(false, o), bSame, null);
        ord("AtomicBool.fetchXor(boolean, Ordering)", o -> b.fetchXor(true, o), bSame, null);
        cas(
                "AtomicBool.compareExchange(boolean, boolean, Ordering, Ordering)",
                (s, f) -> b.compareExchange(true, false, s, f),
                bSame);
        cas(
                "AtomicBool.compareExchangeWeak(boolean, boolean, Ordering, Ordering)",
                (s, f) -> b.compareExchangeWeak(true, false, s, f),
                bSame);

        String seven = "seven";
        AtomicRef<String> r = new AtomicRef<>(seven);
        Runnable rSame = () -> assertThat(r.load(SEQ_CST)).isSameAs(seven);
        ord("AtomicRef.load(Ordering)", o -> r.load(o), rSame, RELEASE);
        ord("AtomicRef.store(Object, Ordering)", o -> r.store("x", o), rSame, ACQUIRE);
        ord("AtomicRef.swap(Object, Ordering)", o -> r.swap("x", o), rSame, null);
        ord(
                "AtomicRef.fetchUpdate(UnaryOperator, Ordering)",
                o -> r.fetchUpdate(v -> "x", o),
                rSame,
                null);
        ord(
                "AtomicRef.updateAndGet(UnaryOperator, Ordering)",
                o -> r.updateAndGet(v -> "x", o),
                rSame,
                null);
        npe(
                "AtomicRef.fetchUpdate(UnaryOperator, Ordering)#f",
                () -> r.fetchUpdate(null, SEQ_CST),
                rSame);
        npe(
                "AtomicRef.updateAndGet(UnaryOperator, Ordering)#f",
                () -> r.updateAndGet(null, SEQ_CST),
                rSame);
        cas(
                "AtomicRef.compareExchange(Object, Object, Ordering, Ordering)",
                (s, f) -> r.compareExchange(seven, "x", s, f),
                rSame);
        cas(
                "AtomicRef.compareExchangeWeak(Object, Object, Ordering, Ordering)",
                (s, f) -> r.compareExchangeWeak(seven, "x", s, f),
                rSame);

        ord("Fences.fence(Ordering)", Fences::fence, () -> {}, RELAXED);
        sink.put(
                "Ordering.valueOf(String)",
                () -> Ordering.valueOf(null),
                NullPointerException.class,
                "Name",
                () -> {});
    }

    private void npe(String sig, ThrowingCallable call, Runnable unchanged) {
        sink.put(sig, call, NullPointerException.class, "update", unchanged);
    }
}
