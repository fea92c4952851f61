namespace Inspecta.Detectors.Btf;

/// <summary>Which per-point features "Back to the Feature" pools into patches.</summary>
public enum BtfFeatures
{
    /// <summary>The raw xyz coordinates (3 values per patch).</summary>
    Raw,
    /// <summary>FPFH of the background-free points (33 values per patch).</summary>
    Fpfh,
    /// <summary>PatchCore's RGB patch features concatenated with the pooled FPFH.</summary>
    FpfhRgb,
}
