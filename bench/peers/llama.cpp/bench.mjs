// llama.cpp on the shapes `java -jar fastdraft-engine.jar bench decode` times (Llama-3.2-1B: hidden 2048, 16 layers,
// 32 heads, 8 KV heads, MLP 8192, vocab 128256, tied embeddings), through node-llama-cpp's prebuilt CPU build.
//
//   node bench.mjs [--dtype f16|bf16] [--threads 2] [--steps 16] [--verify 2,4,8] [--model FILE.gguf]
//
// Writes the model (random weights, about 2.5 GB) on first use, then times rounds of one decode step followed by
// the verification of each k (k tokens in one batch, with logits and a greedy pick at every position, as a
// speculative decoder needs), 64 tokens of context, and prints one JSON object like `bench decode --json`.
import {getLlama} from "node-llama-cpp";
import fs from "node:fs";

const opt = {dtype: "f16", threads: "2", steps: "16", verify: "2,4,8", model: ""};
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, "");
  if (!(key in opt) || process.argv[i + 1] === undefined) { console.error(`unknown or incomplete option ${process.argv[i]}`); process.exit(2); }
  opt[key] = process.argv[i + 1];
}
if (!["f16", "bf16"].includes(opt.dtype)) { console.error("--dtype must be f16 or bf16"); process.exit(2); }
const modelPath = opt.model || `random-1b-${opt.dtype}.gguf`;
const H = 2048, LAYERS = 16, HEADS = 32, KV = 8, FF = 8192, VOCAB = 128256, HD = H / HEADS;

/** A GGUF v3 file: metadata for the llama architecture, a placeholder SentencePiece vocabulary, random weights. */
function writeModel(path, dtype) {
  const parts = [];
  const u32 = v => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
  const u64 = v => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
  const f32 = v => { const b = Buffer.alloc(4); b.writeFloatLE(v); return b; };
  const str = s => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
  const meta = [];
  const kv = (key, type, value) => meta.push(Buffer.concat([str(key), u32(type), value]));
  const array = (type, items, enc) => Buffer.concat([u32(type), u64(items.length), ...items.map(enc)]);
  kv("general.architecture", 8, str("llama"));
  kv("general.name", 8, str(`random-1b-${dtype}`));
  kv("general.alignment", 4, u32(32));
  kv("llama.context_length", 4, u32(4096));
  kv("llama.embedding_length", 4, u32(H));
  kv("llama.block_count", 4, u32(LAYERS));
  kv("llama.feed_forward_length", 4, u32(FF));
  kv("llama.attention.head_count", 4, u32(HEADS));
  kv("llama.attention.head_count_kv", 4, u32(KV));
  kv("llama.rope.freq_base", 6, f32(500000));
  kv("llama.attention.layer_norm_rms_epsilon", 6, f32(1e-5));
  kv("llama.rope.dimension_count", 4, u32(HD));
  kv("llama.vocab_size", 4, u32(VOCAB));
  const tokens = ["<unk>", "<s>", "</s>"];
  for (let i = 0; i < 256; i++) tokens.push(`<0x${i.toString(16).toUpperCase().padStart(2, "0")}>`);
  while (tokens.length < VOCAB) tokens.push(`t${tokens.length}`);
  kv("tokenizer.ggml.model", 8, str("llama"));
  kv("tokenizer.ggml.tokens", 9, array(8, tokens, str));
  kv("tokenizer.ggml.scores", 9, array(6, tokens.map(() => 0), f32));
  kv("tokenizer.ggml.token_type", 9, array(5, tokens.map((_, i) => i === 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1), u32));
  kv("tokenizer.ggml.bos_token_id", 4, u32(1));
  kv("tokenizer.ggml.eos_token_id", 4, u32(2));

  // ne[0] is the contiguous dimension: Hugging Face's [out, in] weight is [in, out] here
  const tensors = [["token_embd.weight", [H, VOCAB]], ["output_norm.weight", [H]]];
  for (let l = 0; l < LAYERS; l++) {
    const p = `blk.${l}.`;
    tensors.push([p + "attn_norm.weight", [H]], [p + "attn_q.weight", [H, H]], [p + "attn_k.weight", [H, KV * HD]],
        [p + "attn_v.weight", [H, KV * HD]], [p + "attn_output.weight", [H, H]], [p + "ffn_norm.weight", [H]],
        [p + "ffn_gate.weight", [H, FF]], [p + "ffn_up.weight", [H, FF]], [p + "ffn_down.weight", [FF, H]]);
  }
  let offset = 0;
  const infos = [], plan = [];
  for (const [name, ne] of tensors) {
    const norm = ne.length === 1, count = ne.reduce((a, b) => a * b, 1), bytes = count * (norm ? 4 : 2);
    infos.push(Buffer.concat([str(name), u32(ne.length), ...ne.map(u64), u32(norm ? 0 : dtype === "f16" ? 1 : 30), u64(offset)]));
    plan.push({norm, count, offset});
    offset += Math.ceil(bytes / 32) * 32;
  }
  parts.push(Buffer.from("GGUF"), u32(3), u64(tensors.length), u64(meta.length), ...meta, ...infos);
  let head = Buffer.concat(parts);
  head = Buffer.concat([head, Buffer.alloc((32 - head.length % 32) % 32)]);
  const tmp = path + ".tmp";
  const fd = fs.openSync(tmp, "w");
  fs.writeSync(fd, head);
  // weights: random signs and mantissas, magnitudes 2^-10..2^-5 (never inf or NaN); norms all 1
  let s = 0x9E3779B9 | 0;
  const next = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return s >>> 0; };
  for (const t of plan) {
    let pos = head.length + t.offset;
    if (t.norm) { fs.writeSync(fd, Buffer.from(new Float32Array(t.count).fill(1).buffer), 0, t.count * 4, pos); continue; }
    for (let done = 0; done < t.count;) {
      const n = Math.min(1 << 22, t.count - done), half = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const r = next();
        half[i] = dtype === "f16" ? (r >>> 31) << 15 | (5 + r % 6) << 10 | (r >>> 8 & 0x3FF) : (r >>> 31) << 15 | (117 + r % 6) << 7 | (r >>> 8 & 0x7F);
      }
      fs.writeSync(fd, Buffer.from(half.buffer), 0, n * 2, pos);
      pos += n * 2; done += n;
    }
  }
  fs.ftruncateSync(fd, head.length + offset);
  fs.closeSync(fd);
  fs.renameSync(tmp, path);
}

