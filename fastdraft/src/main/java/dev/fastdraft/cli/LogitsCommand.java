package dev.fastdraft.cli;

import dev.fastdraft.models.io.Npy;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import java.nio.file.Path;
import java.util.List;

/** {@code logits}: the logits of every position of one causal forward pass, as a .npy file. */
public final class LogitsCommand implements Command {
    @Override
    public String name() {
        return "logits";
    }

    @Override
    public String summary() {
        return "write the logits of every position of --ids to a float32 .npy [ids, vocab]";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--model", "DIR", "Hugging Face model directory"),
                Option.value("--ids", "1,2,3", "token ids, used as given (no BOS added)"),
                Option.value("--out", "FILE.npy", "output file"),
                CliSupport.DEVICE,
                Option.value("--threads", "T", "worker threads (default: physical cores)"));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        CliSupport.threads(a);
        int[] ids = a.intList("--ids");
        Path out = a.path("--out");
        int vocab;
        try (var device = CliSupport.device(a, console); LlamaLoader.Loaded loaded = LlamaLoader.open(a.path("--model"))) {
            loaded.model().useDevice(device);
            LlamaModel model = loaded.model();
            CliSupport.checkIds(ids, model.vocabSize(), "--ids");
            if (ids.length > model.maxPositions()) {
                throw new UserError("--ids: " + ids.length + " ids exceed the model's context of " + model.maxPositions() + " positions; give at most "
                        + model.maxPositions());
            }
            float[] logits = model.forward(ids, model.newCache(ids.length), ids.length);
            vocab = model.vocabSize();
            Npy.write(out, logits, ids.length, vocab);
        }
        console.err().println("wrote " + out + " (float32 logits, shape [" + ids.length + ", " + vocab + "])");
        return 0;
    }
}
