package dev.fastdraft.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.fastdraft.engine.device.opencl.ClConstants;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenCL constants we wrote by hand against the real CL/cl.h (and the error names against their codes). */
class OpenClHeaderTest {
    static final String HEADER = "/usr/include/CL/cl.h";

    @Test
    void constantsMatchTheHeader() throws Exception {
        CProbe.requireToolsAndHeaders("OpenClHeaderTest", HEADER);
        StringBuilder c = new StringBuilder("#define CL_TARGET_OPENCL_VERSION 300\n#include <stdio.h>\n#include <CL/cl.h>\n#include <CL/cl_ext.h>\nint main(void) {\n");
        for (Field f : ClConstants.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && (f.getType() == int.class || f.getType() == long.class))
                c.append("  printf(\"").append(f.getName()).append(" %lld\\n\", (long long)").append(f.getName()).append(");\n");
        }
        c.append("  printf(\"sizeof_size_t %zu\\n\", sizeof(size_t));\n  printf(\"sizeof_cl_ulong %zu\\n\", sizeof(cl_ulong));\n");
        c.append("  return 0;\n}\n");
        Map<String, Long> fromC = CProbe.run(c.toString());
        int checked = 0;
        for (Field f : ClConstants.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && (f.getType() == int.class || f.getType() == long.class)) {
                Long v = fromC.get(f.getName());
                assertNotNull(v, f.getName());
                assertEquals(v.longValue(), ((Number) f.get(null)).longValue(), f.getName());
                checked++;
            }
        }
        assertEquals(8L, fromC.get("sizeof_size_t"), "the bindings map size_t to a 64-bit long");
        assertEquals(8L, fromC.get("sizeof_cl_ulong"));
        assertEquals("CL_OUT_OF_RESOURCES (-5)", ClConstants.errorName(-5));
        assertEquals("CL_INVALID_KERNEL_ARGS (-52)", ClConstants.errorName(-52));
        System.out.println("OpenClHeaderTest: " + checked + " constants match " + HEADER);
    }
}
