using Inspecta.Detectors.Options;

namespace Inspecta.Detectors.FeatureDictionary;

/// <summary>Options of <c>--method feature-dictionary</c>.</summary>
public sealed record FeatureDictionaryOptions : BackboneOptions
{
    [Option("image-size", "Side of the square working image the patches are cut from.", Persist = false, Min = 16, Max = 4096,
        DefaultText = "256; 512 on texture categories")]
    public override int? ImageSize { get; init; }

    [Option("patch-size", "Patch side at the working size, a multiple of --stride.", Min = 1)]
    public int PatchSize { get; init; } = FeatureDictionaryDetector.DefaultPatchSize;

    [Option("stride", "Step of the scored patch grid in working pixels.", Min = 1)]
    public int Stride { get; init; } = FeatureDictionaryDetector.DefaultStride;

    [Option("clusters", "k-means centres K of the dictionary.", Min = 1)]
    public int Clusters { get; init; } = FeatureDictionaryDetector.DefaultClusters;

    [Option("pca-variance", "Fraction of variance PCA keeps, in (0, 1].", Above = 0, Max = 1)]
    public double PcaVariance { get; init; } = FeatureDictionaryDetector.DefaultPcaVariance;

    [Option("samples", "Training patches drawn in total for PCA and k-means.", Key = "training_patches", Min = 1)]
    public int TrainingPatches { get; init; } = FeatureDictionaryDetector.DefaultTrainingPatches;

    public override MethodOptions ForCategory(bool texture) => ImageSize is null
        ? this with { ImageSize = texture ? FeatureDictionaryDetector.DefaultTextureImageSize : FeatureDictionaryDetector.DefaultImageSize }
        : this;

    public override void Validate()
    {
        int size = ImageSize ?? FeatureDictionaryDetector.DefaultImageSize;
        string id = FeatureDictionaryDetector.MethodId;
        if (PatchSize < Stride || PatchSize > size) throw new InspectaUserException($"{id}: --patch-size must be between the stride ({Stride}) and the image size ({size}), got {PatchSize}.");
        if (PatchSize % Stride != 0) throw new InspectaUserException($"{id}: --patch-size ({PatchSize}) must be a multiple of --stride ({Stride}).");
        if (size % Stride != 0) throw new InspectaUserException($"{id}: --image-size ({size}) must be a multiple of --stride ({Stride}).");
        if (TrainingPatches < Clusters) throw new InspectaUserException($"{id}: --samples ({TrainingPatches}) must be at least --clusters ({Clusters}).");
    }
}
