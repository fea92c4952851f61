using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Persistence;

namespace Inspecta.Detectors.TextureGmm;

/// <summary>
/// GMM texture inspection after Böttger &amp; Ulrich, configured as in the MVTec AD benchmark: the
/// grayscale image is resized to 400×400 and decomposed into a 4-level pyramid; on every level a
/// full-covariance Gaussian mixture (component count by BIC) models the 7×7 patches of the good
/// images. A pixel's score is its patch's negative log-likelihood, z-normalised per level with the
/// statistics of good validation images, upsampled and averaged over the levels. The method also
/// calibrates its own thresholds by a k-sigma rule on the validation maps.
/// </summary>
public sealed class TextureGmmDetector : IAnomalyDetector
{
    public const string MethodId = "texture-gmm";
    public const int DefaultImageSize = 400;
    public const int DefaultLevels = 4;
    public const int DefaultPatchSize = 7;
    public const int DefaultMaxTrainImages = 50;
    public const int DefaultSamplesPerLevel = 10_000;
    public const float DefaultThresholdSigma = 3f;
    public static readonly IReadOnlyList<int> DefaultComponents = [1, 2, 4, 8];

    private readonly int _imageSize, _levels, _patch, _maxTrainImages, _samplesPerLevel, _seed;
    private readonly float _thresholdSigma;
    private readonly int[] _componentCandidates;

    private GaussianMixture[]? _mixtures;
    private PatchNllEvaluator[]? _evaluators;
    private double[]? _levelMean, _levelStd;
    private IReadOnlyList<MixtureCandidate>[]? _bicTables;
    private int _trainCount, _validationCount;

    public string Method => MethodId;
    /// <summary>Pixel threshold: mean + k·std of the good validation maps.</summary>
    public float PixelThreshold { get; private set; }
    /// <summary>Image threshold: mean + k·std of the good validation image scores.</summary>
    public float ImageThreshold { get; private set; }
    public IReadOnlyList<GaussianMixture> Mixtures => _mixtures ?? throw NotFitted();
    public IReadOnlyList<IReadOnlyList<MixtureCandidate>> BicTables => _bicTables ?? throw NotFitted();

    public TextureGmmDetector(FitOptions options)
    {
        _imageSize = options.ImageSize ?? DefaultImageSize;
        _levels = options.PyramidLevels ?? DefaultLevels;
        _patch = options.PatchSize ?? DefaultPatchSize;
        _maxTrainImages = options.MaxTrainImages ?? DefaultMaxTrainImages;
        _samplesPerLevel = options.SamplesPerLevel ?? DefaultSamplesPerLevel;
        _thresholdSigma = options.ThresholdSigma ?? DefaultThresholdSigma;
        _componentCandidates = (options.GmmComponents ?? DefaultComponents).ToArray();
        _seed = options.Seed;
        if (_patch < 3 || _patch % 2 == 0 || _patch > 15) throw new InspectaUserException($"{MethodId}: --patch-size must be odd and in 3..15, got {_patch}.");
        if (_levels < 1 || _levels > 8) throw new InspectaUserException($"{MethodId}: --pyramid-levels must be in 1..8, got {_levels}.");
        if (_imageSize >> (_levels - 1) < _patch) throw new InspectaUserException($"{MethodId}: --image-size {_imageSize} is too small for {_levels} pyramid levels of {_patch}×{_patch} patches.");
        if (_maxTrainImages < 1) throw new InspectaUserException($"{MethodId}: --max-train-images must be at least 1.");
        if (_samplesPerLevel < 100) throw new InspectaUserException($"{MethodId}: --samples-per-level must be at least 100, got {_samplesPerLevel}.");
        if (_componentCandidates.Length == 0 || _componentCandidates.Any(k => k < 1 || k > 64))
            throw new InspectaUserException($"{MethodId}: --gmm-components must list counts in 1..64.");
        if (!(_thresholdSigma > 0)) throw new InspectaUserException($"{MethodId}: --threshold-sigma must be positive.");
    }

