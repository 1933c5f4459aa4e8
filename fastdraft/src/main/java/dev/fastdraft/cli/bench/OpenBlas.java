package dev.fastdraft.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * OpenBLAS as a peer for benchmarks, bound through the FFM API (no JNI, nothing to compile).
 *
 * <p>Where to look, in order: the path in the system property {@code fastdraft.openblas} or the
 * environment variable {@code FASTDRAFT_OPENBLAS}; the copy bundled with numpy or scipy_openblas64
 * (asked of {@code python3}, then searched under the usual Python install roots); the system
 * {@code libopenblas.so.0}. Python wheels rename the symbols ({@code scipy_cblas_sgemm64_}, with
 * 64-bit integers), so each library is tried with every known prefix/suffix and integer width.
 */
public final class OpenBlas {
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

    /** A naming scheme of the exported symbols: prefix + name + suffix, and the width of blasint. */
    private record Naming(String prefix, String suffix, boolean ilp64) {
        String name(String base) {
            return prefix + base + suffix;
        }
    }

    private static final List<Naming> NAMINGS = List.of(
            new Naming("", "", false), new Naming("scipy_", "64_", true),
            new Naming("", "64_", true), new Naming("scipy_", "", false));

    private final Path path;
    private final String config;
    private final String core;
    private final boolean ilp64;
    private final MethodHandle sgemm;
    private final MethodHandle setThreads;

    private OpenBlas(Path path, String config, String core, boolean ilp64, MethodHandle sgemm, MethodHandle setThreads) {
        this.path = path;
        this.config = config.isEmpty() ? "OpenBLAS" : config;
        this.core = core;
        this.ilp64 = ilp64;
        this.sgemm = sgemm;
        this.setThreads = setThreads;
    }

    /** The first OpenBLAS that loads and exports cblas_sgemm, or empty. */
    public static Optional<OpenBlas> find() {
        for (String candidate : candidates()) {
            Optional<OpenBlas> lib = load(candidate);
            if (lib.isPresent()) return lib;
        }
        return Optional.empty();
    }

    /** Loads one library (a path, or a name for the system loader) if it is an OpenBLAS. */
    public static Optional<OpenBlas> load(String library) {
        SymbolLookup lookup;
        try {
            // the global arena: a loaded BLAS stays loaded (its threads would not survive an unload);
            // a bare name goes to the system loader's search path
            lookup = library.contains("/")
                    ? SymbolLookup.libraryLookup(Path.of(library), Arena.global())
                    : SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            return Optional.empty();
        }
        Linker linker = Linker.nativeLinker();
        for (Naming naming : NAMINGS) {
            Optional<MemorySegment> gemm = lookup.find(naming.name("cblas_sgemm"));
            Optional<MemorySegment> threads = lookup.find(naming.name("openblas_set_num_threads"));
            if (gemm.isEmpty() || threads.isEmpty()) continue;
            ValueLayout blasint = naming.ilp64() ? ValueLayout.JAVA_LONG : ValueLayout.JAVA_INT;
            ValueLayout i32 = ValueLayout.JAVA_INT, f32 = ValueLayout.JAVA_FLOAT, ptr = ValueLayout.ADDRESS;
            MethodHandle sgemm = linker.downcallHandle(gemm.get(), FunctionDescriptor.ofVoid(
                    i32, i32, i32, blasint, blasint, blasint, f32, ptr, blasint, ptr, blasint, f32, ptr, blasint));
            MethodHandle setThreads = linker.downcallHandle(threads.get(), FunctionDescriptor.ofVoid(i32));
            String config = lookup.find(naming.name("openblas_get_config")).map(f -> cString(linker, f)).orElse("OpenBLAS");
            String core = lookup.find(naming.name("openblas_get_corename")).map(f -> cString(linker, f)).orElse("");
            return Optional.of(new OpenBlas(Path.of(library), config, core, naming.ilp64(), sgemm, setThreads));
        }
        return Optional.empty();
    }

    /** Calls a {@code const char *f(void)} and reads the string (both OpenBLAS info functions are such). */
    private static String cString(Linker linker, MemorySegment function) {
        try {
            MethodHandle h = linker.downcallHandle(function, FunctionDescriptor.of(ValueLayout.ADDRESS));
            MemorySegment s = (MemorySegment) h.invoke();
            return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(4096).getString(0).trim();
        } catch (Throwable t) {
            return "";
        }
    }

