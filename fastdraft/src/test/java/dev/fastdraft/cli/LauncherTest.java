package dev.fastdraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relaunched JVM gets the JDK's signal-chaining library preloaded, ahead of whatever the user preloads. */
class LauncherTest {
    @TempDir Path home;

    @Test
    void libjsigGoesFirstInLdPreload() throws Exception {
        assertNull(Launcher.withSignalChaining(home.toString(), null), "no libjsig.so in this java.home: nothing to preload");
        Path jsig = Files.createDirectories(home.resolve("lib")).resolve("libjsig.so");
        Files.write(jsig, new byte[0]);
        String path = jsig.toString();
        assertEquals(path, Launcher.withSignalChaining(home.toString(), null));
        assertEquals(path, Launcher.withSignalChaining(home.toString(), " "));
        assertEquals(path + ":/opt/x.so", Launcher.withSignalChaining(home.toString(), "/opt/x.so"));
        assertEquals("/opt/x.so:" + path, Launcher.withSignalChaining(home.toString(), "/opt/x.so:" + path), "already preloaded: left as it is");
    }

    @Test
    void theRunningJdkHasTheLibraryOnLinux() {
        String home = System.getProperty("java.home");
        boolean linux = System.getProperty("os.name", "").toLowerCase().contains("linux");
        if (!linux) System.out.println("LauncherTest: libjsig check skipped: not Linux");
        Assumptions.assumeTrue(linux, "not Linux");
        assertEquals(home + File.separator + "lib" + File.separator + "libjsig.so", Launcher.withSignalChaining(home, null));
    }
}
