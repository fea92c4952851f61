using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Inspecta.Imaging;
using Inspecta.Persistence;

namespace Inspecta.Detectors.TextureGmm;

/// <summary>
/// The texture model of one image channel (luminance, or one chromaticity coordinate): a full-covariance
/// Gaussian mixture of P×P patches per pyramid level, and each level's NLL mean and spread on good
/// validation images. Its output is the level-averaged z-score map at the working size.
/// </summary>
internal sealed class TextureChannelModel
{
    private readonly GaussianMixture[] _mixtures;
    private readonly PatchNllEvaluator[] _evaluators;
    private double[] _levelMean, _levelStd;

    public int PatchSize { get; }
    public int Levels => _mixtures.Length;
    public IReadOnlyList<GaussianMixture> Mixtures => _mixtures;
    public IReadOnlyList<IReadOnlyList<MixtureCandidate>> BicTables { get; }

    private TextureChannelModel(int patchSize, GaussianMixture[] mixtures, IReadOnlyList<MixtureCandidate>[] bicTables, double[] levelMean, double[] levelStd)
    {
        PatchSize = patchSize;
        _mixtures = mixtures;
        _evaluators = mixtures.Select(m => new PatchNllEvaluator(m, patchSize)).ToArray();
        BicTables = bicTables;
        _levelMean = levelMean; _levelStd = levelStd;
    }

    /// <summary>Fits one mixture per level (component count by BIC) on patches drawn at random from the training pyramids.</summary>
    public static TextureChannelModel Fit(IReadOnlyList<float[][]> pyramids, int workingSize, int patchSize, int samplesPerLevel,
        IReadOnlyList<int> componentCandidates, int seed, Random rng, Action<int>? levelDone, CancellationToken ct)
    {
        int levels = pyramids[0].Length, d = patchSize * patchSize;
        var mixtures = new GaussianMixture[levels];
        var tables = new IReadOnlyList<MixtureCandidate>[levels];
        for (int level = 0; level < levels; level++)
        {
            var data = SamplePatches(pyramids, level, workingSize >> level, patchSize, samplesPerLevel, rng);
            (mixtures[level], tables[level]) = GaussianMixtureFitter.SelectByBic(data, d, componentCandidates, seed + level, ct);
            levelDone?.Invoke(level);
        }
        return new TextureChannelModel(patchSize, mixtures, tables, new double[levels], Enumerable.Repeat(1.0, levels).ToArray());
    }

    private static float[] SamplePatches(IReadOnlyList<float[][]> pyramids, int level, int size, int patch, int samples, Random rng)
    {
        int d = patch * patch;
        int perImage = Math.Max(1, samples / pyramids.Count);
        var data = new float[pyramids.Count * perImage * d];
        int o = 0;
        foreach (var pyramid in pyramids)
        {
            var padded = PatchNllEvaluator.MirrorPad(pyramid[level], size, size, patch, out int pw);
            for (int s = 0; s < perImage; s++)
            {
                int y = rng.Next(size), x = rng.Next(size);
                for (int dy = 0; dy < patch; dy++)
                    padded.AsSpan((y + dy) * pw + x, patch).CopyTo(data.AsSpan(o + dy * patch, patch));
                o += d;
            }
        }
        return data;
    }

    /// <summary>Raw per-level NLL maps of one pyramid (level l is (size»l)²).</summary>
    public float[][] LevelNll(float[][] pyramid, int workingSize)
    {
        var maps = new float[Levels][];
        for (int level = 0; level < Levels; level++)
        {
            int size = workingSize >> level;
            maps[level] = new float[size * size];
            _evaluators[level].Evaluate(pyramid[level], size, size, maps[level]);
        }
        return maps;
    }

