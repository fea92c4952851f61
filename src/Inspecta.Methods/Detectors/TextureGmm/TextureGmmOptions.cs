using Inspecta.Detectors.Options;

namespace Inspecta.Detectors.TextureGmm;

/// <summary>Options of <c>--method texture-gmm</c>.</summary>
public sealed record TextureGmmOptions : MethodOptions
{
    [Option("image-size", "Square working size the images are resized to.", Min = 8, Max = 8192)]
    public int ImageSize { get; init; } = TextureGmmDetector.DefaultImageSize;

    [Option("pyramid-levels", "Image pyramid levels, each with its own mixture.", Min = 1, Max = 8)]
    public int PyramidLevels { get; init; } = TextureGmmDetector.DefaultLevels;

    [Option("patch-size", "Odd patch side at every pyramid level, 3..15.", Min = 3, Max = 15)]
    public int PatchSize { get; init; } = TextureGmmDetector.DefaultPatchSize;

    [Option("max-train-images", "Use at most this many training images (chosen at random by --seed).", Min = 1)]
    public int MaxTrainImages { get; init; } = TextureGmmDetector.DefaultMaxTrainImages;

    [Option("samples", "Training patches drawn per pyramid level.", Key = "samples_per_level", Min = 100)]
    public int SamplesPerLevel { get; init; } = TextureGmmDetector.DefaultSamplesPerLevel;

    [Option("gmm-components", "Candidate mixture sizes, comma-separated; the lowest BIC wins.", Key = "gmm_component_candidates", Min = 1, Max = 64)]
    public IReadOnlyList<int> GmmComponents { get; init; } = TextureGmmDetector.DefaultComponents;

    [Option("threshold-sigma", "k of the method's own k-sigma thresholds on good validation images.", Above = 0)]
    public float ThresholdSigma { get; init; } = TextureGmmDetector.DefaultThresholdSigma;

    [Option("chroma", "Also model chromaticity (R/(R+G+B), B/(R+G+B)) with 3×3 patches, fused by max, so colour-only defects are found; needs colour images (off: grayscale only, as in the MVTec AD benchmark).")]
    public bool Chroma { get; init; }

    public override void Validate()
    {
        string id = TextureGmmDetector.MethodId;
        if (PatchSize % 2 == 0) throw new InspectaUserException($"{id}: --patch-size must be odd and in 3..15, got {PatchSize}.");
        if (ImageSize >> (PyramidLevels - 1) < PatchSize)
            throw new InspectaUserException($"{id}: --image-size {ImageSize} is too small for {PyramidLevels} pyramid levels of {PatchSize}×{PatchSize} patches.");
    }
}
