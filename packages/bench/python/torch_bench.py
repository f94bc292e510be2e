"""PyTorch peer for the @rnn bench: times the bench model (nn.LSTM/GRU/RNN batch_first -> Linear(1),
MSE, Adam) on CPU and checks it against our backends on the same weights.

Usage: torch_bench.py SPEC_JSON   (prints one JSON object on stdout)
SPEC: { cell, dims: {B,T,I,H}, modes: ["infer"|"train"], budget: {budgetMs, warmupMs, minReps, maxReps},
        batchFile, weightsFile | null, validate, onnxFile | null,
        serve: {callers: [K...], durationMs, warmupMs, slices, rewarmMs} | null }
onnxFile: export the loaded weights there with torch.onnx.export (input "x" [batch, T, I], output
"y" [batch, 1], batch dimension dynamic) before anything is timed, for the onnxruntime peer.
serve: K Python threads, one intra-op thread each, each predicting one sequence (x[:1]) in a loop
for warmupMs untimed, then in slices taking turns with the other K (serve_in_turns); throughput
and latency percentiles per K.
The parent sets OPENBLAS_NUM_THREADS to the bench's thread count (--threads, else RNN_NUM_THREADS,
else the CPUs); intra-op threads are set to 1 here.
Exit code 3 (and a message on stderr) when torch cannot be imported.
"""
import json
import resource
import struct
import sys
import threading
import time

MAGIC = b"RNNBENCH1\n"


def read_bundle(path):
    """Reads the bench's bundle format (see src/tensor-file.ts) into {name: (shape, list-free tensor)}."""
    import torch

    with open(path, "rb") as f:
        buf = f.read()
    if not buf.startswith(MAGIC):
        raise ValueError(f"{path} is not a bench bundle")
    (header_len,) = struct.unpack_from("<I", buf, len(MAGIC))
    data_start = len(MAGIC) + 4 + header_len
    header = json.loads(buf[len(MAGIC) + 4 : data_start].decode("utf-8"))
    out = {}
    for e in header["entries"]:
        start = data_start + e["offset"] * 4
        raw = bytearray(buf[start : start + e["length"] * 4])
        t = torch.frombuffer(raw, dtype=torch.float32).clone()
        out[e["name"]] = t.reshape(e["shape"])
    return out


def rss_mb(peak):
    if peak:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / (1024.0 * 1024.0)


def median(values):
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 == 1 else (s[mid - 1] + s[mid]) / 2


