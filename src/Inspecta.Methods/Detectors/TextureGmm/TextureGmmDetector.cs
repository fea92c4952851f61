using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Evaluation.Thresholds;
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
/// <remarks>
/// With <see cref="FitOptions.Chroma"/> (an extension beyond the benchmark configuration) the two
/// chromaticity planes r = R/(R+G+B) and b = B/(R+G+B) get their own models with small patches. Being
/// ratios they ignore the lighting gain, so colour-only defects stand out that the grayscale model cannot
/// see; the luminance and chromaticity maps are fused by their maximum.
/// </remarks>
public sealed class TextureGmmDetector : IAnomalyDetector, IOwnThresholds
{
    public const string MethodId = "texture-gmm";
    public const int DefaultImageSize = 400;
    public const int DefaultLevels = 4;
    public const int DefaultPatchSize = 7;
    /// <summary>Chromaticity varies slowly; 3×3 patches keep its models cheap (9-dimensional).</summary>
    public const int ChromaPatchSize = 3;
    public const int DefaultMaxTrainImages = 50;
    public const int DefaultSamplesPerLevel = 10_000;
    public const float DefaultThresholdSigma = 3f;
    public static readonly IReadOnlyList<int> DefaultComponents = [1, 2, 4, 8];
    private static readonly string[] ChromaNames = ["r", "b"];
    // Added to R+G+B (range 0..3) so that dark, noisy pixels tend to neutral grey instead of random hues.
    private const float ChromaDarkFloor = 0.1f;

    private readonly int _imageSize, _levels, _patch, _maxTrainImages, _samplesPerLevel, _seed;
    private readonly float _thresholdSigma;
    private readonly int[] _componentCandidates;
    private readonly bool _chroma;

    // [0] luminance; with chroma also [1] r and [2] b chromaticity.
    private TextureChannelModel[]? _channels;
    private int _trainCount, _validationCount;

    public string Method => MethodId;
    public string OwnEstimator => "k-sigma";
    /// <summary>Pixel threshold: mean + k·std of the good validation maps.</summary>
    public float PixelThreshold { get; private set; }
    /// <summary>Image threshold: mean + k·std of the good validation image scores.</summary>
    public float ImageThreshold { get; private set; }
    /// <summary>Whether chromaticity is modelled besides luminance.</summary>
    public bool Chroma => _chroma;
    /// <summary>The luminance mixtures, one per pyramid level.</summary>
    public IReadOnlyList<GaussianMixture> Mixtures => (_channels ?? throw NotFitted())[0].Mixtures;
    public IReadOnlyList<IReadOnlyList<MixtureCandidate>> BicTables => (_channels ?? throw NotFitted())[0].BicTables;

    public TextureGmmDetector(TextureGmmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        Options = options;
        _imageSize = options.ImageSize;
        _levels = options.PyramidLevels;
        _patch = options.PatchSize;
        _maxTrainImages = options.MaxTrainImages;
        _samplesPerLevel = options.SamplesPerLevel;
        _thresholdSigma = options.ThresholdSigma;
        _componentCandidates = options.GmmComponents.ToArray();
        _chroma = options.Chroma;
        _seed = options.Seed;
    }

    public TextureGmmOptions Options { get; }

    public void Dispose() { }

    private static InvalidOperationException NotFitted() => new("The texture GMM is not fitted.");

    private int ChannelCount => _chroma ? 1 + ChromaNames.Length : 1;
    private int PatchOf(int channel) => channel == 0 ? _patch : ChromaPatchSize;

