using Inspecta.Imaging;

namespace Inspecta.Synthesis.TwoD.Defects;

/// <summary>
/// A defect applied to an albedo image: the defective albedo and one coverage map (0..1 per pixel) per
/// ground-truth region. Coverage is exactly the weight with which the defect replaced the clean pixel,
/// so "coverage ≥ 0.5" is the mask and nothing outside coverage &gt; 0 can have changed.
/// </summary>
public sealed record DefectRendering2D(ImageF Albedo, IReadOnlyList<float[]> Coverages);