def time_call(fn, budget):
    """Warm-up, then the same adaptive repetition count as the Node side (src/timing.ts)."""
    warmup_end = time.perf_counter() + budget["warmupMs"] / 1000.0
    fn()
    while time.perf_counter() < warmup_end:
        fn()
    samples = []

    def once():
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000.0

    first = once()
    samples.append(first)
    if first >= 2 * budget["budgetMs"]:
        reps = 1
    else:
        reps = min(budget["maxReps"], max(budget["minReps"], int(budget["budgetMs"] // first)))
    for _ in range(1, reps):
        samples.append(once())
    return median(samples), samples


def percentile(values, q):
    """Nearest-rank percentile, as src/serve-stats.ts computes it."""
    s = sorted(values)
    rank = max(1, -(-len(s) * q // 100))
    return s[int(rank) - 1]


def call_until(predict_one, callers, deadline):
    """K threads calling predict_one until the deadline; every call's latency in ms, per thread."""
    latencies = [[] for _ in range(callers)]

    def caller(out):
        # Every caller completes at least one call, however late its thread gets going.
        while True:
            t0 = time.perf_counter()
            predict_one()
            out.append((time.perf_counter() - t0) * 1000.0)
            if time.perf_counter() >= deadline:
                break

    threads = [threading.Thread(target=caller, args=(latencies[i],)) for i in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def serve_in_turns(predict_one, plan):
    """As src/serve-stats.ts's serveInTurns: each K's callers untimed for warmupMs, then `slices`
    rounds in which every K serves untimed for rewarmMs and timed for durationMs / slices, the K
    taking turns (the first K leads the even rounds); each K's slices pooled."""
    runs = [{"callers": k, "latencies": [], "seconds": 0.0, "sliceThroughputs": []} for k in plan["callers"]]
    for run in runs:
        call_until(predict_one, run["callers"], time.perf_counter() + plan["warmupMs"] / 1000.0)
    slice_s = plan["durationMs"] / plan["slices"] / 1000.0
    for index in range(plan["slices"]):
        for run in (runs if index % 2 == 0 else list(reversed(runs))):
            if plan["rewarmMs"] > 0:
                call_until(predict_one, run["callers"], time.perf_counter() + plan["rewarmMs"] / 1000.0)
            start = time.perf_counter()
            flat = [ms for per in call_until(predict_one, run["callers"], start + slice_s) for ms in per]
            seconds = time.perf_counter() - start
            run["latencies"].extend(flat)
            run["seconds"] += seconds
            run["sliceThroughputs"].append(len(flat) / seconds)
    return [
        {
            "callers": run["callers"],
            "sequences": len(run["latencies"]),
            "seconds": run["seconds"],
            "throughput": len(run["latencies"]) / run["seconds"],
            "p50Ms": percentile(run["latencies"], 50),
            "p99Ms": percentile(run["latencies"], 99),
            "sliceThroughputs": run["sliceThroughputs"],
        }
        for run in runs
    ]


def export_onnx(model, x, path):
    """The graph torch writes for the validated weights: x [batch, T, I] -> y [batch, 1]."""
    import torch

    model.eval()
    with torch.no_grad():
        torch.onnx.export(
            model,
            (x[:1],),
            path,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
            opset_version=14,
        )


def main():
    spec = json.loads(sys.argv[1])
    try:
        import torch
        import torch.nn as nn
    except Exception as err:  # torch missing or broken: the bench skips this peer
        print(f"import torch failed: {err}", file=sys.stderr)
        sys.exit(3)

    torch.set_num_threads(1)
    torch.manual_seed(0)
    baseline = rss_mb(peak=False)
    d = spec["dims"]
    B, T, I, H = d["B"], d["T"], d["I"], d["H"]
    rnn_class = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[spec["cell"]]

    class BenchModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = rnn_class(I, H, batch_first=True)
            self.linear = nn.Linear(H, 1)

        def forward(self, x):
            y, _ = self.rnn(x)
            return self.linear(y[:, -1])

    batch = read_bundle(spec["batchFile"])
    x, target = batch["x"], batch["y"]  # [B, T, I], [B, 1]
    weights = read_bundle(spec["weightsFile"]) if spec.get("weightsFile") else None

    def fresh_model():
        model = BenchModel()
        if weights is not None:
            # Our stateDict keys are nn.Sequential-style: "0.*" is the recurrent layer, "1.*" the Dense.
            renamed = {("rnn." if k.startswith("0.") else "linear.") + k[2:]: v for k, v in weights.items()}
            model.load_state_dict(renamed)
        # Keras' Adam epsilon (1e-7), as in @rnn/core; torch's default is 1e-8.
        return model, torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

    loss_fn = nn.MSELoss()

    def train_step(model, opt):
        opt.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        opt.step()
        return loss.item()

    if spec.get("onnxFile"):
        export_onnx(fresh_model()[0], x, spec["onnxFile"])

    timings = []
    model, opt = fresh_model()
    for mode in spec["modes"]:
        if mode == "infer":

            def call():
                with torch.no_grad():
                    model(x)

        else:

            def call():
                train_step(model, opt)

        med, samples = time_call(call, spec["budget"])
        timings.append({"mode": mode, "medianMs": med, "samplesMs": samples, "peakRssMb": rss_mb(peak=True)})

    serving = []
    if spec.get("serve"):
        one = x[:1]

        def predict_one():
            with torch.no_grad():
                model(one)

        serving = serve_in_turns(predict_one, spec["serve"])

    validation = None
    if spec.get("validate") and weights is not None:
        # After timing, on freshly loaded weights, so that timing's memory peaks stay per mode.
        model, opt = fresh_model()
        with torch.no_grad():
            prediction = model(x).reshape(-1).tolist()
        losses = [train_step(model, opt), train_step(model, opt)]
        validation = {"prediction": prediction, "losses": losses}

    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "baselineRssMb": baseline,
                "timings": timings,
                "validation": validation,
                "serving": serving,
            }
        )
    )


if __name__ == "__main__":
    main()
