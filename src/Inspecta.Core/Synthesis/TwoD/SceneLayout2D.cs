namespace Inspecta.Synthesis.TwoD;

/// <summary>
/// Everything that varies between good samples of a category: pose (centre, angle, scale), lighting,
/// the seed of the texture noise, and the parts placed in the scene. A renderer draws a layout
/// deterministically, so logical anomalies are made by editing the layout and drawing it again.
/// </summary>
public sealed record SceneLayout2D(int Size, float CenterX, float CenterY, float Angle, float Scale,
    Illumination Light, ulong TextureSeed, IReadOnlyList<Component2D> Components)
{
    /// <summary>Category-specific tint or parameter (e.g. the base hue of a texture).</summary>
    public float Variant { get; init; }
}
