package dev.braid.testkit.internal;

import dev.braid.internal.rt.Rt;
import java.io.IOException;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Initializes every class of braid-core once per JVM, before the first simulated run (ADR 0129).
 *
 * <p>A static initializer that reaches a braid operation (the pool's shared cancelled token is
 * created and cancelled in {@code TaskHandle}'s) runs on whichever simulated thread first touches
 * the class, and its yield points become steps of that one run only: the first run in a JVM that
 * reaches the class has more steps than every later run of the same schedule. A string recorded
 * there did not replay later in the same JVM, and a string recorded later did not replay as the
 * first run of a fresh JVM (a {@code @SimTest(replay = ...)} run alone): both ended as {@code
 * Nondeterminism}. Initialized here, on the controller, such code takes the JDK path and is never
 * part of a run.
 */
final class CoreClasses {
    private static final String PREFIX = "dev/braid/";
    private static final String TESTKIT = "dev/braid/testkit/";

    private CoreClasses() {}

    /** Initializes every class of the module (or class-path root) that holds the seam. */
    static void initializeAll() {
        ClassLoader loader = Rt.class.getClassLoader();
        for (String name : classNames()) {
            try {
                Class.forName(name, true, loader);
            } catch (LinkageError | ClassNotFoundException e) {
                // a class that cannot load here fails where the program uses it, as without this
            }
        }
    }

    /** The binary names of braid-core's classes, or none if they cannot be listed. */
    static List<String> classNames() {
        List<String> entries = new ArrayList<>();
        try {
            Module core = Rt.class.getModule();
            if (core.isNamed() && core.getLayer() != null) {
                ResolvedModule resolved =
                        core.getLayer().configuration().findModule(core.getName()).orElseThrow();
                try (ModuleReader reader = resolved.reference().open();
                        Stream<String> names = reader.list()) {
                    names.forEach(entries::add);
                }
            } else {
                listCodeSource(entries);
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return List.of(); // unlisted: classes initialize lazily, as before
        }
        List<String> classes = new ArrayList<>();
        for (String e : entries) {
            String entry = e.replace('\\', '/');
            if (entry.startsWith(PREFIX)
                    && !entry.startsWith(TESTKIT)
                    && entry.endsWith(".class")
                    && !entry.endsWith("module-info.class")
                    && !entry.endsWith("package-info.class")
                    && !entry.endsWith("Event.class")) { // JFR events: loading them starts JFR
                classes.add(entry.substring(0, entry.length() - 6).replace('/', '.'));
            }
        }
        return classes;
    }

    private static void listCodeSource(List<String> entries)
            throws IOException, URISyntaxException {
        CodeSource source = Rt.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return;
        }
        Path root = Path.of(source.getLocation().toURI());
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile)
                        .forEach(f -> entries.add(root.relativize(f).toString()));
            }
        } else {
            try (JarFile jar = new JarFile(root.toFile())) {
                for (JarEntry e : java.util.Collections.list(jar.entries())) {
                    entries.add(e.getName());
                }
            }
        }
    }
}
