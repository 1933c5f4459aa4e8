package dev.fastdraft.pipeline.train;

import dev.fastdraft.autograd.AdamW;
import dev.fastdraft.autograd.Parameter;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.models.checkpoint.SafeTensors;
import dev.fastdraft.models.checkpoint.SafeTensorsWriter;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.pipeline.Progress;
import dev.fastdraft.pipeline.TokenFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * The training loop: batches from a token file, forward and backward through the tape, gradient
 * clipping, AdamW, periodic validation and atomic checkpoints from which a run resumes exactly.
 */
public final class Trainer {
    private final LlamaModel model;
    private final TrainConfig config;
    private final TrainStep trainStep;
    private final AdamW optimizer;
    private final List<Parameter> params;
    private final List<Double> losses = new ArrayList<>();
    private final List<double[]> valLosses = new ArrayList<>();
    private final String label;
    private final Map<String, String> settings;
    private final String fingerprint;
    // read by the interrupt note from a shutdown hook's thread
    private volatile long step;
    private volatile long checkpointStep = -1;

    public Trainer(LlamaModel model, TrainConfig config) {
        this(model, config, "train", Map.of());
    }

    /**
     * @param label       the progress line's name (train, pretrain, distill)
     * @param runSettings settings beyond {@link TrainConfig} that decide the run's numbers (loss kind, data set), by
     *                    name: recorded in checkpoints with the config's so --resume refuses a run made with others
     */
    public Trainer(LlamaModel model, TrainConfig config, String label, Map<String, String> runSettings) {
        this.model = model;
        this.config = config;
        this.label = label;
        this.settings = new LinkedHashMap<>(config.settings());
        settings.putAll(runSettings);
        // the form checkpoints had before they recorded settings by name, so that those still resume
        this.fingerprint = runSettings.isEmpty() ? config.fingerprint() : config.fingerprint() + "/" + label + "/" + String.join("/", runSettings.values());
        this.trainStep = new TrainStep(model, config);
        this.params = trainStep.params();
        this.optimizer = trainStep.optimizer();
    }

    public List<Double> losses() {
        return losses;
    }

    /** (step, loss) pairs of the validation runs so far. */
    public List<double[]> validationLosses() {
        return valLosses;
    }

    public long step() {
        return step;
    }

    /**
     * Trains until {@code config.steps()}, checkpointing into {@code out} every {@code checkpointEvery} steps
     * (0: only at the end). Stops with an exception naming the step if the loss stops being finite; the last
     * good checkpoint stays.
     */
    public void run(TokenFile data, TokenFile val, Path out, PrintStream log) throws IOException {
        int vocab = model.vocabSize();
        int rows = config.batch(), t = config.seqLen();
        if (data.length() < (long) t + 1) {
            throw new IllegalArgumentException(data.path() + ": " + data.length() + " tokens are fewer than one sequence of --seq-len " + t + " plus its next-token target");
        }
        DataOrder order = DataOrder.of(config.dataOrder(), data.length(), t, config.seed());
        BatchSource batches = index -> {
            int[] in = new int[rows * t], tgt = new int[rows * t], window = new int[t + 1];
            for (int b = 0; b < rows; b++) {
                data.read(order.offset(index * rows + b), window, 0, t + 1, vocab);
                System.arraycopy(window, 0, in, b * t, t);
                System.arraycopy(window, 1, tgt, b * t, t);
            }
            return Batch.nextToken(in, tgt, rows, t);
        };
        run(batches, val == null ? null : () -> validate(val), out, log);
    }

