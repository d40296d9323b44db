package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Executable;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The testkit's public entry points reject bad arguments with an exception naming the argument. The
 * methods are enumerated reflectively, so a new one without a case fails {@link
 * #everyMethodIsCovered}. The {@link SimResult} records are built by the engine, not by users, and
 * are not listed.
 */
class HostileInputTest {
    private static final List<Class<?>> API =
            List.of(
                    Simulation.class,
                    Simulation.Builder.class,
                    Schedule.class,
                    Sim.class,
                    Exploration.class,
                    Shrunk.class,
                    Census.class,
                    Census.Kind.class);

    private static final Set<String> EXEMPT =
            Set.of(
                    "Simulation.Builder.seed(long)", // every seed is valid
                    "Simulation.Builder.shrink(boolean)", // both values are valid
                    "Simulation.Builder.progress(boolean)", // both values are valid
                    "Simulation.Builder.reduction(boolean)", // both values are valid
                    "Shrunk.equals(Object)",
                    "Census.equals(Object)",
                    "Census.Kind.equals(Object)",
                    "Simulation.Builder.failOnUncaught(boolean)", // both values are valid
                    "Schedule.equals(Object)",
                    "Exploration.equals(Object)");

    private record Case(ThrowingCallable call, Class<? extends Throwable> type, String mentions) {}

    private final Map<String, Case> cases = new LinkedHashMap<>();

    private void add(
            String sig, Class<? extends Throwable> type, String mentions, ThrowingCallable call) {
        cases.put(sig, new Case(call, type, mentions));
    }

    private void build() {
        Simulation sim = Simulation.builder().schedules(1).build();
        add(
                "Simulation.explore(SimBody)",
                NullPointerException.class,
                "body",
                () -> sim.explore(null));
        add("Simulation.check(SimBody)", NullPointerException.class, "body", () -> sim.check(null));
        add(
                "Simulation.runOnce(long, SimBody)",
                NullPointerException.class,
                "body",
                () -> sim.runOnce(1, null));
        add(
                "Simulation.replay(String, SimBody)",
                NullPointerException.class,
                "body",
                () -> Simulation.replay("braid1:random:1:0::0", null));
        add(
                "Simulation.replay(String, SimBody)#text",
                NullPointerException.class,
                "text",
                () -> Simulation.replay(null, () -> {}));
        add(
                "Simulation.replay(String, SimBody)#garbage",
                IllegalArgumentException.class,
                "not a braid schedule",
                () -> Simulation.replay("garbage", () -> {}));
        add(
                "Simulation.Builder.schedules(int)",
                IllegalArgumentException.class,
                "schedules",
                () -> Simulation.builder().schedules(0));
        add(
                "Simulation.Builder.maxSteps(long)",
                IllegalArgumentException.class,
                "maxSteps",
                () -> Simulation.builder().maxSteps(-1));
        add(
                "Simulation.Builder.watchdog(Duration)",
                NullPointerException.class,
                "watchdog",
                () -> Simulation.builder().watchdog(null));
        add(
                "Simulation.Builder.watchdog(Duration)#negative",
                IllegalArgumentException.class,
                "watchdog",
                () -> Simulation.builder().watchdog(Duration.ofSeconds(-1)));
        add(
                "Schedule.parse(String)",
                NullPointerException.class,
                "text",
                () -> Schedule.parse(null));
        add(
                "Schedule.<init>(String, long, int, String, int)",
                NullPointerException.class,
                "strategy",
                () -> new Schedule(null, 1, 0, "", 0));
        add(
                "Schedule.<init>(String, long, int, String, int)#count",
                IllegalArgumentException.class,
                "bad choices",
                () -> new Schedule("random", 1, -1, "", 0));
        add("Sim.nextInt(int)", IllegalArgumentException.class, "bound", () -> Sim.nextInt(0));
        add("Sim.callback(Runnable)", NullPointerException.class, "body", () -> Sim.callback(null));
        add(
                "Exploration.<init>(int, long, Optional)",
                NullPointerException.class,
                "failure",
                () -> new Exploration(1, 0, null));
        add(
                "Exploration.<init>(int, long, Optional, Optional, boolean, Optional)",
                NullPointerException.class,
                "trace",
                () -> new Exploration(1, 0, Optional.empty(), Optional.empty(), false, null));
        add(
                "Simulation.rerun(String, SimBody)",
                IllegalArgumentException.class,
                "not a braid schedule",
                () -> sim.rerun("garbage", () -> {}));
        add(
                "Simulation.trace(String, SimBody)",
                IllegalArgumentException.class,
                "not a braid schedule",
                () -> sim.trace("garbage", () -> {}));
        add(
                "Simulation.Builder.traceDirectory(Optional)",
                NullPointerException.class,
                "directory",
                () -> Simulation.builder().traceDirectory(null));
        add(
                "Simulation.Builder.faults(Fault[])",
                NullPointerException.class,
                "faults",
                () -> Simulation.builder().faults((Fault[]) null));
        add(
                "Simulation.Builder.faults(Fault[])#element",
                NullPointerException.class,
                "faults element",
                () -> Simulation.builder().faults(Fault.INTERRUPT, null));
        add(
                "Simulation.Builder.faultProbability(double)",
                IllegalArgumentException.class,
                "faultProbability",
                () -> Simulation.builder().faultProbability(0));
        add(
                "Simulation.Builder.faultProbability(double)#nan",
                IllegalArgumentException.class,
                "faultProbability",
                () -> Simulation.builder().faultProbability(Double.NaN));
        add(
                "Simulation.Builder.traceName(String)",
                NullPointerException.class,
                "name",
                () -> Simulation.builder().traceName(null));
        add(
                "Exploration.<init>(int, long, Optional)#negative",
                IllegalArgumentException.class,
                "schedulesRun",
                () -> new Exploration(-1, 0, Optional.empty()));
    }

    private void buildSearch() {
        Simulation sim = Simulation.builder().schedules(1).build();
        SimResult failed = new SimResult.Failed("braid1:random:1:0::0", 1, new AssertionError("x"));
        add("Simulation.count(SimBody)", NullPointerException.class, "body", () -> sim.count(null));
        add(
                "Simulation.Builder.strategy(Strategy)",
                NullPointerException.class,
                "strategy",
                () -> Simulation.builder().strategy(null));
        add(
                "Simulation.Builder.depth(int)",
                IllegalArgumentException.class,
                "depth",
                () -> Simulation.builder().depth(0));
        add(
                "Simulation.Builder.preemptionBound(int)",
                IllegalArgumentException.class,
                "preemptionBound",
                () -> Simulation.builder().preemptionBound(-2));
        add(
                "Simulation.Builder.searchMemory(long)",
                IllegalArgumentException.class,
                "searchMemory",
                () -> Simulation.builder().searchMemory(0));
        add(
                "Simulation.Builder.shrinkBudget(int)",
                IllegalArgumentException.class,
                "shrinkBudget",
                () -> Simulation.builder().shrinkBudget(0));
        add(
                "Simulation.Builder.parallelism(int)",
                IllegalArgumentException.class,
                "parallelism",
                () -> Simulation.builder().parallelism(-1));
        add(
                "Simulation.Builder.shard(int, int)",
                IllegalArgumentException.class,
                "shard",
                () -> Simulation.builder().shard(3, 3));
        add(
                "Simulation.Builder.shard(int, int)#count",
                IllegalArgumentException.class,
                "shard",
                () -> Simulation.builder().shard(0, 0));
        add(
                "Simulation.Builder.shard(String)",
                NullPointerException.class,
                "spec",
                () -> Simulation.builder().shard(null));
        add(
                "Simulation.Builder.shard(String)#garbage",
                IllegalArgumentException.class,
                "index/count",
                () -> Simulation.builder().shard("1 of 4"));
        add(
                "Exploration.<init>(int, long, Optional, Optional, boolean)",
                NullPointerException.class,
                "shrunk",
                () -> new Exploration(1, 0, Optional.empty(), null, false));
        add(
                "Exploration.<init>(int, long, Optional, Optional, boolean)#exhaustedFailure",
                IllegalArgumentException.class,
                "exhausted",
                () -> new Exploration(1, 0, Optional.of(failed), Optional.empty(), true));
        add(
                "Exploration.withTrace(Optional)",
                NullPointerException.class,
                "trace",
                () -> new Exploration(1, 0, Optional.empty()).withTrace(null));
        add(
                "Shrunk.<init>(SimResult, int, int, long, boolean, int)",
                NullPointerException.class,
                "result",
                () -> new Shrunk(null, 0, 0, 0, true, 0));
        add(
                "Shrunk.<init>(SimResult, int, int, long, boolean, int)#negative",
                IllegalArgumentException.class,
                "negative",
                () -> new Shrunk(failed, -1, 0, 0, true, 0));
        add(
                "Census.<init>(int, int, List)",
                NullPointerException.class,
                "kinds",
                () -> new Census(1, 0, null));
        add(
                "Census.<init>(int, int, List)#counts",
                IllegalArgumentException.class,
                "bad counts",
                () -> new Census(1, 2, List.of()));
        add(
                "Census.Kind.<init>(String, int, SimResult)",
                NullPointerException.class,
                "signature",
                () -> new Census.Kind(null, 1, failed));
    }

    @Test
    void everyCaseThrowsAClearException() {
        build();
        buildSearch();
        cases.forEach(
                (sig, c) ->
                        assertThatThrownBy(c.call())
                                .as(sig)
                                .isInstanceOf(c.type())
                                .hasMessageContaining(c.mentions()));
    }

    @Test
    void everyMethodIsCovered() {
        build();
        buildSearch();
        Set<String> covered =
                cases.keySet().stream()
                        .map(k -> k.replaceAll("#.*", ""))
                        .collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (Class<?> c : API) {
            List<Executable> units = new ArrayList<>(List.of(c.getDeclaredMethods()));
            units.addAll(List.of(c.getDeclaredConstructors()));
            for (Executable u : units) {
                if (!Modifier.isPublic(u.getModifiers())
                        || u.isSynthetic()
                        || u.getParameterCount() == 0) {
                    continue;
                }
                String name =
                        u instanceof java.lang.reflect.Constructor<?> ? "<init>" : u.getName();
                String params =
                        Stream.of(u.getParameterTypes())
                                .map(Class::getSimpleName)
                                .collect(Collectors.joining(", "));
                String sig =
                        c.getName().substring(c.getPackageName().length() + 1).replace('$', '.')
                                + "."
                                + name
                                + "("
                                + params
                                + ")";
                if (!covered.contains(sig) && !EXEMPT.contains(sig)) {
                    missing.add(sig);
                }
            }
        }
        assertThat(missing).as("public testkit methods without a hostile-input case").isEmpty();
    }
}
