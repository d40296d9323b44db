package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the Markdown of {@code README.md} and {@code docs/} (guides, ADRs, perf records) pointing
 * inside the repository: every relative link names a file or folder that exists, an anchor names a
 * heading of its target, and nothing links or points outside the repository (no {@code http://} or
 * {@code https://} outside code blocks, no absolute paths). Also holds the README's quick start to
 * the two commands it promises.
 *
 * <p>Fenced code blocks and inline code are not read for links. An anchor is GitHub's: the heading
 * in lower case, punctuation other than {@code -} and {@code _} dropped, spaces as {@code -}, a
 * repeated heading suffixed {@code -1}, {@code -2}, ...
 */
class DocLinksTest {
    private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`\\n]*`");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]*)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern URL = Pattern.compile("https?://\\S*");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*\\s*$");

    /** README.md and every Markdown file under docs/. */
    static List<Path> markdown(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(root.resolve("README.md"));
        try (Stream<Path> files = Files.walk(root.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /** The text with its fenced code blocks blanked, lines kept. */
    static String withoutFences(String markdown) {
        Matcher m = FENCE.matcher(markdown);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group().replaceAll("[^\\n]", " ")));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The text a reader sees as prose: fenced blocks and inline code blanked, lines kept. */
    static String prose(String markdown) {
        return INLINE_CODE
                .matcher(withoutFences(markdown))
                .replaceAll(r -> " ".repeat(r.group().length()));
    }

    /** The anchors of a Markdown file's headings, as GitHub makes them. */
    static Set<String> anchors(String markdown) {
        Set<String> out = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher m = HEADING.matcher(withoutFences(markdown).replace("`", ""));
        while (m.find()) {
            String slug =
                    m.group(1)
                            .strip()
                            .toLowerCase(Locale.ROOT)
                            .replaceAll("[^\\p{L}\\p{N} _-]", "")
                            .replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            out.add(n == 0 ? slug : slug + "-" + n);
        }
        return out;
    }

    /** The problems of one file's links and URLs: "file:line: what". */
    static List<String> problems(Path root, Path file) throws IOException {
        List<String> out = new ArrayList<>();
        String text = Files.readString(file);
        String prose = prose(text);
        String where = root.relativize(file).toString().replace('\\', '/');
        Matcher url = URL.matcher(prose);
        while (url.find()) {
            out.add(
                    where
                            + ":"
                            + lineOf(prose, url.start())
                            + ": points outside the repository: "
                            + url.group());
        }
        Matcher link = LINK.matcher(prose);
        while (link.find()) {
            String target = link.group(1);
            String at = where + ":" + lineOf(prose, link.start()) + ": ";
            if (target.isEmpty()
                    || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")
                    || target.startsWith("/")) {
                out.add(at + "not a relative link: (" + target + ")");
                continue;
            }
            int hash = target.indexOf('#');
            String path = hash < 0 ? target : target.substring(0, hash);
            Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
            if (!resolved.startsWith(root) || !Files.exists(resolved)) {
                out.add(at + "no such file or folder: " + target);
            } else if (hash >= 0
                    && !(Files.isRegularFile(resolved)
                            && anchors(Files.readString(resolved))
                                    .contains(target.substring(hash + 1)))) {
                out.add(at + "no such heading: " + target);
            }
        }
        return out;
    }

    private static int lineOf(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    @Test
    void everyLinkOfTheDocsResolvesInsideTheRepository() throws IOException {
        Path root = DocSnippetsTest.root();
        List<Path> files = markdown(root);
        assertThat(files).as("README.md and docs/**/*.md").hasSizeGreaterThan(100);
        List<String> problems = new ArrayList<>();
        int links = 0;
        for (Path f : files) {
            problems.addAll(problems(root, f));
            links += (int) LINK.matcher(prose(Files.readString(f))).results().count();
        }
        assertThat(links).as("links read (the reader finds them)").isGreaterThan(10);
        assertThat(problems)
                .as(
                        "links that lead nowhere or outside the repository (fix the link or the target)")
                .isEmpty();
    }

    @Test
    void theQuickStartIsTheTwoCommandsTheReadmePromises() throws IOException {
        Path root = DocSnippetsTest.root();
        String readme = Files.readString(root.resolve("README.md"));
        Matcher quick = Pattern.compile("(?s)## Quick start\\n.*?```sh\\n(.*?)```").matcher(readme);
        assertThat(quick.find()).as("README.md's Quick start has a sh block").isTrue();
        List<String> commands =
                quick.group(1)
                        .lines()
                        .map(l -> l.replaceAll("#.*", "").strip())
                        .filter(l -> !l.isEmpty())
                        .toList();
        assertThat(commands)
                .containsExactly(
                        "./mvnw -q -Pshowcase -pl braid-examples -am package", "./mvnw verify");
        // the showcase profile: tests skipped for every module, the showcase run in this one
        assertThat(Files.readString(root.resolve("pom.xml")))
                .contains("<id>showcase</id>")
                .contains("<skipTests>true</skipTests>");
        assertThat(Files.readString(root.resolve("braid-examples/pom.xml")))
                .contains("<id>showcase</id>")
                .contains("<argument>dev.braid.examples.Showcase</argument>");
    }

    @Test
    void aBrokenLinkAnAnchorAndAUrlAreCaught(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("README.md"), "# Index\n");
        Path guide = Files.createDirectory(root.resolve("docs")).resolve("guide.md");
        Files.writeString(
                guide,
                "# A guide\n\n## Two words\n\nSee [the index](../README.md), [here](#two-words),"
                        + " [gone](../nothing.md),\n[no heading](../README.md#nowhere) and"
                        + " https"
                        + "://example.org.\n\n```md\n[in code](../nothing.md)\n```\n"
                        + "`[inline](../nothing.md)` [outside](../../README.md)\n");
        assertThat(problems(root, guide))
                .containsExactlyInAnyOrder(
                        "docs/guide.md:6: points outside the repository: https" + "://example.org.",
                        "docs/guide.md:5: no such file or folder: ../nothing.md",
                        "docs/guide.md:6: no such heading: ../README.md#nowhere",
                        "docs/guide.md:11: no such file or folder: ../../README.md");
        assertThat(markdown(root)).containsExactly(root.resolve("README.md"), guide);
    }

    @Test
    void anchorsAreGitHubs() {
        assertThat(
                        anchors(
                                "# braid's guides\n## The `?` cells, again\n## Spawn and join\n"
                                        + "## Spawn and join\n```\n# not a heading\n```\n"))
                .containsExactlyInAnyOrder(
                        "braids-guides", "the--cells-again", "spawn-and-join", "spawn-and-join-1");
    }
}
