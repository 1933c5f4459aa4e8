package dev.fastdraft.engine.device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Habana Gaudi is detected, not supported: its SynapseAI C API (libSynapse.so) is not available from any
 * package registry reachable here, so there is nothing to build or test a backend against. We look for
 * the library file and the device nodes without loading anything, and say what we found.
 */
public final class GaudiProbe {
    private GaudiProbe() {}

    public static final String BACKEND = "gaudi";
    static final List<String> LIBRARY_DIRS = List.of("/usr/lib/habanalabs", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib", "/opt/habanalabs/lib");

    public static BackendReport probe() {
        List<String> dirs = new ArrayList<>(LIBRARY_DIRS);
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) for (String d : ld.split(":")) if (!d.isBlank()) dirs.add(0, d);
        String library = null;
        for (String d : dirs) {
            for (String n : List.of("libSynapse.so", "libSynapse.so.1")) {
                if (Files.exists(Path.of(d, n))) {
                    library = Path.of(d, n).toString();
                    break;
                }
            }
            if (library != null) break;
        }
        boolean nodes = Files.exists(Path.of("/dev/hl0")) || Files.exists(Path.of("/dev/accel/accel0"));
        if (library == null) {
            return BackendReport.none(BACKEND, "libSynapse.so not found: Habana SynapseAI is not installed (no package registry here has it)"
                    + (nodes ? "; device nodes exist (/dev/hl0 or /dev/accel/accel0)" : "") + "; Gaudi is detected only, not supported");
        }
        return BackendReport.none(BACKEND, "found " + library + (nodes ? " and Gaudi device nodes" : "")
                + ", but FastDraft has no SynapseAI backend: Gaudi is detected only, not used");
    }
}
