package dev.braid.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The seam and layering rules of the design brief, enforced. */
class ArchitectureTest {
    /** Core packages bottom-up: each may use only the ones before it (docs/architecture.md). */
    static final List<String> LAYERS =
            List.of(
                    "dev.braid.internal.rt",
                    "dev.braid.internal.util",
                    "dev.braid.internal.sched", // run queues for ThreadedExecutor (ADR 0050)
                    "dev.braid.atomic",
                    "dev.braid.time", // below cancel: cancelAfter needs the wheel (ADR 0005)
                    "dev.braid.cancel",
                    "dev.braid.thread",
                    "dev.braid.sync",
                    "dev.braid.rc",
                    "dev.braid.channel",
                    "dev.braid.pool",
                    "dev.braid.async");

    /**
     * JDK members that block, wake, spawn, read the clock or draw randomness: seam-only. A
     * constructor is named {@code <init>}; {@code <init>()} names only the no-argument one (as
     * {@code new Date()} reads the wall clock and {@code new Date(millis)} does not).
     */
    static final Map<String, Set<String>> SEAM_ONLY =
            Map.ofEntries(
                    Map.entry("java.util.concurrent.locks.LockSupport", Set.of("*")),
                    Map.entry("java.util.concurrent.ThreadLocalRandom", Set.of("*")),
                    Map.entry(
                            "java.lang.Thread",
                            Set.of("sleep", "start", "startVirtualThread", "onSpinWait", "yield")),
                    Map.entry("java.lang.Thread$Builder", Set.of("start")),
                    Map.entry("java.lang.Thread$Builder$OfPlatform", Set.of("start")),
                    Map.entry("java.lang.Thread$Builder$OfVirtual", Set.of("start")),
                    Map.entry("java.lang.System", Set.of("nanoTime", "currentTimeMillis")),
                    Map.entry("java.lang.Object", Set.of("wait", "notify", "notifyAll")),
                    Map.entry("java.lang.Math", Set.of("random")),
                    Map.entry("java.util.Date", Set.of("<init>()")),
                    Map.entry("java.time.Instant", Set.of("now")));

    static final DescribedPredicate<JavaCall<?>> SEAM_ONLY_CALL =
            new DescribedPredicate<>("a JDK blocking, waking, spawning, clock or randomness call") {
                @Override
                public boolean test(JavaCall<?> call) {
                    Set<String> names = SEAM_ONLY.get(call.getTargetOwner().getName());
                    if (names == null) {
                        return false;
                    }
                    String member = call.getName();
                    if (call instanceof JavaConstructorCall
                            && call.getTarget().getRawParameterTypes().isEmpty()) {
                        member = "<init>()";
                    }
                    return names.contains("*") || names.contains(member);
                }
            };

    static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.braid");
    }

    @Test
    void importerSeesTheCode() {
        assertThat(core.containPackage("dev.braid.internal.rt")).isTrue();
        assertThat(core.containPackage("dev.braid.sync")).isTrue();
        assertThat(core.size()).isGreaterThan(20);
    }

    @Test
    void onlyTheSeamTouchesJdkBlockingTimeSpawnAndRandomness() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.braid.internal.rt..")
                .should()
                .callCodeUnitWhere(SEAM_ONLY_CALL)
                .because(
                        "all blocking, time, spawning and randomness go through internal.rt (house rule 3)")
                .check(core);
    }

    @Test
    void theSeamRuleCanFail() {
        // The seam itself calls LockSupport and System.nanoTime: the same predicate must flag it,
        // or
        // the rule above would pass vacuously.
        ArchRule onSeam =
                noClasses()
                        .that()
                        .resideInAPackage("dev.braid.internal.rt..")
                        .should()
                        .callCodeUnitWhere(SEAM_ONLY_CALL);
        EvaluationResult result = onSeam.evaluate(core);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(d -> d.contains("LockSupport.park"));
    }

    @Test
    void packagesDependOnlyOnLowerLayers() {
        for (int i = 0; i < LAYERS.size(); i++) {
            String[] higher =
                    LAYERS.subList(i + 1, LAYERS.size()).stream()
                            .map(p -> p + "..")
                            .toArray(String[]::new);
            if (higher.length == 0) {
                continue;
            }
            noClasses()
                    .that()
                    .resideInAPackage(LAYERS.get(i) + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(higher)
                    .allowEmptyShould(true)
                    .because(LAYERS.get(i) + " sits below " + Arrays.toString(higher))
                    .check(core);
        }
    }

    @Test
    void everyCorePackageHasALayer() {
        core.stream()
                .map(c -> c.getPackageName())
                .distinct()
                .forEach(
                        p ->
                                assertThat(LAYERS)
                                        .as("package %s must be placed in LAYERS", p)
                                        .contains(p));
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.braid.(**)").should().beFreeOfCycles().check(core);
    }
}