    private TextureGmmDetector(int imageSize, int levels, int patch, int maxTrain, int samples, float sigma, int[] candidates, int seed)
    {
        _imageSize = imageSize; _levels = levels; _patch = patch; _maxTrainImages = maxTrain;
        _samplesPerLevel = samples; _thresholdSigma = sigma; _componentCandidates = candidates; _seed = seed;
    }

    private static InvalidOperationException NotFitted() => new("The texture GMM is not fitted.");

    public void Fit(IReadOnlyList<Sample> good, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        SampleImages.RequireAtLeast(good, 2, MethodId);
        var (train, validation) = SplitValidation(good);
        var rng = new Random(_seed);
        if (train.Count > _maxTrainImages) train = train.OrderBy(_ => rng.Next()).Take(_maxTrainImages).ToList();

        var pyramids = new List<float[][]>(train.Count);
        for (int i = 0; i < train.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            pyramids.Add(Pyramid(train[i].LoadImage()));
            progress?.Report(new ProgressUpdate("load", i + 1, train.Count));
        }

        int d = _patch * _patch;
        var mixtures = new GaussianMixture[_levels];
        var tables = new IReadOnlyList<MixtureCandidate>[_levels];
        for (int level = 0; level < _levels; level++)
        {
            int size = LevelSize(level);
            var data = SamplePatches(pyramids, level, size, d, rng);
            (mixtures[level], tables[level]) = GaussianMixtureFitter.SelectByBic(data, d, _componentCandidates, _seed + level, ct);
            progress?.Report(new ProgressUpdate("gmm", level + 1, _levels));
        }
        _mixtures = mixtures;
        _bicTables = tables;
        _evaluators = mixtures.Select(m => new PatchNllEvaluator(m, _patch)).ToArray();

        // Per-level NLL statistics on the good validation images, then the k-sigma thresholds.
        var levelMaps = new List<float[][]>(validation.Count);
        var mean = new double[_levels];
        var std = new double[_levels];
        for (int level = 0; level < _levels; level++)
        {
            double s = 0, s2 = 0; long n = 0;
            for (int v = 0; v < validation.Count; v++)
            {
                if (level == 0) levelMaps.Add(LevelNll(validation[v].LoadImage()));
                foreach (float x in levelMaps[v][level]) { s += x; s2 += (double)x * x; n++; }
            }
            mean[level] = s / n;
            std[level] = Math.Max(Math.Sqrt(Math.Max(0, s2 / n - mean[level] * mean[level])), 1e-6);
        }
        _levelMean = mean; _levelStd = std;
        _trainCount = train.Count; _validationCount = validation.Count;

        double ps = 0, ps2 = 0; long pn = 0;
        var scores = new List<double>();
        for (int v = 0; v < validation.Count; v++)
        {
            var image = validation[v].LoadImage();
            var map = Combine(levelMaps[v], image.Height, image.Width);
            foreach (float x in map.Data) { ps += x; ps2 += (double)x * x; pn++; }
            scores.Add(map.Max());
            progress?.Report(new ProgressUpdate("validation", v + 1, validation.Count));
        }
        double pm = ps / pn, pstd = Math.Sqrt(Math.Max(0, ps2 / pn - pm * pm));
        double im = scores.Average(), istd = Math.Sqrt(scores.Sum(x => (x - im) * (x - im)) / scores.Count);
        PixelThreshold = (float)(pm + _thresholdSigma * pstd);
        ImageThreshold = (float)(im + _thresholdSigma * istd);
    }

