using Inspecta.Persistence;

namespace Inspecta.Detectors;

/// <summary>The methods Inspecta knows, by command-line id: how to create one for fitting and how
/// to load a fitted one. One line per method.</summary>
public static class DetectorCatalog
{
    public sealed record Entry(string Method, string Summary, bool NeedsBackbone,
        Func<FitOptions, IAnomalyDetector> Create, Func<ModelReader, IAnomalyDetector> Load);

    private static readonly Entry[] Entries =
    [
        new("feature-dictionary", "CNN feature dictionary: PCA + k-means of pooled patch features (Napoletano et al.)", true, o => new FeatureDictionary.FeatureDictionaryDetector(o), FeatureDictionary.FeatureDictionaryDetector.Load),
        new("texture-gmm", "GMM texture inspection: patch likelihood on an image pyramid (Böttger & Ulrich)", false, o => new TextureGmm.TextureGmmDetector(o), TextureGmm.TextureGmmDetector.Load),
        new("variation", "Variation model: per-pixel mean and deviation, optional rigid alignment (Steger et al.)", false, o => new VariationModel.VariationModelDetector(o), VariationModel.VariationModelDetector.Load),
        // Methods register here, e.g.:
        // new("patchcore", "PatchCore (Roth et al.)", true, o => new PatchCoreDetector(o), PatchCoreDetector.Load),
        new("patchcore", "PatchCore (Roth et al.): coreset memory bank of CNN patch features", true, o => new PatchCore.PatchCoreDetector(o), PatchCore.PatchCoreDetector.Load),
        new("padim", "PaDiM (Defard et al.): per-position Gaussians of CNN features, Mahalanobis map", true, o => new Padim.PadimDetector(o), Padim.PadimDetector.Load),
        new("depth-vm", "Depth variation model (MVTec 3D-AD paper): per-pixel depth mean and deviation of organised scans", false, o => new DepthVariation.DepthVariationDetector(o), DepthVariation.DepthVariationDetector.Load),
        new("voxel-vm", "Voxel variation model (MVTec 3D-AD paper): 64³ occupancy mean and deviation, projected to pixels", false, o => new VoxelVariation.VoxelVariationDetector(o), VoxelVariation.VoxelVariationDetector.Load),
        new("pc-patchcore", "Point-cloud PatchCore: FPS patches with mean-FPFH (or centroid) descriptors, optional registration to the template; per-point scores", false, o => new PointPatchCore.PointPatchCoreDetector(o), PointPatchCore.PointPatchCoreDetector.Load),
        new("btf-raw", "BTF (Horwitz & Hoshen): raw xyz patches of organised scans in a PatchCore memory bank", false, o => new Btf.BtfDetector(Btf.BtfFeatures.Raw, o), Btf.BtfDetector.Load),
        new("btf-fpfh", "BTF (Horwitz & Hoshen): FPFH patches of organised scans in a PatchCore memory bank", false, o => new Btf.BtfDetector(Btf.BtfFeatures.Fpfh, o), Btf.BtfDetector.Load),
        new("btf-fpfh-rgb", "BTF (Horwitz & Hoshen): FPFH + RGB PatchCore features of organised scans", true, o => new Btf.BtfDetector(Btf.BtfFeatures.FpfhRgb, o), Btf.BtfDetector.Load),
        new("spade", "SPADE (Cohen & Hoshen): global kNN images, then pixel kNN in their feature maps", true, o => new Spade.SpadeDetector(o), Spade.SpadeDetector.Load),
    ];

    public static IReadOnlyList<Entry> All => Entries;

    public static Entry Get(string method) =>
        Entries.FirstOrDefault(e => e.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
        ?? throw new InspectaUserException($"Unknown method '{method}'. Known methods: {string.Join(", ", Entries.Select(e => e.Method))}.");

    /// <summary>Loads any fitted model file, dispatching on the method recorded in its manifest.</summary>
    public static IAnomalyDetector Load(ModelReader reader) => Get(reader.Method).Load(reader);
}
