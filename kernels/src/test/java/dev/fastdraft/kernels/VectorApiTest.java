package dev.fastdraft.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VectorApiTest {
    /** Run in a JVM without the module: the message says how to add it. */
    public static void main(String[] args) {
        try {
            VectorApi.require();
            System.out.println("no error");
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
        }
    }

    @Test
    void aJvmWithoutTheVectorApiIsToldHowToAddIt() throws Exception {
        VectorApi.require(); // this one has it
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), VectorApiTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("start java with --add-modules jdk.incubator.vector"), out);
    }
}
