package dev.braid.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.braid.cancel.Deadline;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Panics;
import dev.braid.thread.ThreadBuilder;
import dev.braid.thread.ThreadLocalKey;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Every public method or constructor of the exported API that takes a reference or a size rejects
 * bad arguments with a clear exception naming the argument, and leaves state unchanged. The API is
 * enumerated reflectively, so a new method without a case here fails {@link #everyMethodIsCovered}.
 */
class HostileInputTest {
    private static final Set<String> EXPORTED =
            Set.of("dev.braid.atomic", "dev.braid.cancel", "dev.braid.thread", "dev.braid.sync");

    /** Parameters that legitimately accept any value, with the reason. */
    private static final Map<String, String> EXEMPT =
            Map.ofEntries(
                    Map.entry("Mutex.<init>(Object)", "the protected value may be null"),
                    Map.entry("MutexGuard.set(Object)", "the protected value may be null"),
                    Map.entry("ThreadLocalKey.set(Object)", "thread-local values may be null"),
                    Map.entry(
                            "JoinOutcome$Finished.<init>(Object)", "a thread's value may be null"),
                    Map.entry("Deadline.equals(Object)", "equals accepts anything"),
                    Map.entry("JoinOutcome$Finished.equals(Object)", "equals accepts anything"),
                    Map.entry("JoinOutcome$TimedOut.equals(Object)", "equals accepts anything"),
                    Map.entry("ThreadBuilder.daemon(boolean)", "every boolean is valid"),
                    Map.entry("AtomicI32.<init>(int)", "every int is a valid initial value"),
                    Map.entry("AtomicI64.<init>(long)", "every long is a valid initial value"),
                    Map.entry("AtomicRef.<init>(Object)", "the value may be null"),
                    Map.entry("Plain.<init>(Object)", "the value may be null"),
                    Map.entry("Plain.set(Object)", "the value may be null"));

    private final Map<String, Case> cases = new LinkedHashMap<>();

    private record Case(
            ThrowingCallable call,
            Class<? extends Throwable> type,
            String mentions,
            Runnable unchanged) {}

    private void npe(String signature, String argument, ThrowingCallable call) {
        cases.put(signature, new Case(call, NullPointerException.class, argument, () -> {}));
    }

    private void iae(String signature, String argument, ThrowingCallable call) {
        cases.put(signature, new Case(call, IllegalArgumentException.class, argument, () -> {}));
    }

    private void build() throws Exception {
        AtomicCases.add(
                (sig, call, type, mentions, unchanged) ->
                        cases.put(sig, new Case(call, type, mentions, unchanged)));
        Mutex<Integer> m = new Mutex<>(1);
        Runnable mutexUntouched =
                () -> {
                    assertThat(m.isLocked()).isFalse();
                    assertThat(m.isPoisoned()).isFalse();
                    assertThat(m.<Integer>withLock(v -> v)).isEqualTo(1);
                };
        cases.put(
                "Mutex.withLock(Function)",
                new Case(
                        () -> m.withLock((Function<Integer, Integer>) null),
                        NullPointerException.class,
                        "action",
                        mutexUntouched));
        cases.put(
                "Mutex.update(UnaryOperator)",
                new Case(
                        () -> m.update((UnaryOperator<Integer>) null),
                        NullPointerException.class,
                        "update",
                        mutexUntouched));
        npe("Mutex.named(String, Object)", "name", () -> Mutex.named(null, 1));
        iae("Mutex.named(String, Object)#blank", "name", () -> Mutex.named(" ", 1));
        MutexGuard<Integer> g = m.lock();
        cases.put(
                "MutexGuard.poison(Throwable)",
                new Case(
                        () -> g.poison(null),
                        NullPointerException.class,
                        "cause",
                        () -> assertThat(m.isPoisoned()).isFalse()));
        g.close();

        npe("Deadline.after(Duration)", "timeout", () -> Deadline.after(null));
        npe("Deadline.min(Deadline)", "other", () -> Deadline.never().min(null));
        npe("Deadline.compareTo(Deadline)", "other", () -> Deadline.never().compareTo(null));

        npe("Threads.spawn(Callable)", "body", () -> Threads.spawn((Callable<Integer>) null));
        npe("Threads.spawn(Runnable)", "body", () -> Threads.spawn((Runnable) null));
        npe("Threads.scope(Threads$ScopeAction)", "body", () -> Threads.scope(null));
        npe("Threads.scopeAndGet(Threads$ScopeFunction)", "body", () -> Threads.scopeAndGet(null));
        npe("Threads.sleep(Duration)", "duration", () -> Threads.sleep(null));
        iae(
                "Threads.sleep(Duration)#negative",
                "duration",
                () -> Threads.sleep(Duration.ofMillis(-1)));
        npe("Threads.sleepUntil(Deadline)", "deadline", () -> Threads.sleepUntil(null));

        ThreadBuilder b = Threads.builder();
        npe("ThreadBuilder.name(String)", "name", () -> b.name(null));
        iae("ThreadBuilder.name(String)#blank", "name", () -> b.name("  "));
        iae("ThreadBuilder.stackSize(long)", "bytes", () -> b.stackSize(-1));
        npe("ThreadBuilder.spawn(Callable)", "body", () -> b.spawn((Callable<Integer>) null));
        npe("ThreadBuilder.spawn(Runnable)", "body", () -> b.spawn((Runnable) null));

        JoinHandle<Integer> h = Threads.spawn(() -> 1);
        h.join();
        npe("JoinHandle.join(Duration)", "timeout", () -> h.join((Duration) null));
        npe("JoinHandle.join(Deadline)", "deadline", () -> h.join((Deadline) null));

        npe("Panics.setHook(PanicHook)", "hook", () -> Panics.setHook(null));

        npe(
                "ThreadLocalKey.of(String, Supplier)",
                "initializer",
                () -> ThreadLocalKey.of("k", null));
        npe(
                "ThreadLocalKey.of(String, Supplier)#name",
                "name",
                () -> ThreadLocalKey.of(null, () -> 1));
        iae(
                "ThreadLocalKey.of(String, Supplier)#blank",
                "name",
                () -> ThreadLocalKey.of("", () -> 1));
        npe(
                "ThreadLocalKey.withDestructor(String, Supplier, Consumer)",
                "destructor",
                () -> ThreadLocalKey.withDestructor("k", () -> 1, null));
        npe(
                "ThreadLocalKey.withDestructor(String, Supplier, Consumer)#init",
                "initializer",
                () -> ThreadLocalKey.withDestructor("k", null, v -> {}));

        var s =
                new Object() {
                    dev.braid.thread.Scope scope;
                };
        Threads.scope(sc -> s.scope = sc);
        npe("Scope.spawn(Callable)", "body", () -> s.scope.spawn(null));
        npe("Scope.spawn(ThreadBuilder, Callable)", "builder", () -> s.scope.spawn(null, () -> 1));
    }

    @Test
    void everyCaseThrowsAClearExceptionAndLeavesStateUnchanged() throws Exception {
        build();
        assertThat(Panics.hook()).isSameAs(Panics.defaultHook());
        cases.forEach(
                (sig, c) -> {
                    assertThatThrownBy(c.call())
                            .as(sig)
                            .isInstanceOf(c.type())
                            .hasMessageContaining(c.mentions());
                    c.unchanged().run();
                });
        assertThat(Panics.hook())
                .as("setHook(null) left the hook unchanged")
                .isSameAs(Panics.defaultHook());
    }

    @Test
    void everyMethodIsCovered() throws Exception {
        build();
        Set<String> covered =
                cases.keySet().stream()
                        .map(k -> k.replaceAll("#.*", ""))
                        .collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (JavaClass c :
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(EXPORTED)) {
            if (!c.getModifiers().contains(JavaModifier.PUBLIC)
                    || c.isInterface() && !c.isRecord()) {
                continue;
            }
            for (JavaCodeUnit u : c.getCodeUnits()) {
                if (!u.getModifiers().contains(JavaModifier.PUBLIC)
                        || u.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                    continue;
                }
                boolean takesSomethingCheckable =
                        u.getRawParameterTypes().stream()
                                .anyMatch(
                                        t ->
                                                !t.isPrimitive()
                                                        || t.getName().equals("long")
                                                        || t.getName().equals("int"));
                if (!takesSomethingCheckable) {
                    continue;
                }
                String params =
                        u.getRawParameterTypes().stream()
                                .map(t -> t.getSimpleName().isEmpty() ? t.getName() : simple(t))
                                .collect(Collectors.joining(", "));
                String sig = simple(c) + "." + u.getName() + "(" + params + ")";
                if (!covered.contains(sig) && !EXEMPT.containsKey(sig)) {
                    missing.add(sig);
                }
            }
        }
        assertThat(missing)
                .as("public methods without a hostile-input case or an exemption")
                .isEmpty();
    }

    private static String simple(JavaClass t) {
        String n = t.getName();
        return n.substring(n.lastIndexOf('.') + 1);
    }
}