    public void Fit(FitContext context)
    {
        var (good, progress, ct) = (context.Train, context.Progress, context.Cancellation);
        SampleImages.RequireAtLeast(good, 2, MethodId);
        var (train, validation) = SplitValidation(good);
        var rng = new Random(_seed);
        if (train.Count > _maxTrainImages) train = train.OrderBy(_ => rng.Next()).Take(_maxTrainImages).ToList();

        // pyramids[channel][image][level]
        var pyramids = Enumerable.Range(0, ChannelCount).Select(_ => new List<float[][]>(train.Count)).ToArray();
        for (int i = 0; i < train.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var channelPyramids = Pyramids(train[i].LoadImage(), train[i]);
            for (int c = 0; c < ChannelCount; c++) pyramids[c].Add(channelPyramids[c]);
            progress?.Report(new ProgressUpdate("load", i + 1, train.Count));
        }

        var channels = new TextureChannelModel[ChannelCount];
        int fitted = 0, total = ChannelCount * _levels;
        for (int c = 0; c < ChannelCount; c++)
            channels[c] = TextureChannelModel.Fit(pyramids[c], _imageSize, PatchOf(c), _samplesPerLevel, _componentCandidates, _seed + 1000 * c, rng,
                _ => progress?.Report(new ProgressUpdate("gmm", ++fitted, total)), ct);

        // Per-level NLL statistics on the good validation images, then the k-sigma thresholds on the fused maps.
        var sizes = new (int Height, int Width)[validation.Count];
        var levelMaps = validation.Select((v, i) =>
        {
            var image = v.LoadImage();
            sizes[i] = (image.Height, image.Width);
            return channels.Zip(Pyramids(image, v), (model, pyramid) => model.LevelNll(pyramid, _imageSize)).ToArray();
        }).ToList();
        for (int c = 0; c < ChannelCount; c++) channels[c].Normalise(levelMaps.Select(maps => maps[c]).ToList());
        _channels = channels;
        _trainCount = train.Count; _validationCount = validation.Count;

        var maps = new AnomalyMap[validation.Count];
        var scores = new float[validation.Count];
        for (int v = 0; v < validation.Count; v++)
        {
            maps[v] = Combine(levelMaps[v], sizes[v].Height, sizes[v].Width);
            scores[v] = maps[v].Max();
            progress?.Report(new ProgressUpdate("validation", v + 1, validation.Count));
        }
        var kSigma = new KSigmaThreshold(_thresholdSigma);
        PixelThreshold = (float)kSigma.Estimate(maps);
        ImageThreshold = (float)kSigma.Estimate(scores);
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

    /// <summary>One pyramid per modelled channel: luminance, then (with chroma) the r and b chromaticity planes.</summary>
    private float[][][] Pyramids(ImageF image, Sample sample)
    {
        var pyramids = new float[ChannelCount][][];
        var gray = image.Channels == 1 ? image : ColorConversion.ToGray(image);
        pyramids[0] = Pyramid(Resize.Bilinear(gray, _imageSize, _imageSize, antialias: true).Data);
        if (!_chroma) return pyramids;
        if (image.Channels != 3)
            throw InspectaUserException.ForFile(SampleImages.Describe(sample),
                $"{MethodId} was fitted with --chroma, which needs colour images, but this image has {image.Channels} channel(s).");
        var working = Resize.Bilinear(image, _imageSize, _imageSize, antialias: true);
        int plane = working.PlaneSize;
        var r = new float[plane];
        var b = new float[plane];
        var red = working.Plane(0); var green = working.Plane(1); var blue = working.Plane(2);
        for (int i = 0; i < plane; i++)
        {
            float inv = 1f / (red[i] + green[i] + blue[i] + ChromaDarkFloor);
            r[i] = (red[i] + ChromaDarkFloor / 3) * inv;
            b[i] = (blue[i] + ChromaDarkFloor / 3) * inv;
        }
        pyramids[1] = Pyramid(r);
        pyramids[2] = Pyramid(b);
        return pyramids;
    }

    /// <summary>Levels of a working-size plane, halved per level (anti-aliased).</summary>
    private float[][] Pyramid(float[] working)
    {
        var levels = new float[_levels][];
        var current = new ImageF(1, _imageSize, _imageSize, working);
        for (int level = 0; level < _levels; level++)
        {
            if (level > 0) current = Resize.Bilinear(current, LevelSize(level), LevelSize(level), antialias: true);
            levels[level] = current.Data;
        }
        return levels;
    }

    /// <summary>Fuses the channels' level-averaged z maps by maximum, then resizes to the input size.</summary>
    private AnomalyMap Combine(float[][][] channelLevelMaps, int height, int width)
    {
        var fused = _channels![0].CombinedZ(channelLevelMaps[0], _imageSize);
        for (int c = 1; c < _channels.Length; c++)
            TensorPrimitives.Max(fused, _channels[c].CombinedZ(channelLevelMaps[c], _imageSize), fused);
        var combined = new AnomalyMap(_imageSize, _imageSize, fused);
        return height == _imageSize && width == _imageSize ? combined : Resize.Bilinear(combined, height, width);
    }

    public Prediction Predict(Sample sample)
    {
        if (_channels is null) throw NotFitted();
        var image = sample.LoadImage();
        var levelMaps = _channels.Zip(Pyramids(image, sample), (model, pyramid) => model.LevelNll(pyramid, _imageSize)).ToArray();
        var map = Combine(levelMaps, image.Height, image.Width);
        return new Prediction(map.Max(), map);
    }

    public void Save(ModelWriter writer)
    {
        if (_channels is null) throw NotFitted();
        var p = writer.Parameters;
        Options.Schema().WriteTo(Options, p);
        p["train_images"] = _trainCount;
        p["validation_images"] = _validationCount;
        // The method's own k-sigma thresholds; the manifest's top-level "thresholds" belongs to the fit pipeline's calibration.
        p["k_sigma_thresholds"] = new JsonObject
        {
            ["rule"] = $"mean + {_thresholdSigma} * std on good validation images",
            ["pixel"] = PixelThreshold,
            ["image"] = ImageThreshold,
        };
        p["levels"] = _channels[0].Save(writer, "");
        if (_chroma)
        {
            p["chroma_patch_size"] = ChromaPatchSize;
            var chroma = new JsonObject();
            for (int c = 1; c < _channels.Length; c++)
                chroma[ChromaNames[c - 1]] = _channels[c].Save(writer, ChromaPrefix(c));
            p["chroma_levels"] = chroma;
        }
    }

    private static string ChromaPrefix(int channel) => $"chroma_{ChromaNames[channel - 1]}_";

    internal static TextureGmmDetector Load(ModelReader reader, TextureGmmOptions options)
    {
        var p = reader.Parameters;
        bool chroma = options.Chroma; // models written before the chroma option have no key: luminance-only, the default
        var detector = new TextureGmmDetector(options);
        var channels = new TextureChannelModel[detector.ChannelCount];
        channels[0] = TextureChannelModel.Load(reader, "", detector._levels, detector._patch, p["levels"]!.AsArray());
        if (chroma)
        {
            int chromaPatch = p["chroma_patch_size"]?.GetValue<int>() ?? throw reader.Error("the manifest has 'chroma' but no 'chroma_patch_size'.");
            if (chromaPatch != ChromaPatchSize) throw reader.Error($"chroma patch size {chromaPatch} is not supported (this version uses {ChromaPatchSize}).");
            var info = p["chroma_levels"] ?? throw reader.Error("the manifest has 'chroma' but no 'chroma_levels'.");
            for (int c = 1; c < channels.Length; c++)
                channels[c] = TextureChannelModel.Load(reader, ChromaPrefix(c), detector._levels, ChromaPatchSize,
                    info[ChromaNames[c - 1]]?.AsArray() ?? throw reader.Error($"'chroma_levels' has no '{ChromaNames[c - 1]}'."));
        }
        detector._channels = channels;
        detector._trainCount = reader.Int("train_images");
        detector._validationCount = reader.Int("validation_images");
        var thresholds = p["k_sigma_thresholds"] ?? throw reader.Error("the manifest has no 'k_sigma_thresholds'.");
        detector.PixelThreshold = thresholds["pixel"]!.GetValue<float>();
        detector.ImageThreshold = thresholds["image"]!.GetValue<float>();
        return detector;
    }
}