    /** Library paths and names to try, most specific first. */
    static List<String> candidates() {
        Set<String> out = new LinkedHashSet<>();
        String explicit = System.getProperty("fastdraft.openblas", System.getenv("FASTDRAFT_OPENBLAS"));
        if (explicit != null && !explicit.isBlank()) out.add(explicit.trim());
        out.addAll(askPython());
        out.addAll(scanPythonInstalls());
        out.add("libopenblas.so.0");
        out.add("libopenblas.so");
        out.add("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0");
        out.add("/usr/lib64/libopenblas.so.0");
        return new ArrayList<>(out);
    }

    /** numpy's bundled OpenBLAS as the installed python3 sees it (numpy.libs / scipy_openblas64). */
    private static List<String> askPython() {
        String script = String.join("\n",
                "import glob, os",
                "out = []",
                "try:",
                "    import scipy_openblas64 as s; out += glob.glob(os.path.join(s.get_lib_dir(), '*openblas*.so*'))",
                "except Exception: pass",
                "try:",
                "    import numpy; d = os.path.dirname(numpy.__file__)",
                "    out += glob.glob(os.path.join(d, '..', 'numpy.libs', '*openblas*.so*'))",
                "    out += glob.glob(os.path.join(d, '.libs', '*openblas*.so*'))",
                "except Exception: pass",
                "print('\\n'.join(os.path.realpath(p) for p in out))");
        List<String> found = new ArrayList<>();
        try {
            Process p = new ProcessBuilder("python3", "-c", script).redirectErrorStream(false).start();
            p.getOutputStream().close();
            try (InputStream in = p.getInputStream()) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return found;
                }
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) found.add(line.trim());
                }
            }
        } catch (IOException e) {
            // no python3: fall back to the scan
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return found;
    }

    /** The usual install roots of Python wheels: manylinux images, pyenv, the system site-packages. */
    private static List<String> scanPythonInstalls() {
        List<String> found = new ArrayList<>();
        String home = System.getProperty("user.home", "/root");
        for (String root : List.of("/opt/_internal", home + "/.pyenv/versions", "/usr/lib", "/usr/local/lib")) {
            scan(Path.of(root), 0, found);
        }
        return found;
    }

    private static void scan(Path dir, int depth, List<String> found) {
        if (depth > 6 || !Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p)) {
                    if (depth < 3 || name.startsWith("python") || name.equals("lib") || name.endsWith("-packages")
                            || name.equals("numpy.libs") || name.startsWith("scipy_openblas")) {
                        scan(p, depth + 1, found);
                    }
                } else if (name.contains("openblas") && name.contains(".so")) {
                    found.add(p.toString());
                }
            }
        } catch (IOException | SecurityException e) {
            // unreadable directory: skip it
        }
    }

    public Path path() {
        return path;
    }

    /** What the library says about itself, e.g. "OpenBLAS 0.3.31 USE64BITINT DYNAMIC_ARCH ... Haswell MAX_THREADS=64". */
    public String config() {
        return config;
    }

    /** A short name for reports: the first two words of the config ("OpenBLAS 0.3.31...") and the core in use. */
    public String name() {
        String[] words = config.split("\\s+");
        String name = words.length >= 2 && words[0].equals("OpenBLAS") ? words[0] + " " + words[1] : "OpenBLAS";
        return core.isEmpty() ? name : name + " (" + core + ")";
    }

    public void setThreads(int threads) {
        try {
            setThreads.invoke(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads failed", t);
        }
    }

    /**
     * Row-major {@code C = alpha op(A) op(B) + beta C} on native segments (element offsets in floats are
     * taken from the segments' starts; slice them to offset).
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        if (!a.isNative() || !b.isNative() || !c.isNative()) throw new IllegalArgumentException("OpenBlas.sgemm needs native segments");
        try {
            if (ilp64) {
                sgemm.invoke(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, (long) m, (long) n, (long) k,
                        alpha, a, (long) lda, b, (long) ldb, beta, c, (long) ldc);
            } else {
                sgemm.invoke(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                        alpha, a, lda, b, ldb, beta, c, ldc);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    @Override
    public String toString() {
        return name() + " from " + path;
    }
}
