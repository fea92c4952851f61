namespace Inspecta.Detectors;

/// <summary>
/// Options a user can give to <c>inspecta fit</c>. Each method reads the ones it understands and
/// ignores the rest; null means "the method's default".
/// </summary>
public sealed record FitOptions
{
    public int Seed { get; init; }
    /// <summary>Square input size the method resizes to (e.g. 224); null = method default.</summary>
    public int? ImageSize { get; init; }
    /// <summary>The category is a texture (set by the fit pipeline from <see cref="Datasets.TextureCategories"/>): methods with texture-specific defaults use them.</summary>
    public bool TextureCategory { get; init; }
    /// <summary>Backbone path or preset name (resolved by the features layer).</summary>
    public string? Backbone { get; init; }
    public IReadOnlyList<string>? Layers { get; init; }

    // Variation model (--method variation)
    /// <summary>Lower bound on the per-pixel standard deviation, in intensity units of [0, 1] images.</summary>
    public float? SigmaMin { get; init; }
    /// <summary>"max" (MVTec AD) or "mean" (MVTec LOCO AD) over colour channels.</summary>
    public string? ChannelFusion { get; init; }
    /// <summary>"none", "translation" or "rigid" registration to the first training image.</summary>
    public string? Alignment { get; init; }
    /// <summary>"none" or "plane": divide out each image's lighting (gain + linear gradient) fitted against the mean.</summary>
    public string? Illumination { get; init; }

    // GMM texture inspection (--method texture-gmm)
    /// <summary>Number of image pyramid levels (texture-gmm: 4).</summary>
    public int? PyramidLevels { get; init; }
    /// <summary>Square patch side: texture-gmm 7 (at each level), feature-dictionary 16 (at the working size).</summary>
    public int? PatchSize { get; init; }
    /// <summary>At most this many training images are used (texture-gmm: 50, chosen at random by <see cref="Seed"/>).</summary>
    public int? MaxTrainImages { get; init; }
    /// <summary>Training patches drawn per pyramid level (texture-gmm) or in total (feature-dictionary).</summary>
    public int? SamplesPerLevel { get; init; }
    /// <summary>Candidate mixture sizes; the one with the lowest BIC wins (texture-gmm: 1, 2, 4, 8).</summary>
    public IReadOnlyList<int>? GmmComponents { get; init; }
    /// <summary>k of the k-sigma rule for the method's own thresholds on good validation images.</summary>
    public float? ThresholdSigma { get; init; }
    /// <summary>texture-gmm: also model the r and b chromaticity planes (colour defects); off = the benchmark's grayscale model.</summary>
    public bool Chroma { get; init; }

    // CNN feature dictionary (--method feature-dictionary)
    /// <summary>Number of k-means centres (feature-dictionary: 10).</summary>
    public int? Clusters { get; init; }
    /// <summary>Grid step between scored patches, in working-size pixels (feature-dictionary: 4).</summary>
    public int? Stride { get; init; }
    /// <summary>Fraction of variance PCA keeps (feature-dictionary: 0.95).</summary>
    public float? PcaVariance { get; init; }

    // PatchCore / PaDiM / SPADE
    /// <summary>Resize to 8/7 of the image size, then center crop (the papers' 256 → 224 protocol).</summary>
    public bool CenterCrop { get; init; }
    /// <summary>PatchCore: fraction of patches kept by the greedy coreset (0 &lt; r ≤ 1; default 0.1).</summary>
    public double? CoresetRatio { get; init; }
    /// <summary>PatchCore: bank neighbours used to re-weight the image score (1 = plain maximum; default 3).</summary>
    public int? NumNeighbours { get; init; }
    /// <summary>PaDiM: random channel subset size (default 100 for ResNet-18-like, 550 for 50-layer nets).</summary>
    public int? FeatureChannels { get; init; }
    /// <summary>PaDiM: refuse to fit when the estimated memory exceeds this many bytes (default 8 GB).</summary>
    public long? MaxMemoryBytes { get; init; }
    /// <summary>SPADE: number of nearest training images (default 50).</summary>
    public int? TopImages { get; init; }

    // 3D methods (depth-vm, voxel-vm, pc-patchcore)
    /// <summary>voxel-vm: voxels per axis over the training bounding box (default 64).</summary>
    public int? VoxelResolution { get; init; }
    /// <summary>pc-patchcore: patch descriptor, "fpfh" (mean FPFH of the patch) or "xyz" (patch centroid; use with registration).</summary>
    public string? PointDescriptor { get; init; }
    /// <summary>pc-patchcore: patch centres sampled by farthest-point sampling per cloud (default 512).</summary>
    public int? PatchCentres { get; init; }
    /// <summary>pc-patchcore: points per patch around each centre (default 64).</summary>
    public int? PatchPoints { get; init; }
    /// <summary>pc-patchcore: register every cloud to the first training template first (Reg3D-AD style).</summary>
    public bool Register { get; init; }
}
