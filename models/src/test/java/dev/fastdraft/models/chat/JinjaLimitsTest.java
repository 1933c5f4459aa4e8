package dev.fastdraft.models.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Templates that would recurse or nest without end fail with a TemplateException, not a StackOverflowError. */
class JinjaLimitsTest {
    /** Runs {@code r} on a thread with a 512 KiB stack, half the usual default, and returns what it threw. */
    private static Throwable onSmallStack(Runnable r) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                r.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "small-stack", 512 << 10);
        t.start();
        t.join();
        return thrown.get();
    }

    @Test
    void selfCallingMacroStopsAtTheDepthLimit() throws Exception {
        JinjaTemplate t = JinjaTemplate.compile("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}");
        Throwable e = onSmallStack(() -> t.render(Map.of()));
        assertEquals(TemplateException.class, e == null ? null : e.getClass(), String.valueOf(e));
        assertEquals("template recursion deeper than " + JinjaRenderer.MAX_MACRO_DEPTH + " (macro f)", ((TemplateException) e).reason());
        // mutual recursion counts the same
        JinjaTemplate mutual = JinjaTemplate.compile("{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}");
        assertThrows(TemplateException.class, () -> mutual.render(Map.of()));
    }

    @Test
    void boundedRecursionStillWorks() throws Exception {
        JinjaTemplate t = JinjaTemplate.compile("{% macro down(n) %}{{ n }}{% if n > 0 %},{{ down(n - 1) }}{% endif %}{% endmacro %}{{ down(50) }}");
        AtomicReference<String> out = new AtomicReference<>();
        Throwable e = onSmallStack(() -> out.set(t.render(Map.of())));
        assertEquals(null, e);
        assertEquals(51, out.get().split(",").length);
        // and a template can call a macro again after the limit stopped an earlier render
        JinjaTemplate f = JinjaTemplate.compile("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}");
        assertThrows(TemplateException.class, () -> f.render(Map.of()));
        assertThrows(TemplateException.class, () -> f.render(Map.of()));
    }

    @Test
    void deepNestingIsATemplateError() {
        String deep = "{{ " + "(".repeat(200_000) + "1" + ")".repeat(200_000) + " }}";
        TemplateException e = assertThrows(TemplateException.class, () -> JinjaTemplate.compile(deep));
        assertEquals("template nested too deeply to parse", e.getMessage());
    }
}