if (!fs.existsSync(modelPath)) {
  console.error(`writing ${modelPath} (random weights, ${opt.dtype}) ...`);
  writeModel(modelPath, opt.dtype);
}
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath, gpuLayers: 0});
const context = await model.createContext({contextSize: 512, batchSize: 64, threads: Number(opt.threads)});
const seq = context.getSequence();
const CONTEXT = 64;
const prompt = Array.from({length: CONTEXT}, (_, i) => 300 + (i * 7919) % 100000);
const p0 = performance.now();
await seq.evaluateWithoutGeneratingNewTokens(prompt);
const prefill = CONTEXT / ((performance.now() - p0) / 1000);
const widths = opt.verify.split(",").map(Number);
/** Milliseconds to evaluate the tokens after the prompt with a greedy pick at every position; the cache is cut back after. */
async function timed(tokens) {
  const t0 = performance.now();
  await seq.controlledEvaluate(tokens.map(t => [t, {generateNext: {token: true}}]));
  const ms = performance.now() - t0;
  await seq.eraseContextTokenRanges([{start: CONTEXT, end: seq.nextTokenIndex}]);
  return ms;
}
const tokensFor = (k, r) => Array.from({length: k}, (_, i) => 2000 + 13 * i + r);
for (let w = 0; w < 4; w++) {
  await timed([400 + w]);
  for (const k of widths) await timed(tokensFor(k, w));
}
const steps = [], costs = Object.fromEntries(widths.map(k => [k, []]));
for (let r = 0; r < Number(opt.steps); r++) {
  const step = await timed([1000 + r]);
  steps.push(step);
  for (const k of widths) costs[k].push(await timed(tokensFor(k, r)) / step);
}
const median = a => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
console.log(JSON.stringify({
  peer: `llama.cpp ${llama.llamaCppRelease.release} (node-llama-cpp prebuilt, CPU)`, dtype: opt.dtype, threads: Number(opt.threads),
  prefill_tokens_per_s: prefill, decode_tokens_per_s: 1000 / median(steps),
  verify_cost_vs_one_step: Object.fromEntries(widths.map(k => [k, median(costs[k])]))}));
await context.dispose();
await model.dispose();