    /// <summary>Validation-split samples if any; otherwise every fifth good image is held out.</summary>
    private static (List<Sample> Train, List<Sample> Validation) SplitValidation(IReadOnlyList<Sample> good)
    {
        var validation = good.Where(s => s.Split == Split.Validation).ToList();
        var train = good.Where(s => s.Split != Split.Validation).ToList();
        if (validation.Count > 0 && train.Count > 0) return (train, validation);
        var all = good.ToList();
        validation = all.Where((_, i) => i % 5 == 4).ToList();
        if (validation.Count == 0) validation.Add(all[^1]);
        train = all.Except(validation).ToList();
        return (train, validation);
    }

    private int LevelSize(int level) => _imageSize >> level;

    /// <summary>Grayscale, resized to the working size, then halved per level (anti-aliased).</summary>
    private float[][] Pyramid(ImageF image)
    {
        var gray = image.Channels == 1 ? image : ColorConversion.ToGray(image);
        var levels = new float[_levels][];
        var current = Resize.Bilinear(gray, _imageSize, _imageSize, antialias: true);
        for (int level = 0; level < _levels; level++)
        {
            if (level > 0) current = Resize.Bilinear(current, LevelSize(level), LevelSize(level), antialias: true);
            levels[level] = current.Data;
        }
        return levels;
    }

    private float[] SamplePatches(List<float[][]> pyramids, int level, int size, int d, Random rng)
    {
        int perImage = Math.Max(1, _samplesPerLevel / pyramids.Count);
        var data = new float[pyramids.Count * perImage * d];
        int o = 0;
        foreach (var pyramid in pyramids)
        {
            var padded = PatchNllEvaluator.MirrorPad(pyramid[level], size, size, _patch, out int pw);
            for (int s = 0; s < perImage; s++)
            {
                int y = rng.Next(size), x = rng.Next(size);
                for (int dy = 0; dy < _patch; dy++)
                    padded.AsSpan((y + dy) * pw + x, _patch).CopyTo(data.AsSpan(o + dy * _patch, _patch));
                o += d;
            }
        }
        return data;
    }

    private float[][] LevelNll(ImageF image)
    {
        var pyramid = Pyramid(image);
        var maps = new float[_levels][];
        for (int level = 0; level < _levels; level++)
        {
            int size = LevelSize(level);
            maps[level] = new float[size * size];
            _evaluators![level].Evaluate(pyramid[level], size, size, maps[level]);
        }
        return maps;
    }

