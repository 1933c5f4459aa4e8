package dev.fastdraft.kernels.gemv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The tiles that must never be inlined into {@link PanelGemm}'s dispatch (all but {@code rows1x2}) stay above C2's 325-byte limit
 * for hot callees (see {@link Bf16PanelKernel}; the same for {@link F16PanelKernel}); an edit that shrinks one below it fails here rather than
 * as a verification that sometimes runs three times slower.
 */
class Bf16PanelKernelSizeTest {
    private static final int FREQ_INLINE_SIZE = 325;

    @Test
    void tilesOutsideTheDispatchAreTooBigToInline() throws IOException {
        for (Class<?> kernel : new Class<?>[] {Bf16PanelKernel.class, F16PanelKernel.class}) {
            Map<String, Integer> sizes = new TreeMap<>();
            try (InputStream in = kernel.getResourceAsStream(kernel.getSimpleName() + ".class")) {
                ClassModel model = ClassFile.of().parse(in.readAllBytes());
                for (MethodModel m : model.methods()) {
                    m.findAttribute(Attributes.code()).ifPresent(code -> sizes.put(m.methodName().stringValue(), code.codeLength()));
                }
            }
            for (String tile : new String[] {"rows6", "rows5", "rows4", "rows3", "rows2x2", "rows1x4"}) {
                assertTrue(sizes.get(tile) > FREQ_INLINE_SIZE, kernel.getSimpleName() + "." + tile + " has " + sizes.get(tile)
                        + " bytes of bytecode: C2 may inline it into the dispatch");
            }
            assertEquals(7, sizes.keySet().stream().filter(n -> n.startsWith("rows")).count(), kernel.getSimpleName() + " tiles: " + sizes.keySet());
        }
    }
}
