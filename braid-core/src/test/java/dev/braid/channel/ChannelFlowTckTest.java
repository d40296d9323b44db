package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.testng.ITestListener;
import org.testng.ITestResult;
import org.testng.TestNG;

/**
 * Runs the Reactive Streams TCK ({@link ChannelFlowTck}) over {@link ChannelFlow}'s publisher and
 * subscriber, and reports each TCK test as a JUnit test: passed, failed (with the TCK's own
 * assertion), or skipped. The TCK skips the rules it cannot check by itself ({@code untested_*})
 * and the optional ones an implementation does not take up; each such skip must be listed in {@link
 * #EXPECTED_SKIPS} with its reason, and every listed one must skip, so a skip is never silent
 * (house rule 11: no skipped test). TestNG is run in-process, not as a second JUnit engine.
 */
class ChannelFlowTckTest {

    /** TCK tests that skip by design, with why. */
    private static final Map<String, String> EXPECTED_SKIPS =
            Map.ofEntries(
                    Map.entry(
                            "PublisherTck.optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingOneByOne",
                            "subscribers of one channel publisher compete for its elements (each"
                                    + " element reaches one of them): not a multicast publisher"),
                    Map.entry(
                            "PublisherTck.optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfront",
                            "not a multicast publisher (see above)"),
                    Map.entry(
                            "PublisherTck.optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfrontAndCompleteAsExpected",
                            "not a multicast publisher (see above)"));

    private record Outcome(String name, int status, Throwable failure) {}

    @TestFactory
    Stream<DynamicTest> reactiveStreamsTck() {
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        TestNG testng = new TestNG(false);
        testng.setUseDefaultListeners(false);
        testng.setVerbose(0);
        testng.setTestClasses(
                new Class<?>[] {
                    ChannelFlowTck.PublisherTck.class, ChannelFlowTck.SubscriberTck.class
                });
        testng.addListener(
                new ITestListener() {
                    @Override
                    public void onTestSuccess(ITestResult r) {
                        record(r);
                    }

                    @Override
                    public void onTestFailure(ITestResult r) {
                        record(r);
                    }

                    @Override
                    public void onTestSkipped(ITestResult r) {
                        record(r);
                    }

                    @Override
                    public void onTestFailedButWithinSuccessPercentage(ITestResult r) {
                        record(r);
                    }

                    private void record(ITestResult r) {
                        outcomes.add(
                                new Outcome(
                                        r.getTestClass().getRealClass().getSimpleName()
                                                + "."
                                                + r.getMethod().getMethodName(),
                                        r.getStatus(),
                                        r.getThrowable()));
                    }
                });
        testng.run();
        List<Outcome> all = new ArrayList<>(outcomes);
        // both verifications ran in full: the TCK 1.0.4 has 38 publisher and 26 blackbox tests
        assertThat(all).hasSizeGreaterThan(60);
        List<DynamicTest> tests = new ArrayList<>();
        for (Outcome o : all) {
            tests.add(DynamicTest.dynamicTest(o.name(), () -> judge(o)));
        }
        for (String name : EXPECTED_SKIPS.keySet()) {
            tests.add(
                    DynamicTest.dynamicTest(
                            "listed skip ran: " + name,
                            () -> assertThat(all).extracting(Outcome::name).contains(name)));
        }
        return tests.stream();
    }

    private static void judge(Outcome o) throws Throwable {
        boolean untested = o.name().contains(".untested_");
        switch (o.status()) {
            case ITestResult.SUCCESS -> {
                assertThat(EXPECTED_SKIPS)
                        .as("listed as skipping but passed")
                        .doesNotContainKey(o.name());
            }
            case ITestResult.SKIP -> {
                if (!untested) {
                    assertThat(EXPECTED_SKIPS)
                            .as("skipped, not listed: %s", String.valueOf(o.failure()))
                            .containsKey(o.name());
                }
            }
            default -> throw o.failure() != null ? o.failure() : new AssertionError("failed: " + o);
        }
    }
}