    /// <summary>z-normalises each level, upsamples to the working size, averages, then resizes to the input size.</summary>
    private AnomalyMap Combine(float[][] levelMaps, int height, int width)
    {
        var sum = new float[_imageSize * _imageSize];
        for (int level = 0; level < _levels; level++)
        {
            int size = LevelSize(level);
            var z = new float[size * size];
            float m = (float)_levelMean![level], inv = (float)(1 / _levelStd![level]);
            System.Numerics.Tensors.TensorPrimitives.Subtract(levelMaps[level], m, z);
            System.Numerics.Tensors.TensorPrimitives.Multiply(z, inv, z);
            var up = level == 0 ? z : Resize.Bilinear(new AnomalyMap(size, size, z), _imageSize, _imageSize).Data;
            System.Numerics.Tensors.TensorPrimitives.Add(sum, up, sum);
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(sum, 1f / _levels, sum);
        var combined = new AnomalyMap(_imageSize, _imageSize, sum);
        return height == _imageSize && width == _imageSize ? combined : Resize.Bilinear(combined, height, width);
    }

    public Prediction Predict(Sample sample)
    {
        if (_evaluators is null) throw NotFitted();
        var image = sample.LoadImage();
        var map = Combine(LevelNll(image), image.Height, image.Width);
        return new Prediction(map.Max(), map);
    }

    public void Save(ModelWriter writer)
    {
        if (_mixtures is null) throw NotFitted();
        var p = writer.Parameters;
        p["image_size"] = _imageSize;
        p["pyramid_levels"] = _levels;
        p["patch_size"] = _patch;
        p["max_train_images"] = _maxTrainImages;
        p["samples_per_level"] = _samplesPerLevel;
        p["threshold_sigma"] = _thresholdSigma;
        p["gmm_component_candidates"] = new JsonArray(_componentCandidates.Select(k => (JsonNode)k).ToArray());
        p["seed"] = _seed;
        p["train_images"] = _trainCount;
        p["validation_images"] = _validationCount;
        // The method's own k-sigma thresholds; the manifest's top-level "thresholds" belongs to the fit pipeline's calibration.
        p["k_sigma_thresholds"] = new JsonObject
        {
            ["rule"] = $"mean + {_thresholdSigma} * std on good validation images",
            ["pixel"] = PixelThreshold,
            ["image"] = ImageThreshold,
        };
        var levels = new JsonArray();
        for (int l = 0; l < _levels; l++)
        {
            var m = _mixtures[l];
            levels.Add(new JsonObject
            {
                ["components"] = m.Components,
                ["bic"] = new JsonArray(_bicTables![l].Select(t => (JsonNode)new JsonObject { ["components"] = t.Components, ["bic"] = t.Bic }).ToArray()),
            });
            writer.AddArray($"level{l}_weights", m.Weights, m.Components);
            writer.AddArray($"level{l}_means", m.Means, m.Components, m.Dimension);
            writer.AddArray($"level{l}_covariances", m.Covariances, m.Components, m.Dimension, m.Dimension);
        }
        p["levels"] = levels;
        writer.AddArray("level_nll_mean", _levelMean!, _levels);
        writer.AddArray("level_nll_std", _levelStd!, _levels);
    }

    public static TextureGmmDetector Load(ModelReader reader)
    {
        var p = reader.Parameters;
        var detector = new TextureGmmDetector(
            p["image_size"]!.GetValue<int>(), p["pyramid_levels"]!.GetValue<int>(), p["patch_size"]!.GetValue<int>(),
            p["max_train_images"]!.GetValue<int>(), p["samples_per_level"]!.GetValue<int>(), p["threshold_sigma"]!.GetValue<float>(),
            p["gmm_component_candidates"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray(), p["seed"]!.GetValue<int>());
        int levels = detector._levels, d = detector._patch * detector._patch;
        var mixtures = new GaussianMixture[levels];
        var tables = new IReadOnlyList<MixtureCandidate>[levels];
        var levelInfo = p["levels"]!.AsArray();
        for (int l = 0; l < levels; l++)
        {
            var weights = reader.ReadDoubles($"level{l}_weights");
            var means = reader.ReadDoubles($"level{l}_means");
            var covariances = reader.ReadDoubles($"level{l}_covariances");
            if (means.Length != weights.Length * d || covariances.Length != weights.Length * d * d)
                throw reader.Error($"level {l} mixture arrays do not match the patch size {detector._patch}.");
            mixtures[l] = new GaussianMixture(weights, means, covariances, d);
            tables[l] = levelInfo[l]!["bic"]!.AsArray()
                .Select(t => new MixtureCandidate(t!["components"]!.GetValue<int>(), double.NaN, t["bic"]!.GetValue<double>())).ToList();
        }
        detector._mixtures = mixtures;
        detector._bicTables = tables;
        detector._evaluators = mixtures.Select(m => new PatchNllEvaluator(m, detector._patch)).ToArray();
        detector._levelMean = reader.ReadDoubles("level_nll_mean");
        detector._levelStd = reader.ReadDoubles("level_nll_std");
        detector._trainCount = p["train_images"]!.GetValue<int>();
        detector._validationCount = p["validation_images"]!.GetValue<int>();
        var thresholds = p["k_sigma_thresholds"] ?? throw reader.Error("the manifest has no 'k_sigma_thresholds'.");
        detector.PixelThreshold = thresholds["pixel"]!.GetValue<float>();
        detector.ImageThreshold = thresholds["image"]!.GetValue<float>();
        return detector;
    }
}
