using BenchmarkDotNet.Running;
using Inspecta.Benchmarks;

// `search-figures [--quick]` prints the search figures quickly without BenchmarkDotNet's statistics;
// `geometry-figures [--quick]` likewise for the 3D geometry figures;
// everything else goes to BenchmarkDotNet (e.g. `--filter *Search*`).
if (args.Length > 0 && args[0] == "search-figures")
{
    SearchFigures.Print(quick: args.Contains("--quick"));
    return;
}
// `search-figures-real <bottle dir> <backbone.onnx>`: the same on real PatchCore features of MVTec bottle.
if (args.Length > 2 && args[0] == "search-figures-real")
{
    SearchFigures.PrintReal(args[1], args[2]);
    return;
}
// `eval-figures [repeats]` times the exact evaluation on a bottle-sized synthetic set and prints peak memory;
// `eval-write-bottle-maps <bottle dir> <out dir>` writes synthetic maps for the real bottle test set (to time `inspecta eval`).
if (args.Length > 2 && args[0] == "eval-write-bottle-maps")
{
    BottleMapWriter.Write(args[1], args[2]);
    return;
}
if (args.Length > 0 && args[0] == "eval-figures")
{
    EvaluationFigures.Print(args.Length > 1 ? int.Parse(args[1]) : 3);
    return;
}
// `deep-figures <bottle-dir> <backbone.onnx> [patchcore,patchcore1,padim,spade]` times PatchCore/PaDiM/SPADE on bottle.
if (args.Length > 2 && args[0] == "deep-figures")
{
    DeepFeatureFigures.Print(args[1], args[2], args.Length > 3 ? args[3] : "patchcore,patchcore1,padim,spade");
    return;
}
if (args.Length > 0 && args[0] == "geometry-figures")
{
    GeometryFigures.Print(quick: args.Contains("--quick"));
    return;
}
// `imaging-figures [repeats]` times image decode/encode, resize, normalisation and blur (median wall and CPU ms).
if (args.Length > 0 && args[0] == "imaging-figures")
{
    ImagingFigures.Print(args.Length > 1 ? int.Parse(args[1]) : 15);
    return;
}
// `btf-figures <size> <train> [btf-raw,btf-fpfh,btf-fpfh-rgb] [backbone.onnx]` times BTF on a synthetic MVTec 3D-AD-style category.
if (args.Length > 2 && args[0] == "btf-figures")
{
    BtfFigures.Print(int.Parse(args[1]), int.Parse(args[2]), args.Length > 3 ? args[3] : "btf-raw,btf-fpfh", args.Length > 4 ? args[4] : null);
    return;
}
// `serve-load <url> <model> <image> <server-pid> [requests-per-level] [soak] [clients,…]`: load figures of `inspecta serve`
// (bench/serve-load.sh starts the server and runs this).
if (args.Length > 4 && args[0] == "serve-load")
{
    ServeLoad.Print(args[1], args[2], args[3], int.Parse(args[4]), args.Length > 5 ? int.Parse(args[5]) : 400,
        args.Length > 6 ? int.Parse(args[6]) : 10_000, args.Length > 7 ? args[7].Split(',').Select(int.Parse).ToArray() : [1, 2, 8, 32]);
    return;
}
// `predict-profile <model.inspecta> <category dir> [images] [rounds]`: per-stage split of end-to-end predictions.
// `search-profile <patchcore.inspecta> <bottle dir> [images] [rounds]`: the kNN search of a fitted PatchCore alone, on real queries.
if (args.Length > 2 && args[0] == "search-profile")
{
    SearchProfile.Print(args[1], args[2], args.Length > 3 ? int.Parse(args[3]) : 10, args.Length > 4 ? int.Parse(args[4]) : 3);
    return;
}
if (args.Length > 2 && args[0] == "predict-profile")
{
    PredictProfile.Print(args[1], args[2], args.Length > 3 ? int.Parse(args[3]) : 20, args.Length > 4 ? int.Parse(args[4]) : 3);
    return;
}
// `torch-figures <bottle-dir> <ae-l2,ae-ssim,vae,f-anogan> <epochs> <samples-per-epoch> [threads] [batch] [learning-rate]`
// trains the reconstruction baselines on bottle; `torch-synth` compares ae-ssim and ae-l2 on a synthetic texture.
if (args.Length > 4 && args[0] == "torch-figures")
{
    TorchFigures.Print(args[1], args[2], int.Parse(args[3]), int.Parse(args[4]), args.Length > 5 ? int.Parse(args[5]) : Environment.ProcessorCount,
        args.Length > 6 ? int.Parse(args[6]) : null, args.Length > 7 ? double.Parse(args[7], System.Globalization.CultureInfo.InvariantCulture) : null);
    return;
}
// `torch-synth <category> <epochs> <samples-per-epoch> <threads> <crop> <latent> <learning-rate> <image-size>`
if (args.Length > 8 && args[0] == "torch-synth")
{
    TorchFigures.Synthetic(args[1], int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]), int.Parse(args[6]),
        double.Parse(args[7], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[8]));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
