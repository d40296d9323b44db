package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        return String.join("", sourcesByFile(root).values());
    }

    /** Each test and example source on its own, each line keyed as in {@link #sources}. */
    static Map<Path, String> sourcesByFile(Path root) throws IOException {
        Map<Path, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(DocSnippetsTest::isTestOrExample).sorted().toList()) {
                StringBuilder one = new StringBuilder();
                for (String line : Files.readAllLines(f)) {
                    one.append(LINE_COMMENT.matcher(line).replaceAll("").replaceAll("\\s+", ""));
                }
                out.put(f, one.toString());
            }
        }
        return out;
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
        for (Block b : blocks(files)) {
            for (int i = 0; i < b.lines().size(); i++) {
                String line = b.lines().get(i);
                String k = key(line);
                if (checked(k) && !sources.contains(k)) {
                    missing.add(
                            root.relativize(b.file())
                                    + ":"
                                    + (b.firstLine() + i)
                                    + ": "
                                    + line.strip());
                }
            }
        }
        return missing;
    }

    /**
     * A Java example: its file, the line of its first code line, and its lines, margin stripped.
     */
    record Block(Path file, int firstLine, List<String> lines) {}

    /**
     * The Java examples of {@code files}: a Markdown file's {@code ```java} blocks, a Java file's
     * Javadoc {@code <pre>{@code ...}</pre>} blocks (margin stripped, {@code &#64;} read as @).
     */
    static List<Block> blocks(List<Path> files) {
        List<Block> out = new ArrayList<>();
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
                List<String> lines = new ArrayList<>();
                for (String line : m.group(1).split("\n", -1)) {
                    lines.add(
                            javadoc
                                    ? JAVADOC_MARGIN
                                            .matcher(line)
                                            .replaceFirst("")
                                            .replace("&#64;", "@")
                                    : line);
                }
                out.add(new Block(f, lineOf(text, m.start(1)), lines));
            }
        }
        return out;
    }

    /**
     * The parts of the Java examples in {@code files} that no single test or example holds in
     * order: "file:line: first line of the part". A part is a run of lines between blank lines of a
     * block (a block may show a method apart from the code that calls it); its checked lines must
     * appear in one source, in the guide's order, so that the example is compiled as one piece
     * rather than assembled from lines that happen to occur in different tests.
     */
    static List<String> notHeldInOrder(Path root, List<Path> files, Map<Path, String> byFile) {
        List<String> missing = new ArrayList<>();
        for (Block b : blocks(files)) {
            List<String> keys = new ArrayList<>();
            String first = null;
            int firstAt = 0;
            List<String> lines = new ArrayList<>(b.lines());
            lines.add(""); // the last part ends here
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String k = key(line);
                if (line.isBlank()) {
                    if (!keys.isEmpty() && !heldInOrder(keys, byFile.values())) {
                        missing.add(root.relativize(b.file()) + ":" + firstAt + ": " + first);
                    }
                    keys.clear();
                    first = null;
                } else if (checked(k)) {
                    if (first == null) {
                        first = line.strip();
                        firstAt = b.firstLine() + i;
                    }
                    keys.add(k);
                }
            }
        }
        return missing;
    }

    private static boolean heldInOrder(List<String> keys, Collection<String> sources) {
        for (String source : sources) {
            int at = 0;
            boolean all = true;
            for (String k : keys) {
                int i = source.indexOf(k, at);
                if (i < 0) {
                    all = false;
                    break;
                }
                at = i + k.length();
            }
            if (all) {
                return true;
            }
        }
        return false;
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
    void everyPartOfEveryGuideExampleIsHeldInOrderByOneTest() throws IOException {
        Path root = root();
        List<String> missing = notHeldInOrder(root, guides(root), sourcesByFile(root));
        assertThat(missing)
                .as(
                        "guide example parts (between blank lines) that no single test or example"
                                + " holds in the guide's order: hold each part as written, in one"
                                + " test (GuideSnippetsTest holds examples line for line)")
                .isEmpty();
    }

    @Test
    void everyPartOfEveryJavadocExampleIsHeldInOrderByOneTest() throws IOException {
        Path root = root();
        List<String> missing = notHeldInOrder(root, javadocSources(root), sourcesByFile(root));
        assertThat(missing)
                .as(
                        "Javadoc example parts that no single test holds in order (JavadocExamplesTest"
                                + " holds them)")
                .isEmpty();
    }

    @Test
    void anExampleAssembledFromTwoTestsIsCaught() throws IOException {
        Path root = root();
        Path guide = Files.createTempFile("guide", ".md");
        try {
            // each line is held somewhere, but no test holds the two in this order
            Files.writeString(
                    guide,
                    "text\n```java\nint total = sum.jo"
                            + "in();\nChannel<Integer> numbers = Channel.boun"
                            + "ded(16);\n```\n");
            assertThat(unheld(root, List.of(guide), sources(root))).isEmpty();
            List<String> missing = notHeldInOrder(root, List.of(guide), sourcesByFile(root));
            assertThat(missing).hasSize(1);
            assertThat(missing.getFirst()).endsWith(":3: int total = sum.join();");
        } finally {
            Files.delete(guide);
        }
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
