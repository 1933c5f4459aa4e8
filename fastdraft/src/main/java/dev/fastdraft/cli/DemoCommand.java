package dev.fastdraft.cli;

import dev.fastdraft.pipeline.demo.Demo;
import dev.fastdraft.pipeline.demo.DemoPlan;
import dev.fastdraft.pipeline.demo.EmbeddedTarget;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** {@code demo}, also what the jar runs with no arguments: the whole pipeline on the embedded target. */
public final class DemoCommand implements Command {
    /** Room the demo needs: the target, token files, three drafts, checkpoints, synthetic data. */
    static final long NEEDED_BYTES = 400L << 20;

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "the whole pipeline on the built-in target, in about 3 minutes (--quick: about 1); runs with no arguments";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--out", "DIR", "where the demo keeps what it makes (default ./fastdraft-demo); a re-run with the same settings continues there"),
                Option.flag("--quick", "a smaller run of every stage, about a minute"),
                Option.flag("--fresh", "delete what an earlier run left in --out and start over"),
                Option.value("--corpus", "PATH", "pre-training corpus (default: this JDK's lib/src.zip)"),
                Option.flag("--target-text", "pre-train on text the target writes itself (what happens where the JDK has no src.zip)"),
                Option.value("--seed", "S", "seed for the draft's initialisation and the prompts (default 1)"),
                Option.value("--threads", "T", "worker threads (default: physical cores)"));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        CliSupport.threads(a);
        if (!EmbeddedTarget.available()) throw new UserError("this jar was built without the demo target; build it with the README's command");
        long seed = a.longValue("--seed", 1); // checked before anything is made
        Path out = a.has("--out") ? a.path("--out") : Path.of("fastdraft-demo");
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UserError("--out " + out + " is a file; give a directory");
        if (a.flag("--fresh") && Files.isDirectory(out)) {
            if (!Demo.isDemoDirectory(out)) {
                try (Stream<Path> s = Files.list(out)) {
                    if (s.findAny().isPresent()) {
                        throw new UserError("--fresh: " + out + " holds files but no demo run (no demo.json); nothing deleted. Give the demo a directory of its own");
                    }
                }
            }
            Demo.reset(out);
        }
        try {
            Files.createDirectories(out);
        } catch (AccessDeniedException e) {
            throw new UserError("cannot create " + out + ": permission denied; choose another directory with --out DIR");
        } catch (FileSystemException e) {
            // some file systems (/proc) refuse with no reason given, as a NoSuchFileException
            String reason = e.getReason() != null ? e.getReason() : e instanceof NoSuchFileException ? "the file system refused it (no such file or directory)"
                    : e.getClass().getSimpleName();
            throw new UserError("cannot create " + out + ": " + reason + "; choose another directory with --out DIR");
        }
        if (!Files.isWritable(out)) throw new UserError("cannot write to " + out + "; choose a writable directory with --out DIR");
        long free = Files.getFileStore(out).getUsableSpace();
        if (free < NEEDED_BYTES) {
            throw new UserError(String.format("only %d MB free where %s lies; the demo needs about %d MB: free some space or use --out on another disk",
                    free >> 20, out, NEEDED_BYTES >> 20));
        }
        DemoPlan plan = a.flag("--quick") ? DemoPlan.QUICK : DemoPlan.FULL;
        console.out().printf("FastDraft demo (%s run): build a draft for a target model and make the target faster with it.%n", plan.name());
        console.out().println("Interrupt it any time; run it again to continue where it stopped (--fresh to start over).");
        new Demo(new Demo.Options(out, plan, a.has("--corpus") ? a.path("--corpus") : null, a.flag("--target-text"),
                seed), console.out(), console.err()).run();
        return 0;
    }
}
