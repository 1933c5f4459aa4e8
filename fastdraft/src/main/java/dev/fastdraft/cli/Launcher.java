package dev.fastdraft.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of {@code java -jar fastdraft-engine.jar}.
 *
 * <p>Compiled for Java 8 so that an old JDK can load it and say what it needs. The Vector API lives
 * in an incubator module that no manifest attribute can enable, so when the module is missing we
 * start the same {@code java} binary again with {@code --add-modules jdk.incubator.vector}: one
 * extra JVM start (tens of milliseconds), measured in the README.
 */
public final class Launcher {
    static final int REQUIRED_FEATURE = 25;
    private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        int feature = featureVersion(System.getProperty("java.specification.version", "0"));
        if (feature < REQUIRED_FEATURE) {
            System.err.println("error: FastDraft Engine needs JDK " + REQUIRED_FEATURE + " or newer, but this is Java "
                    + System.getProperty("java.version") + " (" + System.getProperty("java.home")
                    + "); install one from https://adoptium.net and run it with that java.");
            System.exit(1);
        }
        if (vectorApiPresent()) {
            Class.forName("dev.fastdraft.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
            return;
        }
        System.exit(relaunch(args));
    }

    static int featureVersion(String spec) {
        String s = spec.startsWith("1.") ? spec.substring(2) : spec;
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) end++;
        return end == 0 ? 0 : Integer.parseInt(s.substring(0, end));
    }

    private static boolean vectorApiPresent() {
        try {
            Class.forName("jdk.incubator.vector.FloatVector", false, Launcher.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static int relaunch(String[] args) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String jar = new File(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        List<String> cmd = new ArrayList<String>();
        cmd.add(java);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("--add-modules=jdk.incubator.vector");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        // Never give heap back to the OS: training allocates and frees gigabytes of activations per step, and on
        // virtual machines that hand freed pages to the host, re-touching them is slow (the development VM: 10x
        // slower page faults beyond 6 GB). The heap stays at its high-water mark. Most of the 45 vs 330 tokens/s
        // once seen in training was the SGEMM kernel losing its vector intrinsics (see SgemmMicroKernel).
        if (!userSet("MaxHeapFreeRatio")) cmd.add("-XX:MaxHeapFreeRatio=100");
        // the child's stderr is a pipe to this JVM: tell it whether ours is a terminal, for progress lines
        String tty = stderrIsTerminal();
        if (tty != null) cmd.add("-Dfastdraft.stderr.terminal=" + tty);
        cmd.add("-cp");
        cmd.add(jar);
        cmd.add("dev.fastdraft.cli.Main");
        for (String a : args) cmd.add(a);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        String preload = withSignalChaining(System.getProperty("java.home"), System.getenv("LD_PRELOAD"));
        if (preload != null) pb.environment().put("LD_PRELOAD", preload);
        pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        final Process child = pb.start();
        // Ctrl-C in a terminal reaches both JVMs, but a kill or timeout aimed at this one does not: pass it on
        // (a second SIGTERM to a child already shutting down changes nothing), then wait for the child's own shutdown.
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            public void run() {
                try {
                    child.destroy();
                    child.waitFor();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        Thread pump = new Thread(new Runnable() {
            public void run() {
                pumpStderr(child);
            }
        }, "stderr-pump");
        pump.setDaemon(true);
        pump.start();
        int rc = child.waitFor();
        pump.join(2000);
        return rc;
    }

    /**
     * LD_PRELOAD for the child with the JDK's signal-chaining library first, or null where there is none
     * (not Linux). OpenCL drivers install their own SIGSEGV, SIGBUS, SIGFPE and SIGILL handlers over the
     * JVM's when they load (PoCL 3.1 here: {@code -Xcheck:jni} prints "SIGSEGV handler modified!"), and
     * HotSpot raises SIGSEGV on purpose, for implicit null checks. With libjsig preloaded the JVM keeps its
     * handlers and passes the signals it does not handle itself on to the driver's (no warning). On a machine
     * with PoCL 5.0 and NVIDIA's driver, a test JVM that had loaded them died of SIGSEGV without an hs_err
     * file within seconds, and with libjsig preloaded the same suite passed (engine/README-devices.md).
     */
    static String withSignalChaining(String javaHome, String existing) {
        File jsig = new File(javaHome, "lib" + File.separator + "libjsig.so");
        if (!jsig.isFile()) return null;
        if (existing == null || existing.trim().isEmpty()) return jsig.getPath();
        return existing.contains(jsig.getPath()) ? existing : jsig.getPath() + ":" + existing;
    }

    /** Copies the child's stderr, dropping the JVM's one-line incubator notice (it is expected, not news). */
    private static void pumpStderr(Process child) {
        PrintStream err = System.err;
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getErrorStream(), "UTF-8"));
            char[] buf = new char[8192];
            StringBuilder first = new StringBuilder();
            int c;
            while ((c = r.read()) != -1 && c != '\n') first.append((char) c);
            if (!first.toString().trim().equals(INCUBATOR_WARNING)) {
                err.print(first);
                if (c == '\n') err.println();
            }
            err.flush();
            int n;
            while ((n = r.read(buf)) != -1) {
                err.print(new String(buf, 0, n));
                err.flush();
            }
        } catch (java.io.IOException ignored) {
            // the child has gone; nothing left to copy
        }
    }

    /** "true" or "false" where /proc tells where stderr goes (Linux), else null. */
    private static String stderrIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Paths.get("/proc/self/fd/2")).toString();
            return String.valueOf(target.startsWith("/dev/pts/") || target.startsWith("/dev/tty"));
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    private static boolean userSet(String flag) {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.contains(flag));
    }
}
