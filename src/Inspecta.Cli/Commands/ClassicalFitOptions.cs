using System.CommandLine;
using Inspecta.Detectors;

namespace Inspecta.Cli.Commands;

/// <summary>
/// The <c>inspecta fit</c> options of the classical baselines (variation, texture-gmm,
/// feature-dictionary). The fit command adds them with <see cref="AddTo"/> and copies the parsed
/// values into its <see cref="FitOptions"/> with <see cref="Apply"/>; unset options stay null
/// (the method's default).
/// </summary>
internal sealed class ClassicalFitOptions
{
    public Option<float?> SigmaMin { get; } = new("--sigma-min") { Description = "variation: lower bound on the per-pixel standard deviation (intensities in [0,1]; default 0.02)." };
    public Option<string?> ChannelFusion { get; } = new("--channel-fusion") { Description = "variation: combine channel deviations by max (MVTec AD, default) or mean (MVTec LOCO AD)." };
    public Option<string?> Alignment { get; } = new("--alignment") { Description = "variation: register images to the first training image: none (default), translation or rigid." };
    public Option<string?> Illumination { get; } = new("--illumination") { Description = "variation: none (default) or plane (divide out each image's gain and linear lighting gradient)." };
    public Option<int?> PyramidLevels { get; } = new("--pyramid-levels") { Description = "texture-gmm: image pyramid levels (default 4)." };
    public Option<int?> PatchSize { get; } = new("--patch-size") { Description = "texture-gmm: patch side per level (default 7); feature-dictionary: patch side at the working size (default 16)." };
    public Option<int?> MaxTrainImages { get; } = new("--max-train-images") { Description = "texture-gmm: use at most this many training images (default 50)." };
    public Option<int?> Samples { get; } = new("--samples") { Description = "texture-gmm: training patches per pyramid level (default 10000); feature-dictionary: training patches in total (default 10000)." };
    public Option<string?> GmmComponents { get; } = new("--gmm-components") { Description = "texture-gmm: candidate mixture sizes, chosen by BIC (default 1,2,4,8)." };
    public Option<float?> ThresholdSigma { get; } = new("--threshold-sigma") { Description = "texture-gmm: k of its own k-sigma thresholds on good validation images (default 3)." };
    public Option<bool> Chroma { get; } = new("--chroma") { Description = "texture-gmm: also model chromaticity (R/(R+G+B), B/(R+G+B)) with 3×3 patches, fused by max, so colour-only defects are found; needs colour images (default: grayscale only, as in the MVTec AD benchmark)." };
    public Option<int?> Clusters { get; } = new("--clusters") { Description = "feature-dictionary: k-means centres (default 10)." };
    public Option<int?> Stride { get; } = new("--stride") { Description = "feature-dictionary: step of the scored patch grid in working pixels (default 4)." };
    public Option<float?> PcaVariance { get; } = new("--pca-variance") { Description = "feature-dictionary: fraction of variance PCA keeps (default 0.95)." };

    private IEnumerable<Option> All => [SigmaMin, ChannelFusion, Alignment, Illumination, PyramidLevels, PatchSize, MaxTrainImages, Samples, GmmComponents, ThresholdSigma, Chroma, Clusters, Stride, PcaVariance];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    public FitOptions Apply(ParseResult parse, FitOptions options) => options with
    {
        SigmaMin = parse.GetValue(SigmaMin) ?? options.SigmaMin,
        ChannelFusion = parse.GetValue(ChannelFusion) ?? options.ChannelFusion,
        Alignment = parse.GetValue(Alignment) ?? options.Alignment,
        Illumination = parse.GetValue(Illumination) ?? options.Illumination,
        PyramidLevels = parse.GetValue(PyramidLevels) ?? options.PyramidLevels,
        PatchSize = parse.GetValue(PatchSize) ?? options.PatchSize,
        MaxTrainImages = parse.GetValue(MaxTrainImages) ?? options.MaxTrainImages,
        SamplesPerLevel = parse.GetValue(Samples) ?? options.SamplesPerLevel,
        GmmComponents = ParseCounts(parse.GetValue(GmmComponents)) ?? options.GmmComponents,
        ThresholdSigma = parse.GetValue(ThresholdSigma) ?? options.ThresholdSigma,
        Chroma = parse.GetValue(Chroma) || options.Chroma,
        Clusters = parse.GetValue(Clusters) ?? options.Clusters,
        Stride = parse.GetValue(Stride) ?? options.Stride,
        PcaVariance = parse.GetValue(PcaVariance) ?? options.PcaVariance,
    };

    /// <summary>"1,2,4,8" → [1, 2, 4, 8]; a clear error for anything else.</summary>
    public static IReadOnlyList<int>? ParseCounts(string? text)
    {
        if (text is null) return null;
        var counts = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int k) || k < 1)
                throw new InspectaUserException($"--gmm-components: '{part}' is not a positive component count (expected e.g. 1,2,4,8).");
            counts.Add(k);
        }
        if (counts.Count == 0) throw new InspectaUserException("--gmm-components needs at least one component count.");
        return counts;
    }
}