    /// <summary>Sets each level's NLL mean and standard deviation from the good validation images' level maps.</summary>
    public void Normalise(IReadOnlyList<float[][]> validationLevelMaps)
    {
        var mean = new double[Levels];
        var std = new double[Levels];
        for (int level = 0; level < Levels; level++)
        {
            double s = 0, s2 = 0; long n = 0;
            foreach (var maps in validationLevelMaps)
                foreach (float x in maps[level]) { s += x; s2 += (double)x * x; n++; }
            mean[level] = s / n;
            std[level] = Math.Max(Math.Sqrt(Math.Max(0, s2 / n - mean[level] * mean[level])), 1e-6);
        }
        _levelMean = mean; _levelStd = std;
    }

    /// <summary>z-normalises each level, upsamples it to the working size and averages over the levels.</summary>
    public float[] CombinedZ(float[][] levelMaps, int workingSize)
    {
        var sum = new float[workingSize * workingSize];
        for (int level = 0; level < Levels; level++)
        {
            int size = workingSize >> level;
            var z = new float[size * size];
            TensorPrimitives.Subtract(levelMaps[level], (float)_levelMean[level], z);
            TensorPrimitives.Multiply(z, (float)(1 / _levelStd[level]), z);
            var up = level == 0 ? z : Resize.Bilinear(new AnomalyMap(size, size, z), workingSize, workingSize).Data;
            TensorPrimitives.Add(sum, up, sum);
        }
        TensorPrimitives.Multiply(sum, 1f / Levels, sum);
        return sum;
    }

    /// <summary>Writes the mixtures and level statistics under <paramref name="prefix"/>; returns the per-level BIC tables for the manifest.</summary>
    public JsonArray Save(ModelWriter writer, string prefix)
    {
        var levels = new JsonArray();
        for (int l = 0; l < Levels; l++)
        {
            var m = _mixtures[l];
            levels.Add(new JsonObject
            {
                ["components"] = m.Components,
                ["bic"] = new JsonArray(BicTables[l].Select(t => (JsonNode)new JsonObject { ["components"] = t.Components, ["bic"] = t.Bic }).ToArray()),
            });
            writer.AddArray($"{prefix}level{l}_weights", m.Weights, m.Components);
            writer.AddArray($"{prefix}level{l}_means", m.Means, m.Components, m.Dimension);
            writer.AddArray($"{prefix}level{l}_covariances", m.Covariances, m.Components, m.Dimension, m.Dimension);
        }
        writer.AddArray($"{prefix}level_nll_mean", _levelMean, Levels);
        writer.AddArray($"{prefix}level_nll_std", _levelStd, Levels);
        return levels;
    }

    public static TextureChannelModel Load(ModelReader reader, string prefix, int levels, int patchSize, JsonArray levelInfo)
    {
        int d = patchSize * patchSize;
        if (levelInfo.Count != levels)
            throw reader.Error($"the {(prefix.Length == 0 ? "luminance" : prefix.TrimEnd('_'))} model lists {levelInfo.Count} levels, expected {levels}.");
        var mixtures = new GaussianMixture[levels];
        var tables = new IReadOnlyList<MixtureCandidate>[levels];
        for (int l = 0; l < levels; l++)
        {
            var weights = reader.ReadDoubles($"{prefix}level{l}_weights");
            var means = reader.ReadDoubles($"{prefix}level{l}_means");
            var covariances = reader.ReadDoubles($"{prefix}level{l}_covariances");
            if (means.Length != weights.Length * d || covariances.Length != weights.Length * d * d)
                throw reader.Error($"{prefix}level {l} mixture arrays do not match the patch size {patchSize}.");
            mixtures[l] = new GaussianMixture(weights, means, covariances, d);
            tables[l] = levelInfo[l]!["bic"]!.AsArray()
                .Select(t => new MixtureCandidate(t!["components"]!.GetValue<int>(), double.NaN, t["bic"]!.GetValue<double>())).ToList();
        }
        var mean = reader.ReadDoubles($"{prefix}level_nll_mean");
        var std = reader.ReadDoubles($"{prefix}level_nll_std");
        if (mean.Length != levels || std.Length != levels) throw reader.Error($"'{prefix}level_nll_mean/std' do not have {levels} entries.");
        return new TextureChannelModel(patchSize, mixtures, tables, mean, std);
    }
}
