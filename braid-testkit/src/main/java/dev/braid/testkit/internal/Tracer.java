package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;
import dev.braid.testkit.Trace;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Records the steps of one diagnostic run: who ran, what operation, on what, from which source
 * line. Only a replay of a failing schedule is traced (walking the stack at every step would cost
 * most of a schedule's time), so exploration speed is untouched. Called by the baton holder only.
 */
final class Tracer {
    /** The package of braid's atomics, labelled by number in a trace. */
    private static final String ATOMICS = "dev.braid.atomic";

    /** The resource of the step a finished thread takes. */
    static final Object ENDED = new Object();

    /** Steps kept (the last ones); a livelock's 100,000 steps would make an unreadable page. */
    static final int MAX_STEPS = 4000;

    private static final StackWalker WALKER = StackWalker.getInstance();

    private static final List<String> LIBRARY =
            List.of(
                    "java.",
                    "javax.",
                    "jdk.",
                    "sun.",
                    "org.junit.",
                    "dev.braid.internal.",
                    "dev.braid.testkit.internal.",
                    "dev.braid.testkit.junit.",
                    "dev.braid.atomic.",
                    "dev.braid.time.",
                    "dev.braid.cancel.",
                    "dev.braid.thread.",
                    "dev.braid.sync.",
                    "dev.braid.rc.",
                    "dev.braid.channel.",
                    "dev.braid.pool.",
                    "dev.braid.async.");

    private final ArrayDeque<Trace.Step> steps = new ArrayDeque<>();
    private final Map<Object, Integer> numbers = new IdentityHashMap<>();
    private final Map<Integer, String> lastSite = new java.util.HashMap<>();
    private final List<Task> tasks;

    Tracer(List<Task> tasks) {
        this.tasks = tasks;
    }

    void step(long step, Task me, Op op, Object resource) {
        String[] where = site();
        String what = describe(op, resource);
        lastSite.put(me.id, where[0]);
        steps.addLast(new Trace.Step(step, me.name, what, where[1], where[0]));
        if (steps.size() > MAX_STEPS) {
            steps.removeFirst();
        }
    }

    List<Trace.Step> steps() {
        return new ArrayList<>(steps);
    }

    /** Every thread's name, in id order. */
    List<String> threads() {
        List<String> names = new ArrayList<>();
        for (Task t : tasks) {
            names.add(t.name);
        }
        return names;
    }

    /** Each blocked thread's last call site: where it waits. */
    Map<String, String> waitSites() {
        Map<String, String> sites = new java.util.LinkedHashMap<>();
        for (Task t : tasks) {
            if (t.alive()) {
                sites.put(t.name, lastSite.getOrDefault(t.id, "?"));
            }
        }
        return sites;
    }

    private String describe(Op op, Object resource) {
        if (resource == ENDED) {
            return "ends";
        }
        String on = resource == null ? "" : " " + label(resource);
        return switch (op) {
            case OTHER -> resource instanceof Thread ? "interrupt" + on : "step" + on;
            default -> op.name().toLowerCase(java.util.Locale.ROOT) + on;
        };
    }

    private String label(Object resource) {
        if (resource instanceof Thread thread) {
            for (Task t : tasks) {
                if (t.thread == thread) {
                    return t.name;
                }
            }
            return thread.getName();
        }
        Class<?> type = resource.getClass();
        try {
            // braid's atomics print their value, which at a step is the value before the access
            // (and under the weak-memory model not what every thread sees): "store false" would
            // read as storing false. They get a numbered label, like objects without toString.
            if (!type.getPackageName().equals(ATOMICS)
                    && type.getMethod("toString").getDeclaringClass() != Object.class) {
                return String.valueOf(resource);
            }
        } catch (NoSuchMethodException | RuntimeException e) {
            // fall through to a numbered label
        }
        Integer n = numbers.computeIfAbsent(resource, r -> numbers.size() + 1);
        String simple = type.getSimpleName();
        return (simple.isEmpty() ? type.getName() : simple) + "#" + n;
    }

    /** {user call site, the braid API it called}, e.g. {Foo.run(Foo.java:12), Mutex.lock}. */
    private static String[] site() {
        Optional<String[]> found =
                WALKER.walk(
                        frames -> {
                            String[] api = {""};
                            return frames.filter(
                                            f -> {
                                                if (isLibrary(f.getClassName())) {
                                                    String c = f.getClassName();
                                                    if (c.startsWith("dev.braid.")
                                                            && !c.startsWith("dev.braid.testkit.")
                                                            && !c.startsWith(
                                                                    "dev.braid.internal.")) {
                                                        api[0] =
                                                                simple(f) + "." + f.getMethodName();
                                                    }
                                                    return false;
                                                }
                                                return true;
                                            })
                                    .findFirst()
                                    .map(f -> new String[] {format(f), api[0]});
                        });
        return found.orElse(new String[] {"?", ""});
    }

    /** The calling thread's innermost user source line, as {@code Class.method(File:line)}. */
    static String callSite() {
        return site()[0];
    }

    static boolean isLibrary(String className) {
        if (className.equals("dev.braid.testkit.Sim")) {
            return true;
        }
        for (String prefix : LIBRARY) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String simple(StackWalker.StackFrame f) {
        String name = f.getClassName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    static String format(StackWalker.StackFrame f) {
        return simple(f)
                + "."
                + f.getMethodName()
                + "("
                + f.getFileName()
                + ":"
                + f.getLineNumber()
                + ")";
    }
}
