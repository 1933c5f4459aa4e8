package dev.fastdraft.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.fastdraft.engine.device.levelzero.ZeConstants;
import dev.fastdraft.engine.device.levelzero.ZeStructs;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every hand-written Level Zero struct layout and constant against the real ze_api.h: a C program
 * compiled with gcc prints sizeof, offsetof of each named field, and each constant.
 */
class LevelZeroLayoutTest {
    static final String HEADER = "/usr/include/level_zero/ze_api.h";

    @Test
    void structLayoutsAndConstantsMatchTheHeader() throws Exception {
        CProbe.requireToolsAndHeaders("LevelZeroLayoutTest", HEADER);
        StringBuilder c = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include <level_zero/ze_api.h>\nint main(void) {\n");
        for (StructLayout s : ZeStructs.ALL) {
            String type = s.name().orElseThrow();
            c.append("  printf(\"").append(type).append(" sizeof %zu\\n\", sizeof(").append(type).append("));\n");
            c.append("  printf(\"").append(type).append(" alignof %zu\\n\", _Alignof(").append(type).append("));\n");
            for (MemoryLayout m : s.memberLayouts()) {
                if (m instanceof PaddingLayout) continue;
                String f = m.name().orElseThrow(() -> new AssertionError(type + " has an unnamed field"));
                c.append("  printf(\"").append(type).append('.').append(f).append(" offset %zu\\n\", offsetof(").append(type).append(", ").append(f).append("));\n");
                c.append("  printf(\"").append(type).append('.').append(f).append(" size %zu\\n\", sizeof(((").append(type).append(" *)0)->").append(f).append("));\n");
            }
        }
        for (Field f : ZeConstants.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && f.getName().startsWith("ZE_"))
                c.append("  printf(\"").append(f.getName()).append(" value %lld\\n\", (long long)").append(f.getName()).append(");\n");
        }
        c.append("  return 0;\n}\n");
        Map<String, Long> fromC = CProbe.run(c.toString());

        int checked = 0;
        for (StructLayout s : ZeStructs.ALL) {
            String type = s.name().orElseThrow();
            assertEquals(fromC.get(type + " sizeof"), s.byteSize(), type + " sizeof");
            assertEquals(fromC.get(type + " alignof"), s.byteAlignment(), type + " alignment");
            for (MemoryLayout m : s.memberLayouts()) {
                if (m instanceof PaddingLayout) continue;
                String f = m.name().orElseThrow();
                assertEquals(fromC.get(type + "." + f + " offset"), ZeStructs.offset(s, f), type + "." + f + " offset");
                assertEquals(fromC.get(type + "." + f + " size"), m.byteSize(), type + "." + f + " size");
                checked++;
            }
        }
        for (Field f : ZeConstants.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && f.getName().startsWith("ZE_")) {
                Long v = fromC.get(f.getName() + " value");
                assertNotNull(v, f.getName());
                assertEquals(v.longValue(), f.getInt(null), f.getName());
                checked++;
            }
        }
        System.out.println("LevelZeroLayoutTest: " + ZeStructs.ALL.size() + " structs, " + checked + " fields and constants match " + HEADER);
    }
}
