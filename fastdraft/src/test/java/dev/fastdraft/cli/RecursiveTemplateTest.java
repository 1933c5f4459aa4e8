package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliPipelineTest.oneLineError;
import static dev.fastdraft.cli.CliRun.cli;

import dev.fastdraft.pipeline.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A chat template that calls itself without end is one line of error, not a StackOverflowError. */
class RecursiveTemplateTest {
    @TempDir
    Path dir;

    @Test
    void selfCallingMacroIsOneLine() throws Exception {
        TinyModels.writeTokenizer(dir);
        Path template = Files.writeString(dir.resolve("t.jinja"), "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}");
        oneLineError(cli("tokenize", "--model", dir.toString(), "--text", "hi", "--chat-template", template.toString()),
                "template recursion deeper than 100 (macro f)");
    }
}
