package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the guides' Java examples from drifting away from the code: every code line of every
 * {@code ```java} block in {@code README.md} and {@code docs/*.md} must appear, as written, in a
 * test or example source of the repository (which compiles it and, in the guide tests, checks what
 * the text says about it). An edited example whose test was not edited fails here with the file
 * and line of each line no test holds.
 *
 * <p>How a line is compared: a {@code //} comment is dropped, all white space is removed, and a
 * trailing {@code ;} or {@code {} is ignored (a test may write {@code assertThat(token.cause())}
 * where the guide writes {@code token.cause();}). Lines that are only braces and punctuation, and
 * lines with a {@code ...} placeholder or a {@code /*} comment, are not checked. ADRs and the perf
 * records ({@code docs/adr}, {@code docs/perf}) are history, not guides, and are not checked.
 */
class DocSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern JAVADOC_BLOCK =
            Pattern.compile("<pre>\\s*\\{@code(.*?)\\}\\s*</pre>", Pattern.DOTALL);
    private static final Pattern JAVADOC_MARGIN = Pattern.compile("^\\s*\\*\\s?");
    private static final Pattern LINE_COMMENT = Pattern.compile("(^|\\s)//.*$");

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null
                && !(Files.isDirectory(p.resolve("docs"))
                        && Files.isRegularFile(p.resolve("README.md")))) {
            p = p.getParent();
        }
        assertThat(p)
                .as(
                        "the repository root (a folder with docs/ and README.md) above the working directory")
                .isNotNull();
        return p;
    }

    /** A code line as compared: no comment, no white space, no trailing ; or {. */
    static String key(String line) {
        String s = LINE_COMMENT.matcher(line).replaceAll("").replaceAll("\\s+", "");
        while (s.endsWith(";") || s.endsWith("{")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    static boolean checked(String key) {
        return !key.contains("...")
                && !key.contains("/*")
                && !key.replaceAll("[{}();,]", "").isEmpty();
    }

    /** Every test and example source, each line keyed, concatenated. */
    static String sources(Path root) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(DocSnippetsTest::isTestOrExample).toList()) {
                for (String line : Files.readAllLines(f)) {
                    all.append(LINE_COMMENT.matcher(line).replaceAll("").replaceAll("\\s+", ""));
                }
            }
        }
        return all.toString();
    }

    private static boolean isTestOrExample(Path f) {
        String s = f.toString().replace('\\', '/');
        return s.endsWith(".java")
                && !s.contains("/target/")
                && (s.contains("/src/test/java/") || s.contains("braid-examples/src/main/java/"));
    }

    static List<Path> guides(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(root.resolve("README.md"));
        try (Stream<Path> files = Files.list(root.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /**
     * The lines of the Java examples in {@code files} that no test or example holds: "file:line:
     * text". A Markdown file's examples are its {@code ```java} blocks; a Java file's are its
     * Javadoc {@code <pre>{@code ...}</pre>} blocks (margin stripped, {@code &#64;} read as @).
     */
    static List<String> unheld(Path root, List<Path> files, String sources) {
        List<String> missing = new ArrayList<>();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            boolean javadoc = f.toString().endsWith(".java");
            Matcher m = (javadoc ? JAVADOC_BLOCK : JAVA_BLOCK).matcher(text);
            while (m.find()) {
                int first = lineOf(text, m.start(1));
                String[] lines = m.group(1).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    String line = lines[i];
                    if (javadoc) {
                        line = JAVADOC_MARGIN.matcher(line).replaceFirst("").replace("&#64;", "@");
                    }
                    String k = key(line);
                    if (checked(k) && !sources.contains(k)) {
                        missing.add(root.relativize(f) + ":" + (first + i) + ": " + line.strip());
                    }
                }
            }
        }
        return missing;
    }

    /** The main sources of the published modules, whose Javadoc examples are checked too. */
    static List<Path> javadocSources(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String module : List.of("braid-core", "braid-testkit")) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    private static int lineOf(String text, int offset) {
        int n = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    @Test
    void everyLineOfEveryGuideExampleIsHeldByATest() throws IOException {
        Path root = root();
        List<Path> guides = guides(root);
        assertThat(guides).as("README.md and the guides").hasSizeGreaterThan(5);
        List<String> missing = unheld(root, guides, sources(root));
        assertThat(missing)
                .as(
                        "guide example lines that no test or example compiles (edit the test that holds the"
                                + " example, or the guide, so that they agree)")
                .isEmpty();
    }

    @Test
    void everyLineOfEveryJavadocExampleIsHeldByATest() throws IOException {
        Path root = root();
        List<Path> sources = javadocSources(root);
        assertThat(sources).as("braid-core and braid-testkit main sources").hasSizeGreaterThan(50);
        List<String> missing = unheld(root, sources, sources(root));
        assertThat(missing)
                .as(
                        "Javadoc example lines that no test or example compiles (JavadocExamplesTest holds"
                                + " them: edit it, or the Javadoc, so that they agree)")
                .isEmpty();
    }

    @Test
    void anEditedExampleIsCaught() throws IOException {
        Path root = root();
        Path guide = Files.createTempFile("guide", ".md");
        try {
            Files.writeString(
                    guide,
                    "text\n```java\nChannel<Job> jobs = Channel.bounded(16);\n"
                            + "jobs.send"
                            + "All(job);                 // renamed in the guide only\n"
                            + "for (Job j : jobs) {\n    ...\n}\n```\n");
            List<String> missing = unheld(root, List.of(guide), sources(root));
            assertThat(missing).hasSize(1);
            assertThat(missing.getFirst())
                    .endsWith(
                            ":4: jobs.send"
                                    + "All(job);                 // renamed in the guide only");
        } finally {
            Files.delete(guide);
        }
    }

    @Test
    void anEditedJavadocExampleIsCaught() throws IOException {
        Path root = root();
        Path source = Files.createTempFile("Example", ".java");
        try {
            Files.writeString(
                    source,
                    "/**\n * Text.\n *\n * <pre>{&#64;code\n".replace("&#64;", "@")
                            + " * Channel<Job> jobs = Channel.bounded(16);\n"
                            + " * jobs.send"
                            + "All(job);\n"
                            + " * }</pre>\n */\nclass Example {}\n");
            List<String> missing = unheld(root, List.of(source), sources(root));
            assertThat(missing).hasSize(1);
            assertThat(missing.getFirst()).endsWith(":6: jobs.send" + "All(job);");
        } finally {
            Files.delete(source);
        }
    }

    @Test
    void keysIgnoreCommentsSpacingAndTheTrailingSemicolon() {
        assertThat(key("    token.cause();      // Optional[IOException]"))
                .isEqualTo("token.cause()");
        assertThat(key("try (var g = m.lock()) {")).isEqualTo("try(varg=m.lock())");
        assertThat(checked(key("});"))).isFalse();
        assertThat(checked(key("    ...   // the work"))).isFalse();
        assertThat(checked(key("return h.join();"))).isTrue();
    }
}