    /**
     * The loop over any batch source: {@code validation} (null: none) gives the validation loss every
     * {@code valEvery} steps and at the end.
     */
    public void run(BatchSource batches, DoubleSupplier validation, Path out, PrintStream log) throws IOException {
        // Ctrl-C ends the JVM without unwinding this loop: a shutdown hook says what a rerun would continue from
        Thread note = new Thread(() -> log.println(interruptNote(out)), label + "-interrupt-note");
        Runtime.getRuntime().addShutdownHook(note);
        try {
            loop(batches, validation, out, log);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(note);
            } catch (IllegalStateException shuttingDown) {
                // the note is already running
            }
        }
    }

    /** What an interrupted run has to show for itself; printed when the JVM is stopped during {@link #run}. */
    String interruptNote(Path out) {
        long done = step, saved = checkpointStep;
        String at = "interrupted after step " + done + " of " + config.steps();
        if (saved >= 0) return at + "; the last checkpoint is step " + saved + " in " + out + ": rerun with --resume to continue from there";
        String when = config.checkpointEvery() > 0 ? "the first is due at step " + config.checkpointEvery() : "--checkpoint-every 0 saves none";
        return at + " before any checkpoint (" + when + "); a rerun starts from the beginning";
    }

    private void loop(BatchSource batches, DoubleSupplier validation, Path out, PrintStream log) throws IOException {
        Progress progress = new Progress(log, label, "steps", config.steps(), step);
        long tokensDone = 0, t0 = System.nanoTime();
        while (step < config.steps()) {
            // the step's loss is the mean over all its targets, as transformers' Trainer takes it: micro-batches of
            // unequal target counts (distillation's completions) weigh by their counts, not equally
            Batch[] micro = new Batch[config.accumulation()];
            long targets = 0;
            for (int i = 0; i < micro.length; i++) {
                micro[i] = batches.batch(step * micro.length + i);
                targets += micro[i].targets();
            }
            double stepLoss = 0;
            for (Batch b : micro) {
                double weight = targets == 0 ? 1.0 / micro.length : (double) b.targets() / targets;
                stepLoss += trainStep.accumulate(b, weight) * weight;
            }
            if (!Double.isFinite(stepLoss)) {
                throw new TrainingDiverged("training diverged: loss is " + stepLoss + " at step " + (step + 1)
                        + "; the last good checkpoint (if any) is kept in " + out + "; lower --lr or check the data");
            }
            trainStep.apply(step);
            step++;
            losses.add(stepLoss);
            tokensDone += config.tokensPerStep();
            double secs = (System.nanoTime() - t0) / 1e9;
            String extra = String.format(Locale.ROOT, "loss %.4f, lr %.2e, %.0f tok/s", stepLoss, config.schedule().lr(step - 1), tokensDone / secs);
            if (validation != null && config.valEvery() > 0 && (step % config.valEvery() == 0 || step == config.steps())) {
                double vl = validation.getAsDouble();
                valLosses.add(new double[] {step, vl});
                extra += String.format(Locale.ROOT, ", val %.4f (ppl %.2f)", vl, Math.exp(vl));
                progress.update(step, extra, true);
            } else {
                progress.update(step, extra, step == config.steps());
            }
            if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0 && step < config.steps()) saveCheckpoint(out);
        }
        progress.finish(step, null);
    }

    /** Mean loss over the first {@code valBatches} batches of the validation file (no tape). */
    public double validate(TokenFile val) {
        int t = config.seqLen(), rows = config.batch();
        long windows = (val.length() - 1) / t;
        if (windows < 1) throw new IllegalArgumentException(val.path() + ": fewer tokens than one validation sequence of " + (t + 1));
        int batches = (int) Math.max(1, Math.min(config.valBatches(), windows / rows));
        int useRows = (int) Math.min(rows, windows);
        int[] in = new int[useRows * t], tgt = new int[useRows * t], window = new int[t + 1];
        double sum = 0;
        for (int k = 0; k < batches; k++) {
            for (int b = 0; b < useRows; b++) {
                val.read(((long) k * useRows + b) % windows * t, window, 0, t + 1, model.vocabSize());
                System.arraycopy(window, 0, in, b * t, t);
                System.arraycopy(window, 1, tgt, b * t, t);
            }
            sum += model.loss(in, tgt, useRows, t).value().get(0);
        }
        return sum / batches;
    }

    /**
     * Continues the checkpoint in {@code out} when {@code resume} and one exists, else starts afresh; says which
     * on {@code log} (and warns when a checkpoint is about to be overwritten without --resume).
     */
    public void start(Path out, boolean resume, PrintStream log) throws IOException {
        Path file = TrainConfig.checkpointFile(out);
        if (resume && resume(out)) {
            log.println("resuming from " + file + " at step " + step);
        } else if (resume) {
            log.println("note: no checkpoint in " + out + " to resume from; starting afresh");
        } else if (Files.exists(file)) {
            log.println("note: " + file + " exists; starting afresh (add --resume to continue it)");
        }
    }

    // ---- checkpoints: one safetensors file, written atomically ----

    public void saveCheckpoint(Path out) throws IOException {
        Files.createDirectories(out);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            tensors.put("model/" + p.name(), p.var().value());
            tensors.put("adam_m/" + p.name(), optimizer.firstMoment(i));
            tensors.put("adam_v/" + p.name(), optimizer.secondMoment(i));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("step", Long.toString(step));
        meta.put("fingerprint", fingerprint);
        meta.put("settings", Json.write(settings));
        meta.put("losses", Json.write(losses));
        List<List<Double>> vl = new ArrayList<>();
        for (double[] v : valLosses) vl.add(List.of(v[0], v[1]));
        meta.put("val_losses", Json.write(vl));
        SafeTensorsWriter.write(TrainConfig.checkpointFile(out), tensors, meta);
        checkpointStep = step;
    }

    /** Restores weights, moments, step and loss history; returns false when {@code out} has no checkpoint. */
    public boolean resume(Path out) throws IOException {
        Path file = TrainConfig.checkpointFile(out);
        if (!Files.exists(file)) return false;
        try (SafeTensors st = SafeTensors.open(file)) {
            Map<String, String> meta = st.metadata();
            checkSettings(file, meta);
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                p.var().value().copyFrom(st.tensor("model/" + p.name()));
                optimizer.firstMoment(i).copyFrom(st.tensor("adam_m/" + p.name()));
                optimizer.secondMoment(i).copyFrom(st.tensor("adam_v/" + p.name()));
            }
            step = Long.parseLong(meta.get("step"));
            checkpointStep = step;
            optimizer.restoreStep(step);
            losses.clear();
            for (Object o : (List<?>) Json.parse(meta.get("losses"))) losses.add(((Number) o).doubleValue());
            valLosses.clear();
            for (Object o : (List<?>) Json.parse(meta.getOrDefault("val_losses", "[]"))) {
                List<?> pair = (List<?>) o;
                valLosses.add(new double[] {((Number) pair.get(0)).doubleValue(), ((Number) pair.get(1)).doubleValue()});
            }
            return true;
        }
    }

    /** Refuses a checkpoint made with other settings, naming each option that differs. */
    private void checkSettings(Path file, Map<String, String> meta) {
        String advice = "; rerun with the same options or start a fresh --out";
        if (!meta.containsKey("settings")) {
            if (fingerprint.equals(meta.get("fingerprint"))) return;
            throw new IllegalArgumentException(file + ": the checkpoint was made with other training settings" + advice);
        }
        Map<String, Object> was = Json.parseObject(meta.get("settings"));
        List<String> changed = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>(was.keySet());
        names.addAll(settings.keySet());
        for (String name : names) {
            Object then = was.get(name), now = settings.get(name);
            if (!Objects.equals(then, now)) changed.add(name + " was " + (then == null ? "unset" : then) + " in the checkpoint, now " + (now == null ? "unset" : now));
        }
        if (!changed.isEmpty()) throw new IllegalArgumentException(file + ": cannot resume: " + String.join(", ", changed) + advice);
    }
}
